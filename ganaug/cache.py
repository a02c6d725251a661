"""The GAN cache: runs that share seed, data and GAN config reuse one trained GAN instead of training it again."""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
from pathlib import Path
from typing import Iterator

import torch
from omegaconf import DictConfig, OmegaConf

from ganaug.files import atomic_write, load_entry

# Part of every key: raise it when a code change alters what training produces, so old entries are not reused.
TRAINING_VERSION = 2
# Config keys that do not change the trained GAN.
_DATA_KEYS_IGNORED = {"batch_size", "eval_batch_size", "test_per_class", "cache_dir"}
_GAN_KEYS_IGNORED = {"sample_every", "checkpoint_every", "collapse_below", "on_nan", "cas_epochs"}
_ADAPTING_KEYS = {"adapt_steps", "freeze_d_blocks"}  # used only with pretrain=builtin


def cache_key(cfg: DictConfig, train_x: torch.Tensor) -> str:
    """A hash of everything the trained GAN depends on: seed, data config, the training images and GAN config.

    The images are hashed too, so that changed files under the same `data.root` train a new GAN.
    """
    data = OmegaConf.to_container(cfg.data, resolve=True)
    gan = OmegaConf.to_container(cfg.gan, resolve=True)
    keyed = {
        "version": TRAINING_VERSION,
        "seed": cfg.seed,
        "images": hashlib.sha256(train_x.numpy().tobytes()).hexdigest(),
        "data": {k: v for k, v in data.items() if k not in _DATA_KEYS_IGNORED},
        "gan": {k: v for k, v in gan.items() if k not in _GAN_KEYS_IGNORED | _ADAPTING_KEYS},
    }
    if cfg.pretrain.source is not None:  # an adapted GAN also depends on what it started from and how it adapted
        keyed["pretrain"] = {k: v for k, v in OmegaConf.to_container(cfg.pretrain, resolve=True).items() if k != "cache_dir"}
        keyed["adapting"] = {k: gan[k] for k in _ADAPTING_KEYS}
    return hashlib.sha256(json.dumps(keyed, sort_keys=True).encode()).hexdigest()[:16]


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path`.lock, so that concurrent runs needing one GAN train it once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load_state(path: Path) -> dict | None:
    """The GAN state dict cached at `path`; None if absent, or if unreadable (a damaged entry is named and removed)."""
    entry = load_entry(path, "GAN cache entry", lambda saved: isinstance(saved, dict) and "state_dict" in saved)
    return None if entry is None else entry["state_dict"]


def store(module: torch.nn.Module, path: Path) -> None:
    """Write a trained module's state dict into the cache atomically."""
    atomic_write(path, lambda tmp: torch.save({"state_dict": module.state_dict()}, tmp))
