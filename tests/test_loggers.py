"""The `logger` config group: TensorBoard (the default), CSV and MLflow, alone or several at once, each read back."""
import csv
import sqlite3

import pytest
import pytorch_lightning as pl
import torch
import yaml
from pytorch_lightning.loggers import CSVLogger
from torchmetrics import MeanMetric
from test_train import scalars

from ganaug.models.epoch_means import log_epoch_means
from ganaug.pipeline.runner import run


def csv_rows(path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class EpochMeans(pl.LightningModule):
    """Tracks each batch's value plus 10 per epoch, and a metric that never sees an update."""

    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.value, self.unused = MeanMetric(), MeanMetric()

    def training_step(self, batch, batch_idx):
        (x,) = batch
        self.value.update(x + 10 * self.current_epoch)
        return (self.w * x).sum()

    def on_train_epoch_end(self) -> None:
        log_epoch_means(self, {"value": self.value, "unused": self.unused})

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.0)


def test_epoch_means_are_each_epochs_own_and_leave_out_metrics_without_updates(tmp_path):
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor([1.0, 2.0, 3.0, 4.0])), batch_size=2)
    trainer = pl.Trainer(max_epochs=2, logger=CSVLogger(tmp_path), enable_checkpointing=False, enable_progress_bar=False)
    trainer.fit(EpochMeans(), loader)
    rows = csv_rows(tmp_path / "lightning_logs" / "version_0" / "metrics.csv")
    assert [float(r["value"]) for r in rows] == [2.5, 12.5]
    assert "unused" not in rows[0]


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
    assert {p.name for p in (out / "csv").iterdir()} == {"gan", "cas", "classifier"}
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
