"""Trained networks kept on disk so that runs needing the same one train it once: the GAN of a seed, data and GAN
config, and the networks trained on the built-in pool that `pretrain=builtin` starts from."""
from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any, Callable, Iterator

import torch
from filelock import FileLock

from ganaug.utils.files import atomic_write, load_entry

# Part of every key: raise it when a code change alters what training produces, so old entries are not reused.
TRAINING_VERSION = 3  # 3: a GAN entry is a checkpoint that load_gan reads



def key(obj: Any) -> str:
    """A short hash of `obj` (plain JSON data; dict order does not matter), to name a cache entry by what it holds."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path`.lock (filelock: an OS lock on Linux, macOS and Windows), so that concurrent
    runs needing one entry train it once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(path.with_suffix(".lock")):
        yield


def get_or_train(path: Path, train: Callable[[], dict], what: str) -> tuple[dict, bool]:
    """The entry cached at `path`, or the one `train()` returns, stored there atomically; and whether it came from
    the cache. An entry is a dict holding at least a `state_dict`; a damaged one (`what` names it in the warning) is
    removed and trained again."""
    with locked(path):
        entry = load_entry(path, what, lambda saved: isinstance(saved, dict) and "state_dict" in saved)
        if entry is not None:
            return entry, True
        entry = train()
        atomic_write(path, lambda tmp: torch.save(entry, tmp))
        return entry, False
