"""Helpers of the timing benchmarks: the config, ganaug's own training loops as the experiments run them, a timer."""
from __future__ import annotations

import time
from pathlib import Path
from types import MethodType

import pytorch_lightning as pl
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from ganaug.pipeline.generator_stage import new_gan
from ganaug.utils.config import CONFIG_DIR
from ganaug.utils.trainers import Workspace, make_trainer


def config(overrides: list[str]):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("train", overrides=overrides)


def ganaug_cnn(cfg, dm, fakes, epochs: int, out: Path, training_step=None) -> None:
    """The classifier trained through the Trainer as a run trains it; `training_step(classifier, batch, batch_idx)`,
    if given, replaces its own."""
    classifier = instantiate(cfg.classifier.module, class_names=dm.class_names)
    if training_step is not None:
        classifier.training_step = MethodType(training_step, classifier)
    # No held-out evaluation inside the timed epochs: the plain loop does none either.
    trainer = make_trainer(Workspace.of(cfg, out), "classifier", max_epochs=epochs, limit_val_batches=0)
    dm.fakes = fakes
    trainer.fit(classifier, train_dataloaders=dm.train_dataloader())


def ganaug_gan(cfg, dm, steps: int, out: Path) -> None:
    gan = new_gan(cfg.gan, dm, None)  # DAGAN keeps the training images as its sources
    trainer = make_trainer(Workspace.of(cfg, out), "gan", max_steps=2 * steps)
    trainer.fit(gan, train_dataloaders=dm.real_loader(batch_size=cfg.gan.batch_size))


def timed(fn, *args) -> float:
    pl.seed_everything(0, verbose=False)
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start
