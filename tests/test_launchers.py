"""Hydra launchers: per-run thread counts, and the submitit and joblib paths end to end (slow)."""
import json
import re
import subprocess
import sys

import pytest
from conftest import FAST
from omegaconf import OmegaConf

from ganaug.report import main as report
from ganaug.utils.trainers import thread_count


@pytest.mark.parametrize(
    "threads, launcher, cores, expected",
    [
        ("auto", {}, 8, None),  # one run at a time: torch's own default
        (3, {"n_jobs": 4}, 8, 3),  # a number always wins
        ("auto", {"n_jobs": 4}, 8, 2),
        ("auto", {"n_jobs": -1}, 8, 1),  # joblib: every core busy with a run
        ("auto", {"n_jobs": -2}, 8, 1),
        ("auto", {"n_jobs": 16}, 8, 1),
        ("auto", {"cpus_per_task": 6}, 8, 6),  # submitit: what SLURM gave the task
    ],
)
def test_thread_count_divides_the_cores_between_parallel_runs(monkeypatch, threads, launcher, cores, expected):
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    assert thread_count(threads, OmegaConf.create(launcher)) == expected


def multirun(tmp_path, *overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ganaug.train", "-m", "experiment=baseline", "seed=0,1", *FAST,
         f"paths.root={tmp_path / 'outputs'}", f"hydra.sweep.dir={tmp_path / 'sweep'}", *overrides],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["submitit_local", "parallel"])
def test_a_two_run_sweep_through_a_launcher_completes_and_is_reported(tmp_path, launcher):
    result = multirun(tmp_path, f"hydra/launcher={launcher}")
    assert result.returncode == 0, result.stderr[-3000:]
    runs = [json.loads(p.read_text()) for p in (tmp_path / "sweep").glob("*/metrics.json")]
    assert sorted(r["seed"] for r in runs) == [0, 1] and all(r["status"] == "complete" for r in runs)
    report([str(tmp_path / "sweep")])
    assert re.search(r"\| baseline [^|]*\| 2 \|", (tmp_path / "sweep" / "report.md").read_text())  # both runs
