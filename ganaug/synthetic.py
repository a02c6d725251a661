"""Photo-like images of known built-in digits: for trying `data=folder` (benchmarks/photo_folder.py) and testing it."""
from __future__ import annotations

from pathlib import Path

import torch
from PIL import Image
from torchvision.transforms.functional import resize

from ganaug.data import BuiltinDigits


def photo(digit: torch.Tensor, seed: int, size: tuple[int, int] = (300, 220)) -> Image.Image:
    """An RGB picture of a (1, 28, 28) uint8 digit as dark ink on light paper: unevenly lit, noisy, off-centre."""
    generator = torch.Generator().manual_seed(seed)
    height, width = size
    ink = digit[0].float() / 255
    rows, cols = (ink > 0).any(1).nonzero().flatten(), (ink > 0).any(0).nonzero().flatten()
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    big = resize(crop[None], [crop.shape[0] * 7, crop.shape[1] * 7], antialias=True)[0].clamp(0, 1)
    top = int(torch.randint(5, height - big.shape[0] - 5, (1,), generator=generator))
    left = int(torch.randint(5, width - big.shape[1] - 5, (1,), generator=generator))
    page = torch.zeros(height, width)
    page[top : top + big.shape[0], left : left + big.shape[1]] = big
    v, u = torch.meshgrid(torch.linspace(0, 1, height), torch.linspace(0, 1, width), indexing="ij")
    paper = 0.9 - 0.25 * u * v - 0.1 * v  # a shadow across one corner
    gray = paper * (1 - 0.75 * page) + 0.03 * torch.randn(height, width, generator=generator)
    rgb = torch.stack([gray, gray * 0.97, gray * 0.9], dim=-1).clamp(0, 1)  # warm paper tint
    return Image.fromarray((rgb * 255).round().byte().numpy())


def photo_folder(root: Path, per_class: int, seed: int = 0, held_out: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Write `per_class` JPEG photos of built-in digits per class as ROOT/<digit>/<i>.jpg; returns the digits used.

    The digits come from the pool, or with `held_out` from the held-out half (which `pretrain=builtin` never sees).
    """
    dm = BuiltinDigits(n_per_class=per_class, seed=seed, test_per_class=per_class if held_out else None)
    dm.setup()
    x, y = (dm.test_x, dm.test_y) if held_out else (dm.train_x, dm.train_y)
    digits = (x * 255).round().to(torch.uint8)
    for i, (digit, label) in enumerate(zip(digits, y.tolist())):
        (root / str(label)).mkdir(parents=True, exist_ok=True)
        photo(digit, seed=i).save(root / str(label) / f"{i:03d}.jpg", quality=85)
    return digits, y
