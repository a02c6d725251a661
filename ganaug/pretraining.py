"""Networks trained on the built-in pool (5,000 MNIST digits from many writers, never the held-out half), to start
a run's classifier and GAN from before they adapt to the user's images (`pretrain=builtin`).

Each is trained once per network config and kept under `pretrain.cache_dir`, keyed like the GAN cache.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import pytorch_lightning as pl
import torch
from omegaconf import DictConfig, OmegaConf

from ganaug import cache
from ganaug.config import plain
from ganaug.data import DIGITS, BuiltinDigits
from ganaug.errors import UserError
from ganaug.files import write_json

log = logging.getLogger(__name__)
CLASSIFIER_KEYS = ("classifier.module", "augment.affine", "classifier.batch_size")  # what a pretrained network
GAN_KEYS = ("gan.module",)  # depends on, besides the pretrain config and the code version


def check(cfg: DictConfig, class_names: list[str]) -> None:
    """Raise UserError when `pretrain=builtin` cannot apply to this run's data."""
    if cfg.pretrain.source is None:
        return
    if cfg.data._target_.endswith("BuiltinDigits"):
        raise UserError("pretrain=builtin with data=builtin would train on the pool the few-shot set comes from; "
                        "use it with data=folder or data=mnist")
    if class_names != DIGITS:
        raise UserError(f"pretrain=builtin starts from networks that know the digits 0-9, but the classes are "
                        f"{class_names}; name the class folders 0 to 9, or use pretrain=none")


def entry(cfg: DictConfig, what: str, *parts: str) -> Path:
    """The cache file of the pretrained `what`, keyed by the config parts it depends on and the code version."""
    keyed = {"version": cache.TRAINING_VERSION, "what": what, "pretrain": plain(cfg.pretrain),
             **{part: plain(OmegaConf.select(cfg, part)) for part in parts}}
    keyed["pretrain"].pop("cache_dir")
    key = hashlib.sha256(json.dumps(keyed, sort_keys=True).encode()).hexdigest()[:16]
    return Path(cfg.pretrain.cache_dir) / f"{what}-{key}.ckpt"


def pool() -> BuiltinDigits:
    """The built-in pool as a data module: all 5,000 digits as the training set, the held-out half as its test set."""
    dm = BuiltinDigits(n_per_class=None, seed=0)
    dm.setup()
    return dm


def classifier_state(cfg: DictConfig) -> dict:
    """The state of the configured classifier network trained on the pool (with the random affine), trained on
    first use; its held-out accuracy is written beside it."""
    from ganaug.classifier_stage import side_classifier

    path = entry(cfg, "classifier", *CLASSIFIER_KEYS)
    with cache.locked(path):
        state = cache.load_state(path)
        if state is None:
            dm = pool()
            net, accuracy = side_classifier(cfg, dm, dm.train_x, dm.train_y, cfg.pretrain.classifier_epochs,
                                            path.parent / path.stem, "pretrain_classifier", [cfg.augment.affine])
            cache.store(net.net, path)
            write_json(path.with_suffix(".json"), {"held_out_acc": accuracy, "epochs": cfg.pretrain.classifier_epochs})
            log.info("pretrained classifier on the built-in pool: held-out accuracy %.4f (%s)", accuracy, path)
            state = net.net.state_dict()
    return state


def gan_state(cfg: DictConfig) -> dict:
    """The state of the configured GAN trained on the pool for `pretrain.gan_steps`, trained on first use."""
    from hydra.utils import instantiate

    from ganaug.generator_stage import train_gan

    path = entry(cfg, "gan", *GAN_KEYS)
    with cache.locked(path):
        state = cache.load_state(path)
        if state is None:
            dm = pool()
            with torch.random.fork_rng():
                pl.seed_everything(0, verbose=False)
                gan = instantiate(cfg.gan.module, class_names=dm.class_names, freeze_d_blocks=0)
                gan.set_real_images(dm.train_x, dm.train_y)
                train_gan(cfg, gan, dm, path.parent / path.stem, resume=False, steps=cfg.pretrain.gan_steps)
            cache.store(gan, path)
            state = gan.state_dict()
    return state
