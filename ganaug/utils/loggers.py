"""The loggers of a run, one per entry of the `logger` config group (TensorBoard, CSV, MLflow): each training phase
gets its own, and the run's images go to TensorBoard where it is one of them."""
from __future__ import annotations

from pathlib import Path

from hydra.utils import instantiate
from omegaconf import DictConfig
from pytorch_lightning.loggers import Logger, MLFlowLogger, TensorBoardLogger
from torch.utils.tensorboard import SummaryWriter

from ganaug.utils.errors import UserError


class MLflowPhaseLogger(MLFlowLogger):
    """Lightning's MLFlowLogger, made the way the others are: `save_dir` the run's folder, `version` the phase.

    Each phase of a run is an MLflow run named `<run folder> <phase>`, tagged with the run's folder and the phase, in
    the folder `store`: the runs in the SQLite file `mlflow.db` (MLflow 3 keeps its plain-file store in maintenance
    only), their artifacts under `artifacts/`.
    """

    def __init__(self, save_dir: str, version: str, store: str, experiment_name: str = "ganaug") -> None:
        folder = Path(store).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        try:
            super().__init__(experiment_name=experiment_name, run_name=f"{Path(save_dir).name} {version}",
                             tracking_uri=f"sqlite:///{folder / 'mlflow.db'}", artifact_location=str(folder / "artifacts"),
                             tags={"run_dir": str(save_dir), "phase": version})
        except ModuleNotFoundError:
            raise UserError("logger=mlflow needs MLflow: pip install 'ganaug[mlflow]'") from None


def phase_loggers(cfg: DictConfig, output_dir: Path, phase: str) -> list[Logger]:
    """One logger per entry of `cfg.logger`, each writing the phase `phase` of the run in `output_dir`."""
    entries = cfg.get("logger") or {}
    return [instantiate(entry)(save_dir=str(output_dir), version=phase) for entry in entries.values()]


def run_board(cfg: DictConfig, output_dir: Path) -> SummaryWriter | None:
    """TensorBoard's writer of the run's own images (OUTPUT/tb/run), where TensorBoard is one of the run's loggers."""
    if "tensorboard" not in (cfg.get("logger") or {}):
        return None
    return TensorBoardLogger(save_dir=str(output_dir), name="tb", version="run").experiment


def log_hyperparams(loggers: list[Logger], params: dict, metrics: dict, step: int) -> None:
    """The run's facts and results to every logger: TensorBoard's hparams view takes both together, the others
    record the facts as parameters and the results as metrics. Written at once: the phase's training has ended."""
    for logger in loggers:
        if isinstance(logger, TensorBoardLogger):
            logger.log_hyperparams(params, metrics)
        else:
            logger.log_hyperparams(params)
            logger.log_metrics(metrics, step=step)
        logger.save()
