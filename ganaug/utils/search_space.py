"""Checks of a search (`-m hparams_search=NAME`) before it starts: the Optuna sweeper is installed, and every value
its search space can draw is one the run accepts, so a bad range fails in one line before any folder is made."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hydra import compose, initialize_config_dir
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import ChoiceSweep, IntervalSweep, RangeSweep
from omegaconf import OmegaConf

from ganaug.schema.groups import Train
from ganaug.schema.validation import field_of
from ganaug.utils.config import CONFIG_DIR, plugin_installed
from ganaug.utils.errors import UserError

SWEEPER_PLUGIN = "hydra_optuna_sweeper"


def search_choice(argv: Sequence[str]) -> str | None:
    """The `hparams_search=NAME` of a command line, None when it names none."""
    values = [arg.partition("=")[2] for arg in argv if arg.lstrip("+").startswith("hparams_search=")]
    return values[-1] if values and values[-1] != "null" else None


def drawable(sweep: Any) -> list[Any]:
    """The values a search-space entry can give that bound what it draws: an interval's ends, a range's or a
    choice's values, or the one value of a fixed entry."""
    if isinstance(sweep, IntervalSweep):
        return [sweep.start, sweep.end]
    if isinstance(sweep, RangeSweep):
        return list(sweep.range()) if hasattr(sweep, "range") else [sweep.start, sweep.stop]
    if isinstance(sweep, ChoiceSweep):
        return list(sweep.list)
    return [sweep]


def check_search(argv: Sequence[str]) -> None:
    """Raise UserError when the command line's search cannot run: no Optuna sweeper, or a search-space value the
    run refuses (named with its key and what is allowed)."""
    name = search_choice(argv)
    if name is None:
        return
    if not plugin_installed(SWEEPER_PLUGIN):
        raise UserError(f"hparams_search={name} needs Hydra's Optuna sweeper: pip install 'ganaug[search]'")
    if not any(arg in ("-m", "--multirun") for arg in argv):
        raise UserError(f"hparams_search={name} is a search of many runs: add -m")
    parser = OverridesParser.create()
    fixed, space = [], {}
    for arg in (a for a in argv if not a.startswith("-")):
        try:
            override = parser.parse_overrides([arg])[0]
        except Exception:  # a malformed line: Hydra's own message follows when it runs
            return
        if override.is_sweep_override() and not override.is_hydra_override():
            space[override.key_or_group] = (arg.partition("=")[2], override.value())  # the command line's own space
        else:
            fixed.append(arg)
    try:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
            cfg = compose("train", overrides=fixed, return_hydra_config=True)
    except Exception:  # an unknown option: Hydra's own message lists the options when it runs
        return
    for key, text in (OmegaConf.select(cfg, "hydra.sweeper.params") or {}).items():
        space.setdefault(key, (text, parser.parse_overrides([f"{key}={text}"])[0].value()))
    for key, (text, sweep) in space.items():
        if OmegaConf.select(cfg, key, default="__absent__") == "__absent__":
            raise UserError(f"{key}={text}: {key} is not a setting; search settings the run has")
        field = field_of(OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"]), Train, key)
        test = field.metadata.get("check") if field is not None else None
        for value in drawable(sweep):
            if test is not None and not test(value):
                raise UserError(f"{key}={text} can draw {value!r}, which {key} does not allow: search within "
                                f"{field.metadata['allowed']}")
