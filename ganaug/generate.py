"""`python -m ganaug.generate CHECKPOINT n_per_class=K out=DIR [seed=S]`: sample a trained GAN into PNGs.

CHECKPOINT is a finished run's `checkpoints/gan.ckpt` (the config in the run's `metrics.json` says which
networks to build). Writes `DIR/<class>/<index>.png` for every class and `DIR/grid.png` with up to 10 per class.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from torchvision.utils import save_image

from ganaug.errors import UserError
from ganaug.gan import GAN
from ganaug.grids import save_grid


def load_gan(checkpoint: Path) -> tuple[GAN, DictConfig, list[str]]:
    """The GAN saved in a run's checkpoint, built from that run's config; that config; the run's class names."""
    results = checkpoint.resolve().parent.parent / "metrics.json"
    if not checkpoint.is_file():
        raise UserError(f"no checkpoint at {checkpoint}; pass a run's checkpoints/gan.ckpt")
    try:
        metrics = json.loads(results.read_text())
        cfg = OmegaConf.create(metrics["config"])
    except (OSError, ValueError, KeyError):
        raise UserError(f"no finished run's config in {results}; pass the gan.ckpt of a run that completed")
    gan: GAN = instantiate(cfg.gan.module)
    try:
        state = torch.load(checkpoint, map_location="cpu", weights_only=False)["state_dict"]
    except Exception as error:
        raise UserError(f"cannot read {checkpoint} ({type(error).__name__}); it is not a complete Lightning checkpoint")
    gan.load_state_dict(state)
    return gan, cfg, metrics["class_names"]


def generate(checkpoint: Path, n_per_class: int, out: Path, seed: int = 0) -> torch.Tensor:
    """Write `n_per_class` fakes of every class under `out`; returns them."""
    gan, _, classes = load_gan(checkpoint)
    labels = torch.arange(len(classes)).repeat_interleave(n_per_class)
    fakes = gan.sample(labels, seed=seed)
    for c, name in enumerate(classes):
        (out / name).mkdir(parents=True, exist_ok=True)
        for i, image in enumerate(fakes[labels == c]):
            save_image(image, out / name / f"{i:05d}.png")
    save_grid(out / "grid.png", fakes, labels, classes)
    return fakes


def parse(argv: list[str]) -> tuple[Path, int, Path, int]:
    if not argv or "=" in argv[0]:
        raise UserError("usage: python -m ganaug.generate CHECKPOINT n_per_class=K out=DIR [seed=S]")
    options = dict(arg.split("=", 1) for arg in argv[1:])
    unknown = set(options) - {"n_per_class", "out", "seed"}
    if unknown or "out" not in options:
        raise UserError(f"unknown option(s) {sorted(unknown)}; use n_per_class=K out=DIR [seed=S]" if unknown else "out=DIR is required")
    try:
        n, seed = int(options.get("n_per_class", 10)), int(options.get("seed", 0))
    except ValueError:
        raise UserError("n_per_class and seed must be integers")
    if n < 1:
        raise UserError(f"n_per_class={n} is not allowed: use an integer >= 1")
    return Path(argv[0]), n, Path(options["out"]), seed


def main(argv: list[str] | None = None) -> int:
    try:
        checkpoint, n, out, seed = parse(sys.argv[1:] if argv is None else argv)
        generate(checkpoint, n, out, seed)
    except UserError as error:
        print(f"ganaug.generate: error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {n} fakes per class and grid.png to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
