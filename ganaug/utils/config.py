"""Checks every user-facing config value before any work starts, with a one-line error naming key and fix."""
from __future__ import annotations

import difflib
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

from hydra import compose, initialize_config_dir
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig, OmegaConf

from ganaug.utils.errors import UserError

CONFIG_PACKAGE = "ganaug.conf"  # the configs ship inside the package; the repository's conf/ links to them
CONFIG_PATH = f"pkg://{CONFIG_PACKAGE}"  # where the commands' @hydra.main finds them, however ganaug was installed
CONFIG_DIR = str(files(CONFIG_PACKAGE))  # the same folder, for reading its files and for compose in tests
USER_DIR_FLAGS = ("--config-dir", "-cd")  # Hydra's flag adding a user's folder of configs to the search path


def plain(config: Any) -> Any:
    """A config as plain dicts and lists with interpolations resolved (what a checkpoint's hyperparameters hold)."""
    return OmegaConf.to_container(config, resolve=True) if OmegaConf.is_config(config) else config


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def positive_int(v: Any) -> bool:
    return _is_int(v) and v >= 1


def positive_number(v: Any) -> bool:
    return _is_number(v) and v > 0


def non_negative_number(v: Any) -> bool:
    return _is_number(v) and v >= 0


def boolean(v: Any) -> bool:
    return isinstance(v, bool)


OPTIMIZED_METRICS = ("val_acc", "val_gain")  # what a run may return to an optimising sweeper: validation only

# key → (test, what is allowed); keys missing from a config are not checked.
RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "seed": (lambda v: _is_int(v) and v >= 0, "an integer >= 0"),
    "resume": (boolean, "true or false"),
    "optimized_metric": (lambda v: v in OPTIMIZED_METRICS, f"one of {', '.join(OPTIMIZED_METRICS)} (validation measures)"),
    "control": (boolean, "true or false (train the paired real-only control beside a run that adds fakes)"),
    "threads": (lambda v: v == "auto" or positive_int(v), "auto or an integer >= 1 (torch threads per run)"),
    "augment.gan": (boolean, "true or false"),
    "augment.classic": (boolean, "true or false"),
    "augment.elastic": (boolean, "true or false (elastic distortion in the classic augmentation)"),
    "augment.random_affine": (boolean, "true or false (random affine in the classic augmentation)"),
    "augment.distortion.alpha": (non_negative_number, "a number >= 0 (pixels)"),
    "augment.distortion.sigma": (positive_number, "a number > 0 (pixels)"),
    "augment.fake_labels": (lambda v: v in ("hard", "soft", "none"), "hard, soft or none"),
    "augment.confidence": (lambda v: _is_number(v) and 0 < v <= 1, "a number in (0, 1] (pseudo-label threshold)"),
    "augment.unlabelled_weight": (non_negative_number, "a number >= 0 (weight of the unlabelled fakes' loss)"),
    "augment.ratio": (positive_number, "a number > 0 (fakes per real image)"),
    "augment.best_of": (positive_int, "an integer >= 1 (fakes drawn per fake kept; 1: no selection)"),
    "augment.judge_epochs": (positive_int, "an integer >= 1 (epochs of the classifier that picks fakes)"),
    "augment.fake_weight": (positive_number, "a number > 0 (weight of a fake's loss; a real image's is 1)"),
    "augment.affine.degrees": (non_negative_number, "a number >= 0 (degrees)"),
    "augment.affine.translate": (lambda v: _is_number(v) and 0 <= v <= 1, "a number in [0, 1] (fraction of the size)"),
    "augment.affine.scale": (
        lambda v: isinstance(v, Sequence) and len(v) == 2 and all(positive_number(x) for x in v) and v[0] <= v[1],
        "[low, high] with 0 < low <= high",
    ),
    "augment.affine.shear": (non_negative_number, "a number >= 0 (degrees)"),
    "data.n_per_class": (lambda v: v is None or positive_int(v), "an integer >= 1, or null for every image"),
    "data.val_per_class": (lambda v: v is None or positive_int(v), "an integer >= 1, or null for data.val_fraction"),
    "data.val_fraction": (lambda v: v is None or (_is_number(v) and 0 < v < 1),
                          "a number between 0 and 1 (share of each class held for validation), or null"),
    "data.test_per_class": (lambda v: v is None or positive_int(v), "null or an integer >= 1"),
    "data.max_test_per_class": (lambda v: v is None or positive_int(v), "null or an integer >= 1"),
    "data.batch_size": (positive_int, "an integer >= 1"),
    "data.root": (lambda v: isinstance(v, str) and v.strip() != "", "a folder path: data.root=DIR"),
    "data.test_fraction": (lambda v: _is_number(v) and 0 < v < 1, "a number between 0 and 1 (share held out)"),
    "data.split_seed": (lambda v: _is_int(v) and v >= 0, "an integer >= 0"),
    "data.invert": (lambda v: v in ("auto", True, False), "auto, true or false"),
    "data.keep_28x28": (boolean, "true or false"),
    "data.skip_bad": (boolean, "true or false"),
    "data.download": (boolean, "true or false"),
    "data.eval_batch_size": (positive_int, "an integer >= 1"),
    "gan.steps": (positive_int, "an integer >= 1 (training iterations; a GAN's are D/G iterations)"),
    "gan.batch_size": (positive_int, "an integer >= 1"),
    "gan.sample_every": (lambda v: _is_int(v) and v >= 0, "an integer >= 0 (0: only at the end)"),
    "gan.on_nan": (lambda v: v in ("stop", "retry"), "stop or retry"),
    "gan.collapse_below": (non_negative_number, "a number >= 0 (diversity ratio)"),
    "gan.checkpoint_every": (positive_int, "an integer >= 1 (D/G iterations)"),
    "gan.cas_epochs": (lambda v: _is_int(v) and v >= 0, "an integer >= 0 (0: no CAS)"),
    "gan.adapt_steps": (positive_int, "an integer >= 1 (iterations adapting a pretrained generator)"),
    "gan.monitor_per_class": (positive_int, "an integer >= 1 (samples per class in the logged grid and diversity)"),
    "gan.module.sampling_steps": (positive_int, "an integer >= 1 (DDIM steps over the whole schedule)"),
    "gan.module.guidance": (non_negative_number, "a number >= 0 (1: conditional only, more: guided)"),
    "gan.module.label_dropout": (lambda v: _is_number(v) and 0 <= v < 1, "a number in [0, 1) (share trained as no class)"),
    "gan.module.strength": (lambda v: v is None or (_is_number(v) and 0 < v <= 1),
                            "null (from noise) or a number in (0, 1] (share of the schedule a real digit is noised to)"),
    "gan.module.train_timesteps": (positive_int, "an integer >= 1"),
    "gan.freeze_d_blocks": (lambda v: _is_int(v) and 0 <= v <= 2, "0, 1 or 2 (discriminator blocks kept fixed)"),
    "pretrain.classifier_epochs": (positive_int, "an integer >= 1"),
    "pretrain.gan_steps": (positive_int, "an integer >= 1 (D/G iterations)"),
    "pretrain.gan_batch_size": (positive_int, "an integer >= 1"),
    "pretrain.classifier_training.batch_size": (positive_int, "an integer >= 1"),
    "pretrain.classifier_training.lr": (positive_number, "a number > 0"),
    "pretrain.classifier_training.lr_schedule": (lambda v: v in ("constant", "cosine"), "constant or cosine"),
    "classifier.freeze": (boolean, "true or false"),
    "layout": (lambda v: v in ("auto", "grid", "freehand"), "auto, grid or freehand"),
    "check.mode": (lambda v: v in ("learned", "quick"), "learned or quick"),
    "check.folds": (lambda v: _is_int(v) and v >= 2, "an integer >= 2"),
    "check.epochs": (positive_int, "an integer >= 1"),
    "gan.module.lr": (positive_number, "a number > 0"),
    "gan.module.mode_seeking": (non_negative_number, "a number >= 0 (0: off)"),
    "gan.module.ema_decay": (lambda v: v is None or (_is_number(v) and 0 < v < 1), "null or a number in (0, 1)"),
    "gan.module.grad_clip": (lambda v: v is None or positive_number(v), "null or a number > 0"),
    "classifier.epochs": (positive_int, "an integer >= 1"),
    "classifier.batch_size": (positive_int, "an integer >= 1"),
    "classifier.eval_every": (positive_int, "an integer >= 1 (epochs)"),
    "classifier.module.lr": (positive_number, "a number > 0"),
    "classifier.module.momentum": (non_negative_number, "a number >= 0"),
    "classifier.module.weight_decay": (non_negative_number, "a number >= 0"),
    "classifier.module.lr_schedule": (lambda v: v in ("constant", "cosine"), "constant or cosine"),
}


def validate(cfg: DictConfig) -> None:
    """Raise UserError for the first config value outside what RULES allow."""
    for key, (ok, allowed) in RULES.items():
        value = OmegaConf.select(cfg, key, default="__missing__")
        if isinstance(value, str) and value == "__missing__":
            continue
        if not ok(value):
            raise UserError(f"{key}={value!r} is not allowed: use {allowed}")
    data = cfg.get("data")
    if data is not None and "val_per_class" in data and data.val_per_class is None and data.val_fraction is None:
        raise UserError("data.val_per_class and data.val_fraction are both null: every run needs a validation set; "
                        "set one of them (e.g. data.val_fraction=0.2)")
    augment = cfg.get("augment")
    if augment is not None and augment.classic and not (augment.random_affine or augment.elastic):
        raise UserError("augment.classic=true with neither augment.random_affine nor augment.elastic is no "
                        "augmentation: turn one of them on, or use an experiment without classic augmentation")


_ABSENT = object()


def keys_of(node: Any, prefix: str = "") -> list[str]:
    """Every dotted key of a config, inner nodes included (`augment`, `augment.affine`, `augment.affine.degrees`)."""
    if not isinstance(node, DictConfig):
        return []
    keys = []
    for name in node.keys():
        key = f"{prefix}{name}"
        keys.append(key)
        keys += keys_of(node._get_node(name), f"{key}.")
    return keys


def user_config_dirs(argv: Sequence[str]) -> tuple[list[str], list[Path]]:
    """The command line without Hydra's `--config-dir DIR` (`-cd DIR`), and the folders of a user's own configs that
    it adds to the search path: those flags' and the `file://` entries of a `hydra.searchpath=[...]` override."""
    rest, dirs, args = [], [], iter(argv)
    for arg in args:
        flag, has_value, value = arg.partition("=")
        if flag in USER_DIR_FLAGS:
            dirs.append(Path(value if has_value else next(args, "")))
            continue
        rest.append(arg)
        if flag == "hydra.searchpath":
            try:
                entries = OverridesParser.create().parse_overrides([arg])[0].value()
            except Exception:  # Hydra's own message for a malformed list
                continue
            dirs += [Path(entry.removeprefix("file://")) for entry in entries if str(entry).startswith("file://")]
    for folder in dirs:
        if not folder.is_dir():
            raise UserError(f"{folder}: no such folder of configs; give --config-dir a folder holding e.g. "
                            "experiment/NAME.yaml")
    return rest, [folder.resolve() for folder in dirs]


def groups(dirs: Sequence[Path] = ()) -> set[str]:
    """The config groups under conf/ and the user's config folders (`data`, `experiment`, `hydra/launcher`, ...)."""
    return {str(path.relative_to(root)) for root in (Path(CONFIG_DIR), *dirs) for path in root.rglob("*") if path.is_dir()}


def check_overrides(overrides: Sequence[str], config_name: str) -> None:
    """Raise UserError for an override whose key the config does not have, naming the closest key that exists.

    Composes the config with the command line's group choices (the first of a swept list) and its user config
    folders, and looks up every `KEY=VALUE`; Hydra's own message for a typo is several lines and suggests `+KEY`,
    which is the wrong fix.
    """
    overrides, dirs = user_config_dirs(overrides)
    check_group_keys(overrides, config_name, dirs)
    choices, assignments, known_groups = [], [], groups(dirs)
    for arg in overrides:
        key, is_assignment, value = arg.partition("=")
        if not is_assignment or key.startswith(("+", "~", "hydra")):
            continue
        if key in known_groups:
            choices.append(f"{key}={value if value.startswith('[') else value.split(',')[0]}")  # a list, or a sweep's first
        else:
            assignments.append(key)
    if dirs:
        choices.append(f"hydra.searchpath=[{','.join(f'file://{folder}' for folder in dirs)}]")
    try:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
            cfg = compose(config_name, overrides=choices)
    except Exception:  # an unknown group option: Hydra's own message lists the options
        return
    known = keys_of(cfg)
    for key in assignments:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"see conf/{config_name}.yaml and its groups for the keys"
            raise UserError(f"{key} is not a setting; {hint}")


def check_group_keys(overrides: Sequence[str], config_name: str, dirs: Sequence[Path] = (), group: str = "data") -> None:
    """Raise UserError for an override `GROUP.KEY=...` whose KEY only other options of GROUP have.

    `data.root=DIR` without `data=folder` is the common case; Hydra's own message for it suggests
    `+data.root=DIR`, which is the wrong fix. Reads the command line, conf/ and the user's config folders `dirs`
    (where a name is in both, the package's wins, as in Hydra's search path), before Hydra composes anything.
    """
    options = {}
    for root in (*reversed(dirs), Path(CONFIG_DIR)):
        options |= {path.stem: OmegaConf.load(path) for path in sorted((root / group).glob("*.yaml"))}
    defaults = OmegaConf.load(Path(CONFIG_DIR) / f"{config_name}.yaml").defaults
    chosen = next(entry[group] for entry in defaults if isinstance(entry, DictConfig) and group in entry)
    for arg in overrides:
        if arg.startswith(f"{group}="):
            chosen = arg.partition("=")[2]

    def has(option: str, key: str) -> bool:
        return option in options and OmegaConf.select(  # a value interpolating other groups cannot resolve here
            options[option], key, default=_ABSENT, throw_on_resolution_failure=False) is not _ABSENT

    for arg in overrides:
        key, is_assignment, _ = arg.partition("=")
        if not (is_assignment and key.startswith(f"{group}.")):
            continue
        key = key.removeprefix(f"{group}.")
        owners = [f"{group}={name}" for name in options if has(name, key)]
        if owners and not any(has(name.strip(), key) for name in chosen.split(",")):
            raise UserError(
                f"{group}.{key} is not a setting of {group}={chosen}; {' and '.join(owners)} "
                f"{'have' if len(owners) > 1 else 'has'} it: add {' or '.join(owners)} to the command"
            )
