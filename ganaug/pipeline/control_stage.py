"""The paired real-only control of a run that adds fakes: the same classifier, seed, data, starting weights, classic
augmentation and schedule, without the fakes. It is trained once per (seed, data, classifier settings) and kept in
`paths.control_cache`, so every ratio, label mode and generator of a sweep is compared with the same control."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import torch
from omegaconf import DictConfig

from ganaug.data.datamodule import DigitsDataModule
from ganaug.pipeline import cache
from ganaug.pipeline.classifier_stage import train_classifier
from ganaug.pipeline.settings import Control
from ganaug.schema.groups import Augment, Classifier, Pretrain
from ganaug.schema.validation import keyed
from ganaug.utils.plain import plain
from ganaug.utils.trainers import Workspace

log = logging.getLogger(__name__)
# What the control's training reads of `augment`: the classic recipe (the fakes' settings concern only the run).
_AUGMENT_KEYS = ("classic", "random_affine", "elastic", "affine", "distortion")
SCORES = ("val_acc", "test_acc", "train_acc", "curve")


def control_cache_entry(control: Control, trainer: DictConfig, train_x: torch.Tensor) -> Path:
    """The cache file of the control this run pairs with: keyed by the code's training version, the seed, the training
    images and the settings of the data, classifier, classic augmentation, `trainer` and pretraining that change what
    it trains or what it measures, as the schema marks them (its results are cached with it)."""
    augment = plain(control.recipe.augment)
    key = {
        "version": cache.TRAINING_VERSION,
        "seed": control.recipe.seed,
        "images": hashlib.sha256(train_x.numpy().tobytes()).hexdigest(),
        "data": keyed(plain(control.data), measured=True),
        "classifier": keyed(plain(control.recipe.classifier), Classifier, measured=True),
        "augment": keyed({k: augment[k] for k in _AUGMENT_KEYS}, Augment, measured=True),
        "trainer": keyed(plain(trainer), measured=True),
        "pretrain": keyed(plain(control.pretrain), Pretrain, measured=True) if control.pretrain.source is not None else None,
    }
    return Path(control.cache_dir) / f"{cache.key(key)}.pt"


def paired_control(control: Control, work: Workspace, dm: DigitsDataModule, init_state: dict | None) -> dict:
    """The control's results (`control_val_acc`, `control_test_acc`, ...): from the cache, or trained now in the
    run's folder (phase `control`: `tb/control`, `checkpoints/control.ckpt`) and cached."""

    def train() -> dict:
        trained = train_classifier(control.recipe, work, dm, None, init_state, phase="control")
        return {"state_dict": trained.module.net.state_dict(), **{k: trained.scores[k] for k in SCORES}}

    entry = control_cache_entry(control, work.trainer, dm.train_x)
    saved, cached = cache.get_or_train(entry, train, "control cache entry")
    if cached:
        log.info("paired control loaded from cache %s", entry)
    return {**{f"control_{k}": saved[k] for k in SCORES}, "control_cached": cached,
            "control_cache_entry": str(entry.resolve())}
