"""What the pipeline asks of a generator, written once: the conditional GAN, DAGAN and diffusion implement it, and
so does any generator a user registers (docs/development.md, "Adding a generator"); and loading whichever generator
a checkpoint names (`load_gan`)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from ganaug.models import registry
from ganaug.models.averaging import AveragedSampler
from ganaug.models.saved import read, rebuild
from ganaug.utils.errors import UserError

GENERATOR_KEY = "ganaug_generator"  # where a generator's checkpoint names its registered part


class Generator(AveragedSampler):
    """The generator contract, as a LightningModule mix-in (put it first among the bases, before the module).

    A generator is a LightningModule registered as a part (`@register("name")`) whose `__init__` takes `class_names`
    and the configs of its networks (built with `registry.build`, kept as `registry.spec` in its hyperparameters),
    so that its checkpoint alone rebuilds it. The pipeline calls:

    - `class_names`: the classes it draws, in label order;
    - `set_real_images(x, y)`: the run's training images in [0, 1], before training or after loading (a generator
      that draws from real digits keeps them, see `SourceImages`; one that draws from noise ignores them);
    - `sample(labels, seed)`: one image per label, (N, 1, 28, 28) in [0, 1], the same images for the same seed;
    - `sources_of(labels, seed)`: the real images those fakes are drawn from, or None (the quality measures'
      distance to source);
    - `optimizer_steps`: Lightning's optimizer steps per training iteration (progress, checkpoints, the callbacks);
    - `trained`, `averaged`, `lr_scale` (`AveragedSampler`): the EMA copy that draws the fakes and a diverged
      training's retry at a lower learning rate; call `update_average()` after each update of the trained network;
    - `class_rows` and `new_class_row` on its networks (`ganaug.models.class_transfer`): starting from a
      generator trained on other classes, as `pretrain=builtin` does.

    Its checkpoint records its registered name, which `load_gan` builds from, with no guessing.
    """

    optimizer_steps = 1
    registered_as: str
    class_names: list[str]

    def set_real_images(self, x: torch.Tensor, y: torch.Tensor) -> None:
        """Called with the training images before training or after loading; a generator drawing from noise needs none."""

    def sources_of(self, labels: torch.Tensor, seed: int) -> torch.Tensor | None:
        """The real images the fakes of `labels` are drawn from: none for a generator that draws from noise."""
        return None

    def sample(self, labels: torch.Tensor, seed: int = 0) -> torch.Tensor:
        raise NotImplementedError

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint[GENERATOR_KEY] = self.registered_as

    @classmethod
    def load_from_checkpoint(cls, checkpoint_path: str | Path, *args: Any, **kwargs: Any) -> "Generator":
        """The generator the checkpoint holds, built as `ganaug.load_gan` builds it, on the CPU: Lightning's own would
        build `cls` from another generator's hyperparameters (`GAN.load_from_checkpoint` on a DAGAN's file). A file
        of a generator that is no `cls` is one line naming `ganaug.load_gan`."""
        gan = load_gan(Path(checkpoint_path))
        if not isinstance(gan, cls):
            raise UserError(f"{checkpoint_path} holds a {type(gan).__name__}, not a {cls.__name__}: "
                            f"load it with ganaug.load_gan({str(checkpoint_path)!r})")
        return gan


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
