"""The `logger` config group: TensorBoard (the default), CSV and MLflow, alone or several at once, each read back."""
import csv
import sqlite3

import pytest
import yaml
from test_train import scalars

from ganaug.pipeline.runner import run


def csv_rows(path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_tensorboard_and_csv_at_once_each_get_the_hyperparameters_and_the_test_accuracy(make_cfg, tmp_path):
    out = tmp_path / "run"
    metrics = run(make_cfg("experiment=baseline", "logger=[tensorboard,csv]"), out)
    assert scalars(out, "classifier")["hparams/test_acc"] == [pytest.approx(metrics["test_acc"])]
    rows = csv_rows(out / "csv" / "classifier" / "metrics.csv")
    assert float([r for r in rows if r["hparams/test_acc"]][-1]["hparams/test_acc"]) == pytest.approx(metrics["test_acc"])
    assert [float(r["classifier/test_acc"]) for r in rows if r["classifier/test_acc"]][-1] == pytest.approx(metrics["test_acc"])
    hparams = yaml.safe_load((out / "csv" / "classifier" / "hparams.yaml").read_text())
    assert (hparams["experiment"], hparams["seed"], hparams["n_per_class"]) == ("baseline", 0, 30)


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
