"""The `logger` config group: TensorBoard (the default), CSV and MLflow, alone or several at once, each read back."""
import csv
import sqlite3

import pytest
import yaml
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import plugin_data_pb2
from test_train import scalars

from ganaug.pipeline.runner import run


def csv_rows(path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_tensorboard_and_csv_at_once_each_get_the_hyperparameters_and_the_test_accuracy(make_cfg, tmp_path):
    out = tmp_path / "run"
    swept = ["experiment=baseline", "classifier.module.lr=0.04", "logger=[tensorboard,csv]", "hydra.job.chdir=false"]
    metrics = run(make_cfg(*swept[:3]), out, swept)
    assert scalars(out, "classifier")["hparams/test_acc"] == [pytest.approx(metrics["test_acc"])]
    rows = csv_rows(out / "csv" / "classifier" / "metrics.csv")
    assert float([r for r in rows if r["hparams/test_acc"]][-1]["hparams/test_acc"]) == pytest.approx(metrics["test_acc"])
    assert [float(r["classifier/test_acc"]) for r in rows if r["classifier/test_acc"]][-1] == pytest.approx(metrics["test_acc"])
    hparams = yaml.safe_load((out / "csv" / "classifier" / "hparams.yaml").read_text())
    assert (hparams["experiment"], hparams["seed"], hparams["n_per_class"]) == ("baseline", 0, 30)
    assert hparams["classifier.module.lr"] == 0.04 and "hydra.job.chdir" not in hparams  # the command line's settings
    # TensorBoard's HParams view: the same settings, and the validation and test accuracies as its metrics
    events = EventAccumulator(str(out / "tb" / "classifier"))
    events.Reload()
    content = events.PluginTagToContent("hparams")
    start = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"]).session_start_info
    assert start.hparams["classifier.module.lr"].number_value == pytest.approx(0.04)
    assert start.hparams["logger"].string_value == "[tensorboard,csv]"
    assert {"hparams/val_acc", "hparams/test_acc"} <= set(scalars(out, "classifier"))


def test_csv_alone_writes_no_tensorboard_files(make_cfg, tmp_path):
    out = tmp_path / "run"
    run(make_cfg("experiment=augmented", "logger=csv"), out)
    assert not (out / "tb").exists() and (out / "real.png").is_file() and (out / "nearest.png").is_file()
    assert {p.name for p in (out / "csv").iterdir()} == {"gan", "cas", "classifier", "control"}
    assert "gan/d_loss" in csv_rows(out / "csv" / "gan" / "metrics.csv")[0]


def test_mlflow_keeps_each_phase_as_a_run_with_the_hyperparameters_and_the_test_accuracy(make_cfg, tmp_path):
    pytest.importorskip("mlflow", reason="the mlflow extra (pip install 'ganaug[mlflow]')")
    out = tmp_path / "run"
    metrics = run(make_cfg("experiment=baseline", "logger=mlflow"), out)
    database = tmp_path / "outputs" / "mlflow" / "mlflow.db"  # under paths.root, read with sqlite3 alone
    with sqlite3.connect(database) as db:
        [(run_id,)] = db.execute("SELECT run_uuid FROM runs WHERE name = ?", ("run classifier",)).fetchall()
        params = dict(db.execute("SELECT key, value FROM params WHERE run_uuid = ?", (run_id,)).fetchall())
        logged = dict(db.execute("SELECT key, value FROM latest_metrics WHERE run_uuid = ?", (run_id,)).fetchall())
    assert (params["experiment"], params["seed"]) == ("baseline", "0")
    assert logged["hparams/test_acc"] == pytest.approx(metrics["test_acc"])
    assert logged["classifier/test_acc"] == pytest.approx(metrics["test_acc"])
    # the test's pictures and the run's grids as artifacts of the classifier's run, its checkpoint too
    artifacts = tmp_path / "outputs" / "mlflow" / "artifacts" / run_id / "artifacts"
    assert {"classifier_confusion_matrix.png", "classifier_misread_test_digits.png", "real.png"} <= {
        p.name for p in artifacts.iterdir()}
    assert (artifacts / "classifier" / "classifier.ckpt").stat().st_size > 0


def test_wandb_offline_keeps_one_run_per_run_with_its_pictures(make_cfg, tmp_path):
    pytest.importorskip("wandb", reason="the wandb extra (pip install 'ganaug[wandb]')")
    for seed in (0, 1):
        run(make_cfg("experiment=baseline", "logger=wandb", f"seed={seed}"), tmp_path / f"run{seed}")
        [offline] = list((tmp_path / f"run{seed}" / "wandb").glob("offline-run-*"))  # written here, nothing sent
        media = {p.name.rsplit("_", 2)[0] for p in (offline / "files" / "media" / "images").rglob("*.png")}
        assert {"confusion_matrix", "misread_test_digits", "real"} <= media
