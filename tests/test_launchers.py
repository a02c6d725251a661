"""Hydra launchers: per-run thread counts, and the submitit and joblib paths end to end (slow)."""
import json
import re
import subprocess
import sys

import pytest
from conftest import FAST
from omegaconf import OmegaConf

from ganaug.report import cli as report
from ganaug.train import cli
from ganaug.utils import launching
from ganaug.utils.launching import default_launcher, runs_at_once, sweep_size
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


@pytest.mark.parametrize(
    "overrides, size",
    [(["experiment=augmented", "seed=0,1,2"], 3), (["seed=range(5)", "augment.ratio=0.5,1"], 10),
     (["seed=0"], 1), (["gan=glob(*)"], None), (["hydra.launcher.n_jobs=2,3", "seed=0,1"], 2)],
)
def test_sweep_size_counts_the_runs_of_the_command_line(overrides, size):
    assert sweep_size(overrides) == size


@pytest.mark.parametrize(
    "runs, cores, memory, expected",
    [(3, 2, 24, 3), (4, 2, 24, 2), (5, 2, 24, 2), (None, 2, 24, 2), (3, 16, 64, 3), (40, 16, 64, 16),
     (40, 16, 12, 8), (3, 2, 0, 3), (2, 2, 1, 1)],
)
def test_runs_at_once_fill_the_cores_within_the_memory(runs, cores, memory, expected):
    assert runs_at_once(runs, cores, memory) == expected


@pytest.mark.parametrize(
    "argv, added",
    [
        (["-m", "experiment=augmented", "seed=0,1,2"], ["hydra/launcher=parallel", "hydra.launcher.n_jobs=3"]),
        (["-m", "seed=0,1,2,3"], ["hydra/launcher=parallel", "hydra.launcher.n_jobs=2"]),
        (["experiment=augmented", "seed=0"], []),  # one run, no sweep
        (["-m", "seed=0"], []),  # a sweep of one run
        (["-m", "seed=0,1", "hydra/launcher=basic"], []),  # the user's choice stands
        (["-m", "seed=0,1", "hydra.launcher.n_jobs=4"], []),
    ],
)
def test_a_multirun_of_several_runs_goes_side_by_side_unless_a_launcher_is_named(monkeypatch, argv, added):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(launching, "memory_gib", lambda: 24.0)
    assert default_launcher(argv) == argv + added


def test_without_a_second_core_a_multirun_goes_one_by_one(monkeypatch):
    argv = ["-m", "seed=0,1,2"]
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert default_launcher(argv) == argv


def test_without_the_joblib_launcher_a_multirun_goes_one_by_one(monkeypatch, no_hydra_plugins):
    argv = ["-m", "seed=0,1,2"]
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert default_launcher(argv) == argv


def multirun(tmp_path, *overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ganaug.train", "-m", "experiment=baseline", "seed=0,1", *FAST,
         f"paths.root={tmp_path / 'outputs'}", f"hydra.sweep.dir={tmp_path / 'sweep'}", *overrides],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["submitit_local", "parallel", None])  # None: the default, joblib side by side
def test_a_two_run_sweep_through_a_launcher_completes_and_is_reported(tmp_path, launcher):
    result = multirun(tmp_path, *([f"hydra/launcher={launcher}"] if launcher else []))
    assert result.returncode == 0, result.stderr[-3000:]
    runs = [json.loads(p.read_text()) for p in (tmp_path / "sweep").glob("*/metrics.json")]
    assert sorted(r["seed"] for r in runs) == [0, 1] and all(r["status"] == "complete" for r in runs)
    report([str(tmp_path / "sweep")])
    assert re.search(r"\| baseline [^|]*\| 2 \|", (tmp_path / "sweep" / "report.md").read_text())  # both runs
    if launcher != "submitit_local":  # side by side: each progress line (a log line, on stdout) says which run it is
        assert re.search(r"#0 classifier: 100%", result.stdout) and re.search(r"#1 classifier: 100%", result.stdout)


@pytest.mark.slow
def test_ctrl_c_stops_a_side_by_side_sweep_at_once_and_a_rerun_finishes_it(tmp_path):
    import os
    import signal
    import time

    sweep = tmp_path / "sweep"
    args = [sys.executable, "-m", "ganaug.train", "-m", "experiment=baseline", "seed=0,1", *FAST, "classifier.epochs=60",
            f"hydra.sweep.dir={sweep}", "hydra/launcher=parallel"]
    # its own process group, as a terminal's foreground job: Ctrl-C reaches the launcher and its workers
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 240
    while len(list(sweep.glob("*/real.png"))) < 2 and time.monotonic() < deadline:  # both runs train
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=30) != 0
    assert not list(sweep.glob("*/metrics.json"))

    result = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert [json.loads(p.read_text())["status"] for p in sorted(sweep.glob("*/metrics.json"))] == ["complete"] * 2


@pytest.mark.parametrize("launcher", ["parallel", "slurm"])
def test_a_launcher_whose_plugin_is_missing_is_one_line_saying_what_to_install(tmp_path, command, no_hydra_plugins,
                                                                                launcher):
    result = command(cli, "-m", "experiment=baseline", "seed=0,1", f"hydra/launcher={launcher}",
                     f"paths.root={tmp_path / 'out'}", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"hydra/launcher={launcher} needs Hydra's plugin" in result.stderr and "ganaug[launchers]" in result.stderr
    assert not (tmp_path / "out").exists()
