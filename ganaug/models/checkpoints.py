"""A trained network as a checkpoint file that rebuilds it alone, and loading a classifier's (a generator's:
`ganaug.models.generator.load_gan`). Loading builds registered parts only (`ganaug.models.registry`): a file
handed over by someone else cannot choose the code that runs."""
from __future__ import annotations

from pathlib import Path

import pytorch_lightning as pl

from ganaug.models.classifier import Classifier
from ganaug.models.saved import read, rebuild
from ganaug.utils.errors import UserError


def load_classifier(checkpoint: Path) -> Classifier:
    """The classifier saved in a Lightning checkpoint (a run's checkpoints/classifier.ckpt, copied anywhere)."""
    saved = read(checkpoint, "classifier")
    if "net" not in saved["hyper_parameters"]:
        raise UserError(f"cannot read {checkpoint} as a classifier checkpoint (it holds no network config); "
                        "pass a run's checkpoints/classifier.ckpt")
    return rebuild(checkpoint, saved, Classifier, "classifier")


def checkpoint_of(module: pl.LightningModule) -> dict:
    """The smallest Lightning checkpoint that rebuilds `module` alone (`load_gan`, `load_classifier`): its weights
    (with DAGAN's source images), its hyperparameters (network specs, class names) and, for a generator, its name."""
    checkpoint = {"state_dict": module.state_dict(), "hyper_parameters": dict(module.hparams),
                  "pytorch-lightning_version": pl.__version__}
    module.on_save_checkpoint(checkpoint)
    return checkpoint
