"""A run's results file, `metrics.json`: the one place that writes, reads and interprets it.

A run folder holds a complete run (`status: complete`, with `test_acc`), a failed one (`status: failed`, with
`error`), or nothing readable (unfinished, or cut short while writing: the file is written atomically, so a
damaged file means it was edited or copied in part).
"""
from __future__ import annotations

import json
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from ganaug.utils.errors import UserError
from ganaug.utils.files import write_json
from ganaug.utils.renames import upgrade

FILENAME = "metrics.json"


def write_complete(run_dir: Path, metrics: dict) -> dict:
    """Record a finished run (`metrics` must hold `test_acc`); returns what was written."""
    written = {**metrics, "status": "complete"}
    write_json(run_dir / FILENAME, written)
    return written


def write_failed(run_dir: Path, experiment: str, seed: int, error: str) -> None:
    """Record a run that stopped with `error` (a sweep goes on with its other runs)."""
    write_json(run_dir / FILENAME, {"experiment": experiment, "seed": seed, "status": "failed", "error": error})


def objective(metrics: dict, name: str) -> float:
    """The validation measure `name` of a finished run, for a sweeper that optimises; NaN where the run has none
    (`val_gain` of a run without fakes or control)."""
    value = metrics.get(name)
    return float("nan") if value is None else float(value)


def read(run_dir: Path) -> dict | None:
    """The results in `run_dir`, whatever their status; None when there is no readable results file."""
    try:
        metrics = json.loads((run_dir / FILENAME).read_text())
    except (OSError, ValueError):
        return None
    return metrics if isinstance(metrics, dict) else None


def finished(run_dir: Path) -> dict | None:
    """The results of a run that completed in `run_dir`; None if absent, unreadable, failed or unfinished."""
    metrics = read(run_dir)
    return metrics if metrics is not None and metrics.get("status") == "complete" else None


def why_not_finished(run_dir: Path) -> str:
    """Why `run_dir` holds no complete run, in a few words (for the report's list of runs left out)."""
    if not (run_dir / FILENAME).exists():
        return f"no {FILENAME} (unfinished or failed)"
    metrics = read(run_dir)
    if metrics is None:
        return f"{FILENAME} unreadable"
    if metrics.get("status") == "failed":
        return f"failed: {metrics.get('error', 'no reason recorded')}"
    return f"status {metrics.get('status')!r}"


def used_generator(metrics: dict) -> bool:
    """Whether the run added generated images to the classifier's training set."""
    return bool(metrics.get("n_fake"))


def fakes_labelled(fake_labels: str | None) -> str:
    """How a run's fakes were labelled, in words: `hard labels`, `soft labels` or `unlabelled`."""
    return "unlabelled" if fake_labels == "none" else f"{fake_labels or 'hard'} labels"


def config_of_run(run_dir: Path) -> DictConfig:
    """The config a finished run in `run_dir` ran with (classes it names where they are now)."""
    metrics = finished(run_dir)
    if metrics is None or "config" not in metrics:
        raise UserError(f"no finished run in {run_dir} ({why_not_finished(run_dir)}); pass a file of a run that completed")
    return OmegaConf.create(upgrade(metrics["config"]))
