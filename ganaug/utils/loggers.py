"""The loggers of a run, one per entry of the `logger` config group (TensorBoard, CSV, MLflow, Weights & Biases): each
training phase gets its own; figures and images go to every logger that keeps them, and the run's files (its grids,
its checkpoints) to those that keep artifacts."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from hydra.utils import instantiate
from omegaconf import DictConfig
from PIL import Image
from pytorch_lightning.loggers import Logger, MLFlowLogger, TensorBoardLogger, WandbLogger
from torch.utils.tensorboard import SummaryWriter
from torchvision.transforms.functional import pil_to_tensor

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
                             tags={"run_dir": str(save_dir), "phase": version}, log_model=True)
        except ModuleNotFoundError:
            raise UserError("logger=mlflow needs MLflow: pip install 'ganaug[mlflow]'") from None


def phase_loggers(entries: DictConfig | None, output_dir: Path, phase: str) -> list[Logger]:
    """One logger per entry of the `logger` group, each writing the phase `phase` of the run in `output_dir`."""
    return [instantiate(entry)(save_dir=str(output_dir), version=phase) for entry in (entries or {}).values()]


def run_board(entries: DictConfig | None, output_dir: Path) -> SummaryWriter | None:
    """TensorBoard's writer of the run's own images (OUTPUT/tb/run), where TensorBoard is one of the `logger` group's
    entries."""
    if "tensorboard" not in (entries or {}):
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


class WandbPhaseLogger(WandbLogger):
    """Lightning's WandbLogger made the way the others are: each run of ganaug a W&B run named after its folder (its
    phases log into it; `finish` closes it at the run's end, so the next run of a sweep starts its own), written under
    `save_dir/wandb`; offline unless `offline=false` (then it syncs to the account `wandb login` set up, and its
    checkpoints go with it: Lightning uploads none offline)."""

    def __init__(self, save_dir: str, version: str, project: str = "ganaug", offline: bool = True) -> None:
        try:
            import wandb  # noqa: F401  (the logger's own import error is several lines)
        except ModuleNotFoundError:
            raise UserError("logger=wandb needs Weights & Biases: pip install 'ganaug[wandb]'") from None
        super().__init__(name=Path(save_dir).name, save_dir=str(save_dir), project=project, offline=offline,
                         log_model=not offline)


def log_image(loggers: list[Logger], tag: str, image: Image.Image | object, step: int) -> None:
    """A PIL image or a matplotlib figure to every logger that keeps pictures: TensorBoard (images and figures),
    MLflow (as an artifact of the phase's run, `<tag>.png`) and Weights & Biases; CSV keeps none."""
    for logger in loggers:
        if isinstance(logger, TensorBoardLogger):
            if isinstance(image, Image.Image):
                logger.experiment.add_image(tag, pil_to_tensor(image.convert("RGB")), step)
            else:
                logger.experiment.add_figure(tag, image, step, close=False)
        elif isinstance(logger, MLFlowLogger):
            name = f"{tag.replace('/', '_')}.png"
            if isinstance(image, Image.Image):
                logger.experiment.log_image(logger.run_id, image, name)
            else:
                logger.experiment.log_figure(logger.run_id, image, name)
        elif isinstance(logger, WandbLogger):
            logger.log_image(tag, [image if isinstance(image, Image.Image) else figure_image(image)], step=step)


def figure_image(figure: object) -> Image.Image:
    """A matplotlib figure drawn as a PIL image."""
    figure.canvas.draw()
    return Image.fromarray(np.asarray(figure.canvas.buffer_rgba())).convert("RGB")


def log_files(loggers: list[Logger], paths: list[Path]) -> None:
    """The run's files (its image grids) as artifacts of the loggers that keep them: MLflow and Weights & Biases."""
    for logger in loggers:
        for path in (p for p in paths if p.is_file()):
            if isinstance(logger, MLFlowLogger):
                logger.experiment.log_artifact(logger.run_id, str(path))
            elif isinstance(logger, WandbLogger):
                logger.log_image(f"run/{path.stem}", [str(path)])


def finish(loggers: list[Logger]) -> None:
    """End the run of the loggers that keep one open across phases (Weights & Biases)."""
    for logger in loggers:
        if isinstance(logger, WandbLogger):
            logger.experiment.finish()
