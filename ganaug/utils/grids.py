"""Image grids with one class per row, labelled with the class names: for PNGs and TensorBoard."""
from __future__ import annotations

from pathlib import Path

import torch
from PIL import Image, ImageDraw
from torchvision.transforms.functional import pil_to_tensor, to_pil_image
from torchvision.utils import make_grid

SCALE = 2        # digits are drawn at twice their size so the grid is readable
LABEL_WIDTH = 40


def class_rows(x: torch.Tensor, y: torch.Tensor, num_classes: int, per_class: int = 10) -> torch.Tensor:
    """`per_class` images of each class in class order (blank where a class has fewer), for a grid of one class per row."""
    rows = torch.zeros(num_classes, per_class, *x.shape[1:])
    for c in range(num_classes):
        members = x[y == c][:per_class]
        rows[c, : len(members)] = members
    return rows.flatten(0, 1)


def labelled_grid(x: torch.Tensor, y: torch.Tensor, class_names: list[str], per_class: int = 10) -> torch.Tensor:
    """A (3, H, W) uint8 grid, one row per class with its name on the left, of images in [0, 1]."""
    rows = class_rows(x, y, len(class_names), per_class)
    grid = make_grid(rows, nrow=per_class, padding=2, pad_value=0.3)
    image = to_pil_image(grid).resize((grid.shape[2] * SCALE, grid.shape[1] * SCALE), Image.NEAREST)
    canvas = Image.new("RGB", (image.width + LABEL_WIDTH, image.height), "white")
    canvas.paste(image, (LABEL_WIDTH, 0))
    draw = ImageDraw.Draw(canvas)
    row_height = (x.shape[-2] + 2) * SCALE
    for c, name in enumerate(class_names):
        draw.text((3, c * row_height + row_height // 2 - 5), name[:6], fill="black")
    return pil_to_tensor(canvas)


def save_grid(path: Path, x: torch.Tensor, y: torch.Tensor, class_names: list[str], per_class: int = 10) -> torch.Tensor:
    """Write `labelled_grid` as a PNG; returns the grid."""
    grid = labelled_grid(x, y, class_names, per_class)
    path.parent.mkdir(parents=True, exist_ok=True)
    to_pil_image(grid).save(path)
    return grid


CAPTION_HEIGHT = 12


def captioned_grid(x: torch.Tensor, captions: list[str], per_row: int = 10, colours: list[str] | None = None) -> Image.Image:
    """Images in [0, 1], `per_row` to a row, each with its caption under it (in its colour, black by default)."""
    size = x.shape[-1] * SCALE
    rows = max(1, -(-len(x) // per_row))
    canvas = Image.new("RGB", (per_row * (size + 4), rows * (size + CAPTION_HEIGHT + 4)), "white")
    draw = ImageDraw.Draw(canvas)
    for i, (image, caption) in enumerate(zip(x, captions)):
        left, top = (i % per_row) * (size + 4) + 2, (i // per_row) * (size + CAPTION_HEIGHT + 4) + 2
        canvas.paste(to_pil_image(image.clamp(0, 1)).resize((size, size), Image.NEAREST), (left, top))
        draw.text((left, top + size), caption[:9], fill=colours[i] if colours else "black")
    return canvas
