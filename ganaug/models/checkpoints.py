"""A trained network as a checkpoint file that rebuilds it alone, and loading a GAN's, whichever kind it is."""
from __future__ import annotations

from pathlib import Path

import pytorch_lightning as pl
import torch

from ganaug.models.dagan import DAGAN
from ganaug.models.diffusion import Diffusion
from ganaug.models.gan import GAN
from ganaug.utils.errors import UserError


def load_gan(checkpoint: Path) -> GAN | Diffusion:
    """The generator saved in a Lightning checkpoint, for sampling: a GAN, a DAGAN (which keeps its source images)
    or a diffusion model (which names its UNet)."""
    if not checkpoint.is_file():
        raise UserError(f"no checkpoint at {checkpoint}; pass a run's checkpoints/gan.ckpt")
    try:
        saved = torch.load(checkpoint, map_location="cpu", weights_only=True)
        kind = (Diffusion if "unet" in saved["hyper_parameters"]
                else DAGAN if "sources_x" in saved["state_dict"] else GAN)
        return kind.load_from_checkpoint(checkpoint, map_location="cpu").eval()
    except Exception as error:
        raise UserError(f"cannot read {checkpoint} as a GAN checkpoint ({type(error).__name__}); pass a run's checkpoints/gan.ckpt")


def checkpoint_of(module: pl.LightningModule) -> dict:
    """The smallest Lightning checkpoint that rebuilds `module` alone (`load_gan`, `Classifier.load_from_checkpoint`):
    its weights (with DAGAN's source images) and its hyperparameters (network configs, class names)."""
    return {"state_dict": module.state_dict(), "hyper_parameters": dict(module.hparams),
            "pytorch-lightning_version": pl.__version__}
