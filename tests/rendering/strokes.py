"""Digits drawn by simulated pen strokes in the hands of a few made-up writers: a data set that differs from MNIST
in writer and stroke, for checking on digits that were not used to choose any setting (benchmarks/)."""
from __future__ import annotations

import math
from pathlib import Path

import torch
from PIL import Image, ImageDraw, ImageFilter

# One pen path per digit in a unit box (x to the right, y down); a digit may take two strokes.
STROKES: dict[int, list[list[tuple[float, float]]]] = {
    0: [[(0.5 + 0.3 * math.sin(t / 12 * 2 * math.pi), 0.5 - 0.4 * math.cos(t / 12 * 2 * math.pi)) for t in range(13)]],
    1: [[(0.35, 0.25), (0.55, 0.1), (0.55, 0.9)]],
    2: [[(0.2, 0.3), (0.35, 0.12), (0.6, 0.1), (0.78, 0.25), (0.7, 0.45), (0.2, 0.9), (0.82, 0.9)]],
    3: [[(0.2, 0.15), (0.6, 0.1), (0.75, 0.25), (0.5, 0.48), (0.78, 0.65), (0.65, 0.88), (0.2, 0.85)]],
    4: [[(0.6, 0.1), (0.15, 0.65), (0.85, 0.65)], [(0.65, 0.35), (0.65, 0.92)]],
    5: [[(0.8, 0.1), (0.3, 0.1), (0.25, 0.45), (0.6, 0.42), (0.78, 0.62), (0.6, 0.88), (0.2, 0.85)]],
    6: [[(0.7, 0.1), (0.35, 0.35), (0.22, 0.65), (0.4, 0.9), (0.7, 0.82), (0.72, 0.58), (0.45, 0.5), (0.25, 0.62)]],
    7: [[(0.15, 0.12), (0.85, 0.12), (0.4, 0.9)]],
    8: [[(0.5, 0.5), (0.25, 0.3), (0.5, 0.1), (0.75, 0.3), (0.5, 0.5), (0.22, 0.72), (0.5, 0.92), (0.78, 0.72), (0.5, 0.5)]],
    9: [[(0.75, 0.35), (0.5, 0.5), (0.25, 0.35), (0.4, 0.1), (0.72, 0.15), (0.75, 0.35), (0.7, 0.9)]],
}


def writer_style(writer: int) -> dict[str, float]:
    """A writer's habits, fixed by the writer's number: slant, pen width, letter width, tremor."""
    g = torch.Generator().manual_seed(1000 + writer)
    u = torch.rand(4, generator=g).tolist()
    return {"slant": -0.35 + 0.6 * u[0], "width": 3 + 6 * u[1], "aspect": 0.75 + 0.45 * u[2], "tremor": 0.03 + 0.04 * u[3]}


def stroke_digit(digit: int, writer: int, seed: int, size: int = 64) -> Image.Image:
    """One digit as dark ink on light paper, drawn as `writer` would, varied by `seed` (grayscale, `size` pixels)."""
    style, g = writer_style(writer), torch.Generator().manual_seed(seed)
    jitter = lambda n: (torch.randn(n, generator=g) * style["tremor"]).tolist()  # noqa: E731
    angle, slant = (torch.randn(2, generator=g) * torch.tensor([0.15, 0.12])).tolist()  # this sample's wobble
    page = Image.new("L", (size, size), 235)
    draw = ImageDraw.Draw(page)
    for stroke in STROKES[digit]:
        dx, dy = jitter(len(stroke)), jitter(len(stroke))
        points = []
        for (x, y), ex, ey in zip(stroke, dx, dy):
            x, y = (x - 0.5) * style["aspect"] + ex, y - 0.5 + ey
            x = x - (style["slant"] + slant) * y  # slant: the top leans right for a positive slant
            x, y = x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle)
            points.append(((0.5 + 0.7 * x) * size, (0.5 + 0.7 * y) * size))
        draw.line(points, fill=30, width=round(style["width"] * size / 64), joint="curve")
    return page.filter(ImageFilter.GaussianBlur(0.8))


def stroke_folder(root: Path, per_class: int, writers: int, seed: int = 0) -> None:
    """Write `per_class` digits per class, from `writers` writers in turn, as ROOT/<digit>/<writer>_<i>.png."""
    for digit in range(10):
        (root / str(digit)).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            writer = i % writers
            stroke_digit(digit, writer, seed=seed * 100_000 + digit * 1000 + i).save(root / str(digit) / f"{writer}_{i:03d}.png")
