"""Networks trained on the built-in pool (5,000 MNIST digits from many writers, never the held-out half), that a
run's classifier and GAN start from before they adapt to the user's images (`pretrain=builtin`).

Each is trained once per network config and kept under `pretrain.cache_dir` (`ganaug.pipeline.cache`). The pipeline
fetches them once, before the stages, and hands them to the stages as starting states.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from ganaug.data.datamodule import DigitsDataModule
from ganaug.data.mnist import DIGITS, BuiltinDigits
from ganaug.models.checkpoints import checkpoint_of
from ganaug.pipeline import cache
from ganaug.pipeline.fitting import fit_gan, side_classifier
from ganaug.utils.config import plain
from ganaug.utils.errors import UserError
from ganaug.utils.files import write_json

log = logging.getLogger(__name__)
CLASSIFIER_KEYS = ("classifier.module", "augment.affine", "classifier.batch_size")  # what a pretrained network
GAN_KEYS = ("gan.module",)  # depends on, besides the pretrain config and the code version


@dataclass
class StartingStates:
    """The state dicts a run's networks start from; None: random weights."""

    classifier: dict | None = None
    gan: dict | None = None


def check(cfg: DictConfig, dm: DigitsDataModule) -> None:
    """Raise UserError when `pretrain=builtin` cannot apply to this run's data."""
    if cfg.pretrain.source is None:
        return
    if isinstance(dm, BuiltinDigits):
        raise UserError("pretrain=builtin with data=builtin would train on the pool the few-shot set comes from; "
                        "use it with data=folder or data=mnist")
    if dm.class_names != DIGITS:
        raise UserError(f"pretrain=builtin starts from networks that know the digits 0-9, but the classes are "
                        f"{dm.class_names}; name the class folders 0 to 9, or use pretrain=none")


def entry(cfg: DictConfig, what: str, *parts: str) -> Path:
    """The cache file of the pretrained `what`, keyed by the config parts it depends on and the code version."""
    keyed = {"version": cache.TRAINING_VERSION, "what": what, "pretrain": plain(cfg.pretrain),
             **{part: plain(OmegaConf.select(cfg, part)) for part in parts}}
    keyed["pretrain"].pop("cache_dir")
    return Path(cfg.pretrain.cache_dir) / f"{what}-{cache.key(keyed)}.ckpt"


def pool() -> BuiltinDigits:
    """The built-in pool as a data module: all 5,000 digits as the training set, the held-out half as its test set."""
    dm = BuiltinDigits(n_per_class=None, seed=0)
    dm.setup()
    return dm


def classifier_state(cfg: DictConfig) -> dict:
    """The state of the configured classifier network trained on the pool (with the random affine), trained on
    first use; its held-out accuracy is written beside it."""
    path = entry(cfg, "classifier", *CLASSIFIER_KEYS)

    def train() -> dict:
        dm = pool()
        net, accuracy = side_classifier(cfg, dm, dm.train_x, dm.train_y, cfg.pretrain.classifier_epochs,
                                        path.parent / path.stem, "pretrain_classifier", [cfg.augment.affine])
        write_json(path.with_suffix(".json"), {"held_out_acc": accuracy, "epochs": cfg.pretrain.classifier_epochs})
        log.info("pretrained classifier on the built-in pool: held-out accuracy %.4f (%s)", accuracy, path)
        return {"state_dict": net.net.state_dict()}

    return cache.get_or_train(path, train, "pretrained classifier")[0]["state_dict"]


def gan_state(cfg: DictConfig) -> dict:
    """The state of the configured GAN trained on the pool for `pretrain.gan_steps`, trained on first use."""
    path = entry(cfg, "gan", *GAN_KEYS)

    def train() -> dict:
        dm = pool()
        with torch.random.fork_rng():
            pl.seed_everything(0, verbose=False)
            gan = instantiate(cfg.gan.module, class_names=dm.class_names, freeze_d_blocks=0)
            gan.set_real_images(dm.train_x, dm.train_y)
            fit_gan(cfg, gan, dm, path.parent / path.stem, resume=False, steps=cfg.pretrain.gan_steps)
        return checkpoint_of(gan)

    return cache.get_or_train(path, train, "pretrained GAN")[0]["state_dict"]


def starting_states(cfg: DictConfig, with_gan: bool) -> StartingStates:
    """What the run's networks start from: with `pretrain=builtin`, the pool-trained classifier and (`with_gan`) GAN."""
    if cfg.pretrain.source is None:
        return StartingStates()
    return StartingStates(classifier_state(cfg), gan_state(cfg) if with_gan else None)
