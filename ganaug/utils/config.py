"""Where the configs live, and the checks of a command line before any work starts: every key known (the closest
one named where it is not), every value allowed by the command's schema (`ganaug.schema`), one line each."""
from __future__ import annotations

import copy
import difflib
import importlib.util
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from hydra import compose, initialize_config_dir
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import ValueType
from omegaconf import DictConfig, OmegaConf, ValidationError, open_dict
from omegaconf.errors import ConfigAttributeError, ConfigKeyError

from ganaug.schema.commands import COMMANDS
from ganaug.schema.store import CONFIGS
from ganaug.schema.validation import SchemaError, check, refused
from ganaug.utils.errors import UserError
from ganaug.utils.plain import plain

CONFIG_PACKAGE = "ganaug.conf"  # the configs ship inside the package; the repository's conf/ links to them
CONFIG_PATH = f"pkg://{CONFIG_PACKAGE}"  # where the commands' @hydra.main finds them, however ganaug was installed
CONFIG_DIR = str(files(CONFIG_PACKAGE))  # the same folder, for reading its files and for compose in tests
USER_DIR_FLAGS = ("--config-dir", "-cd")  # Hydra's flag adding a user's folder of configs to the search path
# Hydra's flags, and those of them that take the next argument as their value.
HYDRA_FLAGS = {"-h", "--help", "--hydra-help", "--version", "-c", "--cfg", "--resolve", "-p", "--package", "-r",
               "--run", "-m", "--multirun", "-sc", "--shell-completion", "-cp", "--config-path", "-cn",
               "--config-name", "-cd", "--config-dir", "--experimental-rerun", "-i", "--info"}
VALUED_FLAGS = {"-c", "--cfg", "-p", "--package", "-cp", "--config-path", "-cn", "--config-name", "-cd",
                "--config-dir", "--experimental-rerun", "-sc", "--shell-completion"}
INFO_VALUES = {"all", "config", "defaults", "defaults-tree", "plugins", "searchpath"}


def plugin_installed(name: str) -> bool:
    """Whether Hydra's plugin `name` (`hydra_joblib_launcher`, ...) is installed; where none is, even the package
    they share (`hydra_plugins`) is missing."""
    try:
        return importlib.util.find_spec(f"hydra_plugins.{name}") is not None
    except ModuleNotFoundError:
        return False


def detached(group: DictConfig | None) -> DictConfig | None:
    """A config group on its own: its interpolations of other groups resolved, so a stage reads it without the rest."""
    return None if group is None else OmegaConf.create(plain(group))


def validate(cfg: DictConfig, config_name: str = "train") -> None:
    """Raise UserError for a required setting not given, or the first setting of `cfg` that the schema of the
    command's config does not allow."""
    missing = sorted(OmegaConf.missing_keys(cfg))
    if missing:
        usage = getattr(CONFIGS[config_name], "usage", None)
        raise UserError(f"{missing[0]} is required" + (f"; usage: {usage}" if usage else ""))
    try:
        check(cfg, CONFIGS[config_name])
    except SchemaError as error:
        raise UserError(str(error)) from None


def sweep_values(overrides: Sequence[str]) -> tuple[list[str], dict[str, list[Any]]]:
    """The command line with each sweep (`key=a,b`, `range(...)`) at its first value, and every value of each
    sweep of a setting (not of a config group); a search's `interval(...)` left out."""
    parser = OverridesParser.create()
    first, sweeps = [], {}
    for arg in overrides:
        try:
            override = parser.parse_overrides([arg])[0]
        except Exception:  # Hydra's own message for a malformed line follows when it runs
            first.append(arg)
            continue
        if override.is_sweep_override() and not override.is_hydra_override():
            if override.value_type == ValueType.INTERVAL_SWEEP:
                continue  # a search space: the search's own check reads it (ganaug.utils.search_space)
            prefix = arg[: len(arg) - len(arg.lstrip("+~"))]
            first.append(f"{prefix}{override.key_or_group}={next(iter(override.sweep_string_iterator()))}")
            sweeps[override.key_or_group] = list(override.sweep_iterator())
        else:
            first.append(arg)
    return first, sweeps


def check_added_hydra_keys(cfg: DictConfig, added: Sequence[str]) -> None:
    """Raise UserError for a setting added to Hydra's own (`+hydra.launcher.no_such=1`) that its node, in `cfg`
    composed with Hydra's config, does not have, in one line where Hydra's own message is several."""
    for override in added:
        parent, _, name = override[1:].partition("=")[0].rpartition(".")
        node = OmegaConf.select(cfg, parent)
        if isinstance(node, DictConfig) and name not in node:
            raise UserError(f"{parent}.{name} is not a setting; {parent} has {', '.join(sorted(node))}")


def unknown_hydra_key(error: BaseException) -> str | None:
    """The one-line message for a key of Hydra's own (a launcher's, a sweeper's) that its structured config lacks;
    None for any other error."""
    cause = error.__cause__ or error.__context__
    key = getattr(cause, "full_key", None) or ""
    if not (isinstance(cause, (ConfigAttributeError, ConfigKeyError)) and key.startswith("hydra.")):
        return None
    known = sorted(getattr(cause.object_type, "__dataclass_fields__", {}))
    return f"{key} is not a setting" + (f"; {key.rpartition('.')[0]} has {', '.join(known)}" if known else "")


def composed(config_name: str, overrides: Sequence[str], dirs: Sequence[Path] = (),
             with_hydra: bool = False) -> DictConfig | None:
    """The command's config composed with `overrides` and the user's config folders `dirs` (`with_hydra`: Hydra's
    own settings kept under `hydra`). Raises UserError where OmegaConf refuses a value for its schema field's type,
    or a key of Hydra's own does not exist; None where Hydra refuses them otherwise (an unknown key is named by the
    caller, anything else by Hydra's own message when the command runs)."""
    if dirs:
        overrides = [*overrides, f"hydra.searchpath=[{','.join(f'file://{folder}' for folder in dirs)}]"]
    try:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
            return compose(config_name, overrides=list(overrides), return_hydra_config=with_hydra)
    except Exception as error:
        message = refused(error) or unknown_hydra_key(error)
        if message:
            raise UserError(message) from None
        return None


def check_values(cfg: DictConfig, sweeps: dict[str, list[Any]], config_name: str, groups_: set[str]) -> None:
    """Raise UserError for a setting of `cfg` (composed with the first value of each sweep) or another value of a
    sweep of a setting that the config's schema does not allow, before Hydra runs anything or makes a folder."""
    validate(cfg, config_name)
    for key, values in sweeps.items():
        if key in groups_:
            continue
        for value in values[1:]:
            other = copy.deepcopy(cfg)
            try:
                OmegaConf.update(other, key, value, force_add=True)
            except ValidationError as error:
                raise UserError(refused(error) or f"{key}={value!r} is not allowed: {error.msg}") from None
            validate(other, config_name)


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


def split_flags(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """Hydra's flags with their values, and the rest of the command line (its settings, and anything else)."""
    flags, rest, args = [], [], iter(argv)
    for arg in args:
        flag = arg.partition("=")[0]
        if flag in HYDRA_FLAGS:
            flags.append(arg)
            if flag in VALUED_FLAGS and "=" not in arg:
                flags.append(next(args, ""))
        elif flags[-1:] in (["-i"], ["--info"]) and arg in INFO_VALUES:
            flags.append(arg)
        else:
            rest.append(arg)
    return flags, rest


def check_grammar(argv: Sequence[str]) -> None:
    """Raise UserError for a setting Hydra's override grammar cannot read, in one line where Hydra's is several."""
    parser = OverridesParser.create()
    for arg in split_flags(argv)[1]:
        if arg.startswith("-"):
            raise UserError(f"{arg.partition('=')[0]} is not a flag: the flags are Hydra's (-m, --cfg job, --config-dir DIR, "
                            "--help) and settings are KEY=VALUE")
        try:
            parser.parse_overrides([arg])
        except Exception as error:  # Hydra's OverrideParseException
            reason = str(error).splitlines()[0].split(": ", 1)[-1] if str(error) else ""
            reason = reason if reason and reason != arg else "a quote or bracket it cannot pair"
            raise UserError(f"{arg}: not a setting Hydra can read ({reason}); write KEY=VALUE, with a value holding "
                            "spaces, quotes, commas or brackets in quotes: KEY='...'") from None


def check_overrides(overrides: Sequence[str], config_name: str) -> None:
    """Raise UserError for an override whose key the config does not have, naming the closest key that exists, or
    whose value (any value of a sweep) its schema does not allow.

    Composes the config once, Hydra's own settings included, with the command line (each sweep at its first value)
    and its user config folders, and looks up every `KEY=VALUE` in it; where Hydra refuses that line, the group
    choices alone name the unknown key. Hydra's own message for a typo is several lines and suggests `+KEY`.
    """
    overrides, dirs = user_config_dirs(overrides)
    check_grammar(overrides)
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
    first, sweeps = sweep_values(split_flags(overrides)[1])
    added = [o for o in first if o.startswith("+hydra")]
    # one composition serves the keys, the values and Hydra's own settings
    whole = composed(config_name, [o for o in first if o not in added], dirs, with_hydra=True)
    if whole is not None:
        check_added_hydra_keys(whole, added)
        with open_dict(whole):
            del whole["hydra"]
    # Hydra refuses the line: the group choices alone name an unknown key, if that is why
    cfg = whole if whole is not None else composed(config_name, choices, dirs)
    if cfg is None:  # an unknown group option: Hydra's own message lists the options
        return
    known = keys_of(cfg)
    for key in assignments:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = (f"did you mean {close[0]}?" if close else f"the settings are {', '.join(cfg)}"
                    if config_name in COMMANDS else f"see conf/{config_name}.yaml and its groups for the keys")
            raise UserError(f"{key} is not a setting; {hint}")
    if whole is not None:
        check_values(whole, sweeps, config_name, known_groups)


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
    chosen = next((entry[group] for entry in defaults if isinstance(entry, DictConfig) and group in entry), None)
    if chosen is None:  # a command without the group
        return
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
