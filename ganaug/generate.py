"""`python -m ganaug.generate CHECKPOINT n_per_class=K out=DIR [seed=S]`: sample a trained GAN into PNGs.

CHECKPOINT is a GAN checkpoint (a run's `checkpoints/gan.ckpt`, copied anywhere: it holds the networks' configs
and class names). Writes `DIR/<class>/<index>.png` for every class and `DIR/grid.png` with up to 10 per class
(settings: `ganaug/conf/generate.yaml`).
"""
from __future__ import annotations

from pathlib import Path

import hydra
import torch
from omegaconf import DictConfig
from torchvision.utils import save_image

from ganaug.models.generator import load_gan
from ganaug.utils.commands import run_command
from ganaug.utils.config import CONFIG_PATH, validate
from ganaug.utils.errors import exit_on_user_error
from ganaug.utils.grids import save_grid


def generate(checkpoint: Path, n_per_class: int, out: Path, seed: int = 0) -> torch.Tensor:
    """Write `n_per_class` fakes of every class under `out`; returns them."""
    gan = load_gan(checkpoint)
    labels = torch.arange(len(gan.class_names)).repeat_interleave(n_per_class)
    fakes = gan.sample(labels, seed=seed)
    for c, name in enumerate(gan.class_names):
        (out / name).mkdir(parents=True, exist_ok=True)
        for i, image in enumerate(fakes[labels == c]):
            save_image(image, out / name / f"{i:05d}.png")
    save_grid(out / "grid.png", fakes, labels, gan.class_names)
    return fakes


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="generate")
def main(cfg: DictConfig) -> None:
    with exit_on_user_error("ganaug.generate"):
        validate(cfg, "generate")
        generate(Path(cfg.checkpoint), cfg.n_per_class, Path(cfg.out), cfg.seed)
    print(f"wrote {cfg.n_per_class} fakes per class and grid.png to {cfg.out}")


def cli(argv: list[str] | None = None) -> None:
    run_command("generate", main, argv)


if __name__ == "__main__":
    cli()
