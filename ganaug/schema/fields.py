"""A schema field: its type (OmegaConf holds every override to it), what it allows beyond its type (a test and the
words that say it), whether it changes what is trained and whether it changes what is measured (the caches' keys
hold a field by these: a trained network's key the fields that train it, a cached result's key also those that
change its numbers). A field has no default of its own: the YAML file that extends the schema gives it."""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

from omegaconf import MISSING

Check = Callable[[Any], bool]


def setting(check: Check | None = None, allowed: str = "", trains: bool = True, measures: bool | None = None,
            default: Any = MISSING) -> Any:
    """A dataclass field whose value must pass `check` (`allowed` says what passes), marked whether it `trains` and
    whether it `measures` (by default: only where it trains; a field that only displays, logs or saves does neither).
    `default` only for a field an extending YAML file may leave out (None: not set)."""
    metadata = {"check": check, "allowed": allowed, "trains": trains, "measures": trains if measures is None else measures}
    return dataclasses.field(default=default, metadata=metadata)


def group(schema: type | None = None, trains: bool = True) -> Any:
    """A field holding a config group (`data`, `gan`, ...) or a node built by `_target_`: the option chosen, or the
    target, sets its settings; `schema` is what they are held to (None: the schema of its `_target_`)."""
    return dataclasses.field(default=MISSING, metadata={"schema": schema, "trains": trains, "measures": trains})


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def at_least(low: float, whole: bool = True) -> Check:
    return lambda v: (is_int(v) if whole else is_number(v)) and v >= low


def above(low: float) -> Check:
    return lambda v: is_number(v) and v > low


def between(low: float, high: float, low_open: bool = False, high_open: bool = False) -> Check:
    return lambda v: is_number(v) and (v > low if low_open else v >= low) and (v < high if high_open else v <= high)


def one_of(*words: Any) -> Check:
    return lambda v: any(v == w and type(v) is type(w) for w in words)


def optional(check: Check) -> Check:
    return lambda v: v is None or check(v)


def text(v: Any) -> bool:
    return isinstance(v, str) and v.strip() != ""


POSITIVE_INT = (at_least(1), "an integer >= 1")
COUNT = (at_least(0), "an integer >= 0")
POSITIVE = (above(0), "a number > 0")
NON_NEGATIVE = (at_least(0, whole=False), "a number >= 0")
FLAG = (lambda v: isinstance(v, bool), "true or false")
SCHEDULE = (one_of("constant", "cosine"), "constant or cosine")
