"""ganaug: a generative model trained on a few dozen digits per class augments a small classifier's training set.

The names a library user needs, importable from the top (each loaded on first use, so that `import ganaug` stays
cheap for the commands that need none of them):

    from ganaug import GAN, DAGAN, Diffusion, Classifier, load_gan, load_classifier, register, Generator, run
"""
from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    "run": "ganaug.pipeline.runner",
    "describe_run": "ganaug.pipeline.runner",
    "GAN": "ganaug.models.gan",
    "DAGAN": "ganaug.models.dagan",
    "Diffusion": "ganaug.models.diffusion",
    "Classifier": "ganaug.models.classifier",
    "load_gan": "ganaug.models.generator",
    "load_classifier": "ganaug.models.checkpoints",
    "register": "ganaug.models.registry",
    "Generator": "ganaug.models.generator",
    "DigitFeatures": "ganaug.models.digit_features",
    "DigitsDataModule": "ganaug.data.datamodule",
    "BuiltinDigits": "ganaug.data.mnist",
    "MNISTDigits": "ganaug.data.mnist",
    "FolderDigits": "ganaug.data.folder",
    "prepare_file": "ganaug.data.preprocessing",
    "UserError": "ganaug.utils.errors",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'ganaug' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
