"""How a multirun is launched when its command line names no launcher: several runs at once, one core each, where
Hydra's joblib launcher is installed (`pip install 'ganaug[launchers]'`); one after the other otherwise.

These networks are too small to keep two cores busy from one process: on two cores, two one-thread runs side by
side do 1.2× the work of one two-thread run, and three side by side as much (docs/performance.md).
"""
from __future__ import annotations

import os

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException

from ganaug.utils.config import plugin_installed
from ganaug.utils.errors import UserError
from ganaug.utils.search_space import search_choice

GIB_PER_RUN = 1.5  # a default augmented run peaks at about 1.2 GB


def sweep_size(overrides: list[str]) -> int | None:
    """How many runs the command line's sweeps (`seed=0,1,2`, `range(5)`) make, None if it cannot tell."""
    size = 1
    try:
        for override in OverridesParser.create().parse_overrides(overrides):
            if override.is_sweep_override() and not override.is_hydra_override():
                size *= len(list(override.sweep_string_iterator()))
    except HydraException:  # a sweep only Hydra's sweeper can expand (glob over a config group), or a typo Hydra
        return None         # reports itself once it parses the line
    return size


def memory_gib() -> float:
    """The machine's memory in GiB (0 where the system does not tell)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return 0.0


def runs_at_once(runs: int | None, cores: int, memory: float) -> int:
    """Runs side by side: all of them when they are at most one more than the cores (three runs on two cores finish
    sooner together than two and then one), else (or not knowing how many) one per core; never more than the
    memory holds."""
    at_once = runs if runs is not None and runs <= cores + 1 else cores
    if memory:
        at_once = min(at_once, int(memory // GIB_PER_RUN))
    return max(1, at_once)


LAUNCHERS = {"parallel": "hydra_joblib_launcher", "slurm": "hydra_submitit_launcher"}  # ours: the plugin each needs


def check_launcher(argv: list[str]) -> None:
    """Raise UserError when the command line names a launcher of ours whose Hydra plugin is not installed."""
    for arg in argv:
        key, _, value = arg.partition("=")
        if key.lstrip("+~") == "hydra/launcher" and value in LAUNCHERS and not plugin_installed(LAUNCHERS[value]):
            raise UserError(f"hydra/launcher={value} needs Hydra's plugin {LAUNCHERS[value]}: "
                            "pip install 'ganaug[launchers]'")


def default_launcher(argv: list[str]) -> list[str]:
    """`argv` with `hydra/launcher=parallel` and its `n_jobs` added to a multirun of several runs that names no
    launcher, where the joblib launcher is installed and the machine has more than one core. A search
    (`hparams_search=...`) also gets as many trials at once (`hydra.sweeper.n_jobs`), unless the line sets it."""
    multirun = any(arg in ("-m", "--multirun") for arg in argv)
    named = any(arg.split("=", 1)[0].lstrip("+~") in ("hydra/launcher", "hydra.launcher.n_jobs") for arg in argv)
    cores = os.cpu_count() or 1
    if not multirun or named or cores < 2 or not plugin_installed("hydra_joblib_launcher"):
        return argv
    searching = search_choice(argv) is not None
    runs = None if searching else sweep_size([arg for arg in argv if not arg.startswith("-")])
    at_once = runs_at_once(runs, cores, memory_gib())
    if runs == 1 or at_once < 2:
        return argv
    trials = [f"hydra.sweeper.n_jobs={at_once}"] if searching and not any(
        arg.startswith("hydra.sweeper.n_jobs=") for arg in argv) else []
    return [*argv, "hydra/launcher=parallel", f"hydra.launcher.n_jobs={at_once}", *trials]
