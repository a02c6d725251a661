"""The paired real-only control of a run that adds fakes: the same classifier, seed, data, starting weights, classic
augmentation and schedule, without the fakes. It is trained once per (seed, data, classifier settings) and kept in
`paths.control_cache`, so every ratio, label mode and generator of a sweep is compared with the same control."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf

from ganaug.data.datamodule import DigitsDataModule
from ganaug.pipeline import cache
from ganaug.pipeline.classifier_stage import train_classifier

log = logging.getLogger(__name__)
# Data settings that change neither the control's training nor its measured sets.
_DATA_KEYS_IGNORED = {"eval_batch_size", "cache_dir"}
# What the control's training reads of `augment`: the classic recipe (the fakes' settings concern only the run).
_AUGMENT_KEYS = ("classic", "random_affine", "elastic", "affine", "distortion")
SCORES = ("val_acc", "test_acc", "train_acc", "curve")


def control_cache_entry(cfg: DictConfig, train_x: torch.Tensor) -> Path:
    """The cache file of the control this run pairs with: keyed by seed, the training images, the data, classifier,
    classic-augmentation, trainer and pretraining settings, and the code's training version."""
    data = OmegaConf.to_container(cfg.data, resolve=True)
    keyed = {
        "version": cache.TRAINING_VERSION,
        "seed": cfg.seed,
        "images": hashlib.sha256(train_x.numpy().tobytes()).hexdigest(),
        "data": {k: v for k, v in data.items() if k not in _DATA_KEYS_IGNORED},
        "classifier": OmegaConf.to_container(cfg.classifier, resolve=True),
        "augment": {k: OmegaConf.to_container(cfg.augment, resolve=True)[k] for k in _AUGMENT_KEYS},
        "trainer": {k: v for k, v in OmegaConf.to_container(cfg.trainer, resolve=True).items() if k != "devices"},
        "pretrain": OmegaConf.to_container(cfg.pretrain, resolve=True) if cfg.pretrain.source is not None else None,
    }
    return Path(cfg.paths.control_cache) / f"{cache.key(keyed)}.pt"


def paired_control(cfg: DictConfig, dm: DigitsDataModule, init_state: dict | None, output_dir: Path) -> dict:
    """The control's results (`control_val_acc`, `control_test_acc`, ...): from the cache, or trained now in
    `output_dir` (phase `control`: `tb/control`, `checkpoints/control.ckpt`) and cached."""

    def train() -> dict:
        trained = train_classifier(cfg, dm, None, init_state, output_dir, phase="control")
        return {"state_dict": trained.module.net.state_dict(), **{k: trained.scores[k] for k in SCORES}}

    entry = control_cache_entry(cfg, dm.train_x)
    saved, cached = cache.get_or_train(entry, train, "control cache entry")
    if cached:
        log.info("paired control loaded from cache %s", entry)
    return {**{f"control_{k}": saved[k] for k in SCORES}, "control_cached": cached,
            "control_cache_entry": str(entry.resolve())}
