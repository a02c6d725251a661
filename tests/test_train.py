"""End to end through Hydra: the experiments write metrics.json, TensorBoard events and checkpoints."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from conftest import FAST
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torchvision.io import write_png

from ganaug.data.mnist import load_builtin
from ganaug.generate import generate
from ganaug.pipeline.runner import run
from ganaug.train import cli

ROOT = Path(__file__).resolve().parent.parent


def event_files(run_dir: Path, phase: str) -> list[Path]:
    return list((run_dir / "tb" / phase).glob("events.out.tfevents.*"))


def scalars(run_dir: Path, phase: str) -> dict[str, list[float]]:
    """Every scalar logged to TensorBoard in one phase, by tag."""
    events = EventAccumulator(str(run_dir / "tb" / phase))
    events.Reload()
    return {tag: [e.value for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}


def test_baseline_writes_results(make_cfg, tmp_path):
    out = tmp_path / "run"
    metrics = run(make_cfg("experiment=baseline", "data.max_test_per_class=null"), out)  # the whole held-out set
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["test_acc"] == metrics["test_acc"] and 0.0 <= saved["test_acc"] <= 1.0
    assert saved["experiment"] == "baseline" and saved["n_per_class"] == 30 and saved["ratio"] == 0.0
    assert saved["n_test"] == 5000 and "diversity" not in saved
    assert [h["epoch"] for h in saved["curve"]] == [1, 2]
    assert set(saved["time_s"]) == {"data", "classifier"}
    assert event_files(out, "classifier") and (out / "checkpoints" / "classifier.ckpt").exists()
    confusion = torch.tensor(saved["confusion"])  # rows: true class, columns: predicted
    assert confusion.shape == (10, 10) and confusion.sum() == 5000
    assert confusion.diag().sum() / 5000 == pytest.approx(saved["test_acc"], abs=1e-6)
    assert event_files(out, "run") and (out / "real.png").exists()
    logged = scalars(out, "classifier")  # training loss and accuracy: one mean per epoch
    assert len(logged["classifier/loss"]) == len(logged["classifier/batch_acc"]) == 2
    assert all(0 <= a <= 1 for a in logged["classifier/batch_acc"]) and len(logged["classifier/val_acc"]) == 3
    assert logged["classifier/test_acc"] == [pytest.approx(saved["test_acc"])]  # test: read once, at the end
    assert saved["n_val"] == 1000 and 0 <= saved["val_acc"] <= 1 and "gain" not in saved
    assert [saved["per_class_test_acc"][str(c)] for c in range(10)] == pytest.approx(
        (confusion.diag() / confusion.sum(1)).tolist())
    images = EventAccumulator(str(out / "tb" / "classifier"), size_guidance={"images": 0})
    images.Reload()
    assert {"classifier/confusion_matrix", "classifier/misread_test_digits"} <= set(images.Tags()["images"])


def test_augmented_trains_gan_once_and_reuses_it_for_another_ratio(make_cfg, tmp_path):
    first = run(make_cfg("experiment=augmented", "augment.ratio=1"), tmp_path / "r1")
    assert first["n_fake"] == 300 and first["gan_cached"] is False
    assert len(first["diversity"]) == 10 and first["diversity_min"] > 0
    assert set(first["time_s"]) == {"data", "gan", "sampling", "gan_quality", "classifier", "control"}
    assert {"fid", "kid", "label_fidelity", "near_copy_rate", "gan_collapsed"} <= set(first)
    assert event_files(tmp_path / "r1", "gan") and (tmp_path / "r1" / "samples.png").exists()
    assert (tmp_path / "r1" / "nearest.png").exists()
    logged = scalars(tmp_path / "r1", "gan")
    assert {"gan/d_loss", "gan/D(x)", "gan/D(G(z))", "gan/g_loss", "gan/mode_seeking_ratio"} <= set(logged)
    assert all(0 < p < 1 for p in logged["gan/D(x)"])

    second = run(make_cfg("experiment=augmented", "augment.ratio=0.5"), tmp_path / "r2")
    assert second["n_fake"] == 150 and second["gan_cached"] is True
    # one paired control for both ratios: trained by the first, taken from the cache by the second
    assert first["control_cached"] is False and second["control_cached"] is True
    assert second["control_test_acc"] == first["control_test_acc"]
    assert not event_files(tmp_path / "r2", "gan")
    # each run's folder holds the GAN it used, trained or from the cache, and generates the same fakes
    fakes = [generate(tmp_path / r / "checkpoints" / "gan.ckpt", 2, tmp_path / f"fakes_{r}") for r in ("r1", "r2")]
    assert torch.equal(*fakes) and len(list((tmp_path / "fakes_r2" / "7").glob("*.png"))) == 2

    rerun = run(make_cfg("experiment=augmented", "augment.ratio=1"), tmp_path / "r1_again")
    assert rerun["gan_cached"] is True  # a trained or a cached GAN: the same numbers
    assert (rerun["test_acc"], rerun["curve"], rerun["fid"]) == (first["test_acc"], first["curve"], first["fid"])


# Sweeps in this process run one by one: side by side (the default where joblib is installed), the runs' output
# comes from other processes, which capfd does not see; tests/test_launchers.py runs those.
ONE_BY_ONE = "hydra/launcher=basic"


def train_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m ganaug.train ARGS` in its own process (for what only a new process shows)."""
    return subprocess.run(
        [sys.executable, "-m", "ganaug.train", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_the_paired_control_is_the_real_only_run_of_the_same_seed(make_cfg, tmp_path):
    augmented = run(make_cfg("experiment=augmented", "seed=1"), tmp_path / "augmented")
    baseline = run(make_cfg("experiment=baseline", "seed=1"), tmp_path / "baseline")
    # the same seed, data, starting weights and schedule without the fakes: a baseline run, number for number
    assert (augmented["control_test_acc"], augmented["control_val_acc"], augmented["control_curve"]) == (
        baseline["test_acc"], baseline["val_acc"], baseline["curve"])
    assert augmented["gain"] == pytest.approx(augmented["test_acc"] - baseline["test_acc"])
    assert augmented["val_gain"] == pytest.approx(augmented["val_acc"] - baseline["val_acc"])
    assert (tmp_path / "augmented" / "checkpoints" / "control.ckpt").exists() and event_files(tmp_path / "augmented", "control")
    # another seed is another control; a classic run pairs with a classic control
    other = run(make_cfg("experiment=augmented_classic", "seed=1"), tmp_path / "classic")
    assert other["control_cached"] is False and other["control_cache_entry"] != augmented["control_cache_entry"]
    alone = run(make_cfg("experiment=augmented", "seed=1", "control=false"), tmp_path / "alone")
    assert not {"gain", "control_test_acc"} & set(alone) and alone["test_acc"] == augmented["test_acc"]


def test_an_experiment_hydra_does_not_know_is_refused_by_the_command(tmp_path, command):
    result = command(cli, "experiment=augmentd", f"paths.root={tmp_path}", cwd=tmp_path)
    assert result.returncode != 0 and "Could not find 'experiment/augmentd'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "override, expected",
    [
        ("augment.ratio=-1", "ganaug: error: augment.ratio=-1.0 is not allowed: use a number > 0"),
        ("augment.ratoi=1", "ganaug: error: augment.ratoi is not a setting; did you mean augment.ratio?"),
    ],
)
def test_typos_end_with_a_one_line_error(tmp_path, monkeypatch, capsys, override, expected):
    """The command's own checks, run in this process (every value's check is in test_config.py)."""
    monkeypatch.setattr(sys, "argv", ["ganaug.train"])
    with pytest.raises(SystemExit) as stopped:
        cli([override, f"paths.root={tmp_path}", f"hydra.run.dir={tmp_path / 'run'}"])
    error = capsys.readouterr().err
    assert stopped.value.code == 2 and error.count("\n") == 1 and error.startswith(expected)


def test_two_seed_multirun_rerun_skips_finished_runs_and_redoes_broken_ones(tmp_path, command):
    sweep = tmp_path / "sweep"
    images, labels = load_builtin()
    for i in range(40):  # a small folder data set, named by a relative path with a slash in it
        (tmp_path / "data" / "digits" / str(labels[i].item())).mkdir(parents=True, exist_ok=True)
        write_png(images[i], str(tmp_path / "data" / "digits" / str(labels[i].item()) / f"{i}.png"))
    # -m after the first override, as in the README
    args = ("experiment=baseline", "-m", "seed=0,1", *FAST, f"hydra.sweep.dir={sweep}", ONE_BY_ONE,
            "data=folder", "data.root=data/digits", "data.n_per_class=1", "data.test_fraction=0.3")
    result = command(cli, *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    runs = sorted(sweep.glob("*/metrics.json"))  # one folder per run: the slash in data.root does not nest
    assert len(runs) == 2 and all(",data.root=data_digits," in p.parent.name for p in runs)
    assert [p.parent.name.rsplit(",", 1)[-1] for p in runs] == ["seed=0", "seed=1"]
    assert [json.loads(p.read_text())["seed"] for p in runs] == [0, 1]
    first, second = runs
    kept = first.stat().st_mtime_ns
    second.write_text(second.read_text()[:50])  # as if killed while writing
    result = command(cli, *args, cwd=tmp_path)
    assert result.returncode == 0
    assert first.stat().st_mtime_ns == kept and "skipping" in result.stderr + result.stdout
    assert json.loads(second.read_text())["status"] == "complete"


def test_divergence_fails_that_run_with_one_line_and_the_sweep_goes_on(tmp_path, command):
    sweep = tmp_path / "sweep"
    result = command(
        cli, "experiment=baseline", "-m", "classifier.module.lr=1e30,0.05", *FAST, f"hydra.sweep.dir={sweep}", ONE_BY_ONE,
        cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    runs = {p.parent.name: json.loads(p.read_text()) for p in sweep.glob("*/metrics.json")}
    failed = next(m for name, m in runs.items() if "lr=1e+30" in name)
    ok = next(m for name, m in runs.items() if "lr=0.05" in name)
    assert failed["status"] == "failed" and failed["error"].startswith("classifier loss is ")
    assert "lower classifier.module.lr" in failed["error"] and ok["status"] == "complete"
    assert "run failed: classifier loss is" in result.stdout + result.stderr
    # the end of the sweep lists the failed run, in its summary and its report
    assert re.search(r"not included: .*lr=1e\+30.* \(failed: classifier loss is", result.stdout)
    assert "failed: classifier loss is" in (sweep / "report.md").read_text()


def test_the_main_job_ends_by_saying_whether_the_fakes_helped(tmp_path, command):
    sweep = tmp_path / "sweep"
    result = command(cli, "experiment=augmented", "-m", "seed=0,1", *FAST, f"hydra.sweep.dir={sweep}", ONE_BY_ONE,
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    runs = [json.loads(p.read_text()) for p in sorted(sweep.glob("*/metrics.json"))]
    assert len(runs) == 2 and all({"val_acc", "test_acc", "control_val_acc", "control_test_acc", "gain"} <= set(m)
                                  for m in runs)
    gains = [100 * m["gain"] for m in runs]
    mean, half = sum(gains) / 2, 12.706 * abs(gains[0] - gains[1]) / 2  # t(1) * std / sqrt(2) of two values
    summary = re.search(r"augmented ratio=0.5 hard labels n=30 debug=fast \(2 runs\): test .* %, gain over paired control "
                        r"([+-]\d+\.\d\d) ± (\d+\.\d\d) \(n=2\)", result.stdout)
    assert summary and float(summary.group(1)) == pytest.approx(mean, abs=0.006)
    assert float(summary.group(2)) == pytest.approx(half, abs=0.006)
    word = "helped" if mean - half > 0 else "hurt" if mean + half < 0 else "no detectable effect"
    assert word in result.stdout and f"report: {sweep / 'report.md'}" in result.stdout
    report = (sweep / "report.md").read_text()
    assert report.startswith("## The answer") and word in report


def test_interrupted_classifier_resumes_from_its_checkpoint(make_cfg, tmp_path, caplog):
    out = tmp_path / "run"
    run(make_cfg("experiment=baseline", "classifier.epochs=2"), out)
    (out / "metrics.json").unlink()  # as if killed after epoch 2 of 4
    with caplog.at_level("INFO", logger="ganaug"):
        resumed = run(make_cfg("experiment=baseline", "classifier.epochs=4"), out)
    assert "resuming classifier" in caplog.text
    assert [h["epoch"] for h in resumed["curve"]] == [1, 2, 3, 4]

    caplog.clear()
    with caplog.at_level("INFO", logger="ganaug"):
        fresh = run(make_cfg("experiment=baseline", "classifier.epochs=4", "resume=false"), out)
    assert "resuming" not in caplog.text

    checkpoint = out / "checkpoints" / "classifier.ckpt"
    checkpoint.write_bytes(checkpoint.read_bytes()[:1000])  # truncated, as by a kill while saving
    caplog.clear()
    again = run(make_cfg("experiment=baseline", "classifier.epochs=4"), out)
    assert f"checkpoint {checkpoint} is unreadable" in caplog.text
    assert again["curve"] == fresh["curve"]  # trained from the start again, so the same numbers


@pytest.mark.slow
def test_sweep_interrupted_by_ctrl_c_reruns_only_what_was_missing(tmp_path):
    import signal
    import time

    sweep = tmp_path / "sweep"
    args = ["-m", "ganaug.train", "experiment=baseline", "-m", "seed=0,1", *FAST, "classifier.epochs=40",
            f"hydra.sweep.dir={sweep}", ONE_BY_ONE]
    proc = subprocess.Popen([sys.executable, *args], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    # Wait until the second run has begun (its real.png is written just before training): a Ctrl-C sent the
    # moment the first run's metrics appeared was once lost in the teardown between runs, and the second ran on.
    while not list(sweep.glob("*seed=1/real.png")) and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)  # Ctrl-C while the second run trains
    proc.wait(timeout=60)
    first = next(sweep.glob("*seed=0/metrics.json"))
    assert not list(sweep.glob("*seed=1/metrics.json"))
    kept = first.stat().st_mtime_ns

    result = train_cli(*args[2:], cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert first.stat().st_mtime_ns == kept
    assert json.loads(next(sweep.glob("*seed=1/metrics.json")).read_text())["status"] == "complete"


@pytest.mark.gpu
def test_an_augmented_run_on_the_gpu_completes_and_repeats_within_a_tolerance(make_cfg, tmp_path):
    cfg = make_cfg("experiment=augmented_classic", "trainer=gpu", f"paths.gan_cache={tmp_path / 'nocache'}")
    first = run(cfg, tmp_path / "a")
    for entry in (tmp_path / "nocache").glob("*.ckpt"):
        entry.unlink()
    second = run(cfg, tmp_path / "b")
    assert first["status"] == second["status"] == "complete"
    assert abs(first["test_acc"] - second["test_acc"]) < 0.05  # cuDNN's non-deterministic backward kernels
