"""`python -m ganaug.generate CHECKPOINT n_per_class=K out=DIR [seed=S]`: sample a trained GAN into PNGs.

CHECKPOINT is a GAN checkpoint (a run's `checkpoints/gan.ckpt`, copied anywhere: it holds the networks' configs
and class names). Writes `DIR/<class>/<index>.png` for every class and `DIR/grid.png` with up to 10 per class.
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch
from torchvision.utils import save_image

from ganaug.models.checkpoints import load_gan
from ganaug.utils import runtime
from ganaug.utils.command_line import Command, Option
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


COMMAND = Command("generate", "Sample a trained generator into PNGs: DIR/<class>/<index>.png and DIR/grid.png.", {
    "n_per_class": Option("fakes per class", "10", minimum=1, value="K"),
    "out": Option("the folder to write them to", required=True, value="DIR"),
    "seed": Option("the sampling seed (the same seed, the same fakes)", "0", minimum=0, value="S"),
})


def parse(argv: list[str]) -> tuple[Path, int, Path, int]:
    checkpoint, _, options = COMMAND.parse(argv)
    return checkpoint, options["n_per_class"], Path(options["out"]), options["seed"]


def main(argv: list[str] | None = None) -> None:
    runtime.setup()
    with exit_on_user_error("ganaug.generate"):
        checkpoint, n, out, seed = parse(sys.argv[1:] if argv is None else argv)
        generate(checkpoint, n, out, seed)
    print(f"wrote {n} fakes per class and grid.png to {out}")


if __name__ == "__main__":
    main()
