"""The parts ganaug builds by name, in the way of torchvision's `register_model`/`get_model`: every network,
augmentation and generator the package ships is registered under a short name, and a user's own with
`ganaug.register("name")`.

A config names a part by `_target_`: its registered name, or its import path for Hydra's use. What a module keeps
in its hyperparameters, and so what a checkpoint stores, is `spec(config)`: the registered name and plain
arguments (numbers, strings, lists and dicts of them). What loading builds is `build(spec)`: the registered callable
and nothing else, so a file handed over cannot choose the code that runs. Anything else, at any depth, is a
`NotAPart` error: a `_target_` nested in an argument, `_args_`, `_partial_` or another of Hydra's keys.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable, Collection, TypeVar

from ganaug.utils.plain import plain
from ganaug.utils.errors import UserError
from ganaug.utils.renames import moved

T = TypeVar("T")
PARTS: dict[str, Callable] = {}  # registered name → class or function
NAMES: dict[str, str] = {}  # import path (and older paths) → registered name
SHIPPED = ("ganaug.models.networks", "ganaug.models.augmentations", "ganaug.models.gan", "ganaug.models.dagan",
           "ganaug.models.diffusion", "ganaug.models.classifier", "ganaug.data.mnist", "ganaug.data.folder")
PLAIN = (str, int, float, bool, type(None))


class NotAPart(UserError):
    """A config or checkpoint names something that is not a registered part (the message says what)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"names {what!r}, which is not a part of ganaug")
        self.what = what


def register(name: str, *aliases: str) -> Callable[[T], T]:
    """A decorator registering a class or function as the part `name` (also found by its import path and `aliases`)."""

    def add(part: T) -> T:
        if name in PARTS and PARTS[name] is not part:
            raise ValueError(f"a part is already registered as {name!r}")
        PARTS[name] = part
        for path in (f"{part.__module__}.{part.__qualname__}", *aliases):
            NAMES[path] = name
        if isinstance(part, type):
            part.registered_as = name
        return part

    return add


def _shipped() -> None:
    """Import the modules whose parts register themselves (on first use: they import this module)."""
    for module in SHIPPED:
        importlib.import_module(module)


def part_name(target: Any) -> str:
    """The registered name of a config's `_target_` (a name or an import path); NotAPart for anything else."""
    _shipped()
    if isinstance(target, str) and target in PARTS:
        return target
    if isinstance(target, str) and moved(target) in NAMES:
        return NAMES[moved(target)]
    raise NotAPart(str(target))


def _check_plain(value: Any) -> None:
    """Raise NotAPart where `value` is not plain data: a nested `_target_`, one of Hydra's keys, an object."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "_target_":
                raise NotAPart(str(item))
            if not isinstance(key, str) or key.startswith("_"):
                raise NotAPart(str(key))
            _check_plain(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_plain(item)
    elif not isinstance(value, PLAIN):
        raise NotAPart(type(value).__name__)


def spec(config: Any) -> dict:
    """`config` as a module keeps it and a checkpoint stores it: `_target_` the registered name, the rest plain
    arguments. NotAPart where it names anything else, at any depth."""
    config = plain(config)
    if not isinstance(config, dict) or "_target_" not in config:
        raise NotAPart(repr(config)[:80])
    name = part_name(config["_target_"])
    arguments = {key: value for key, value in config.items() if key != "_target_"}
    _check_plain(arguments)
    return {"_target_": name, **arguments}


def build(config: Any, **extra: Any) -> Any:
    """The part a config names, called with its arguments and `extra` (which wins, as in Hydra's instantiate): only
    registered parts are ever called."""
    checked = spec(config)
    return PARTS[checked.pop("_target_")](**{**checked, **extra})


def check_run_config(config: Any, also: Collection[str]) -> None:
    """Raise NotAPart where a run's config read from a file (metrics.json) names, at any depth, a `_target_` that
    is neither a part nor one of `also` (what a run names besides the parts: its trainer, its loggers): commands
    that rebuild a run from its results instantiate it."""
    config = plain(config)
    if isinstance(config, dict):
        target = config.get("_target_")
        if target is not None and target not in also:
            part_name(target)
        for value in config.values():
            check_run_config(value, also)
    elif isinstance(config, list):
        for value in config:
            check_run_config(value, also)


def get(name: str) -> Callable:
    """The part registered as `name`; NotAPart otherwise."""
    return PARTS[part_name(name)]
