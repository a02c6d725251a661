"""Reading a checkpoint file as plain data and rebuilding the registered part it holds, with one-line errors for a
file that is none: what loading a classifier and loading a generator share."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytorch_lightning as pl
import torch

from ganaug.models import registry
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
