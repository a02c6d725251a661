"""A trained network as a checkpoint file that rebuilds it alone, and loading one: a classifier, or a generator of
whichever kind its checkpoint names. Loading builds registered parts only (`ganaug.models.registry`): a file
handed over by someone else cannot choose the code that runs."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytorch_lightning as pl
import torch

from ganaug.models import registry
from ganaug.models.classifier import Classifier
from ganaug.models.generator import GENERATOR_KEY, Generator
from ganaug.utils.errors import UserError
from ganaug.utils.files import safe_name


def read(checkpoint: Path, what: str) -> dict:
    """The checkpoint's contents as plain tensors and data (no pickled objects); a one-line error where it is none."""
    if not checkpoint.is_file():
        raise UserError(f"no checkpoint at {checkpoint}; pass a run's checkpoints/{what}.ckpt")
    try:
        saved = torch.load(checkpoint, map_location="cpu", weights_only=True)
    except Exception as error:
        raise UserError(f"cannot read {checkpoint} as a checkpoint ({type(error).__name__}); "
                        f"pass a run's checkpoints/{what}.ckpt") from None
    if not isinstance(saved, dict) or not isinstance(saved.get("hyper_parameters"), dict) or "state_dict" not in saved:
        raise UserError(f"cannot read {checkpoint} as a checkpoint (no hyperparameters and weights); "
                        f"pass a run's checkpoints/{what}.ckpt")
    return saved


def rebuild(checkpoint: Path, saved: dict, part: type, what: str) -> pl.LightningModule:
    """`part` built from the saved hyperparameters (those its __init__ takes) and loaded with the saved weights."""
    for name in saved["hyper_parameters"].get("class_names") or []:  # they name the folders generate and demo write
        safe_name(name, f"{checkpoint} names the class")
    parameters = inspect.signature(part).parameters  # a mix-in's (*args, **kwargs) passes everything on
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    arguments = {key: value for key, value in saved["hyper_parameters"].items()
                 if (takes_any or key in parameters) and not key.startswith("_")}  # as Lightning: no _instantiator
    try:
        module = part(**arguments)
    except registry.NotAPart as error:
        raise UserError(f"{checkpoint} {error}; refusing to load it") from None
    except Exception as error:
        raise UserError(f"cannot read {checkpoint} as a {what} checkpoint ({type(error).__name__}: {error}); "
                        f"pass a run's checkpoints/{what}.ckpt") from None
    try:
        module.on_load_checkpoint(saved)
        module.load_state_dict(saved["state_dict"])
    except Exception as error:
        raise UserError(f"cannot read {checkpoint} as a {what} checkpoint: its weights do not fit "
                        f"({type(error).__name__}); pass a run's checkpoints/{what}.ckpt") from None
    return module.eval()


def load_classifier(checkpoint: Path) -> Classifier:
    """The classifier saved in a Lightning checkpoint (a run's checkpoints/classifier.ckpt, copied anywhere)."""
    saved = read(checkpoint, "classifier")
    if "net" not in saved["hyper_parameters"]:
        raise UserError(f"cannot read {checkpoint} as a classifier checkpoint (it holds no network config); "
                        "pass a run's checkpoints/classifier.ckpt")
    return rebuild(checkpoint, saved, Classifier, "classifier")


def generator_name(saved: dict) -> str:
    """The registered generator a checkpoint names. Checkpoints written before generators named themselves (version
    0.1.0 up to commit e987937) are told apart as that code did: diffusion keeps a UNet config, DAGAN its sources."""
    if GENERATOR_KEY in saved:
        return saved[GENERATOR_KEY]
    return ("diffusion" if "unet" in saved["hyper_parameters"]
            else "dagan" if "sources_x" in saved["state_dict"] else "dcgan")


def load_gan(checkpoint: Path) -> Generator:
    """The generator saved in a Lightning checkpoint, for sampling: the registered part its checkpoint names (a
    GAN, a DAGAN with its source images, a diffusion model, or one a user registered)."""
    saved = read(checkpoint, "gan")
    name = generator_name(saved)
    try:
        part = registry.get(name)
    except registry.NotAPart as error:
        raise UserError(f"{checkpoint} {error}; refusing to load it") from None
    if not (isinstance(part, type) and issubclass(part, Generator)):
        raise UserError(f"cannot read {checkpoint} as a GAN checkpoint: {name!r} is no generator; "
                        "pass a run's checkpoints/gan.ckpt")
    return rebuild(checkpoint, saved, part, "gan")


def checkpoint_of(module: pl.LightningModule) -> dict:
    """The smallest Lightning checkpoint that rebuilds `module` alone (`load_gan`, `load_classifier`): its weights
    (with DAGAN's source images), its hyperparameters (network specs, class names) and, for a generator, its name."""
    checkpoint = {"state_dict": module.state_dict(), "hyper_parameters": dict(module.hparams),
                  "pytorch-lightning_version": pl.__version__}
    module.on_save_checkpoint(checkpoint)
    return checkpoint
