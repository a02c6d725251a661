"""One run, stage by stage: data → generator (when the experiment adds fakes) → classifier → results."""
from __future__ import annotations

import logging
from pathlib import Path

import pytorch_lightning as pl
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.loggers import TensorBoardLogger

from ganaug import pretraining, results
from ganaug.classifier_stage import train_classifier
from ganaug.config import validate
from ganaug.data import DigitsDataModule
from ganaug.generator_stage import run_generator_stage
from ganaug.grids import save_grid
from ganaug.progress import duration
from ganaug.trainers import PhaseTimer

log = logging.getLogger(__name__)


def load_data(cfg: DictConfig) -> tuple[DigitsDataModule, dict]:
    """The data stage: the run's data module, set up (the config learns its class count), and what it holds."""
    dm: DigitsDataModule = instantiate(cfg.data)
    dm.setup()
    pretraining.check(cfg, dm.class_names)
    cfg.num_classes = dm.num_classes
    return dm, {"data": dm.name, "n_train_real": len(dm.train_y), "n_test": len(dm.test_y),
                "class_names": dm.class_names, "n_skipped": len(dm.skipped), "skipped": dm.skipped}


def summary(cfg: DictConfig, metrics: dict, output_dir: Path) -> str:
    """The run's one-line summary."""
    parts = [f"{cfg.experiment_name} seed={cfg.seed}: test_acc={metrics['test_acc']:.4f}",
             f"train_acc={metrics['train_acc']:.4f}", f"{metrics['n_train_real']} real"]
    if results.used_generator(metrics):
        parts.append(f"{metrics['n_fake']} fakes ({results.fakes_labelled(cfg.augment.fake_labels)}, FID {metrics['fid']:.1f})")
    if metrics["n_skipped"]:
        parts.append(f"{metrics['n_skipped']} image(s) skipped (listed in {output_dir / results.FILENAME})")
    return ", ".join(parts) + f", {duration(sum(metrics['time_s'].values()))}"


def run(cfg: DictConfig, output_dir: Path) -> dict:
    """Run one experiment and write its results into `output_dir`; returns them."""
    validate(cfg)
    output_dir.mkdir(parents=True, exist_ok=True)
    pl.seed_everything(cfg.seed, workers=True, verbose=False)
    timer = PhaseTimer()
    metrics: dict = {"experiment": cfg.experiment_name, "seed": cfg.seed, "n_per_class": cfg.data.n_per_class,
                     "ratio": cfg.augment.ratio if cfg.augment.gan else 0.0,
                     "fake_labels": cfg.augment.fake_labels if cfg.augment.gan else None,
                     "gan": cfg.gan.module._target_.rsplit(".", 1)[-1] if cfg.augment.gan else None,
                     "pretrain": cfg.pretrain.source}
    with timer("data"):
        dm, described = load_data(cfg)
    metrics.update(described)
    board = TensorBoardLogger(save_dir=str(output_dir), name="tb", version="run").experiment  # run-level images
    board.add_image("data/train_images", save_grid(output_dir / "real.png", dm.train_x, dm.train_y, dm.class_names))
    if cfg.augment.gan:
        metrics.update(run_generator_stage(cfg, dm, output_dir, board, timer))
    board.close()
    with timer("classifier"):
        metrics.update(train_classifier(cfg, dm, output_dir, metrics))
    metrics.update(time_s=dict(timer), config=OmegaConf.to_container(cfg, resolve=True))
    log.info(summary(cfg, metrics, output_dir))
    return results.write_complete(output_dir, metrics)
