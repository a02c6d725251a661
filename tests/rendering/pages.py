"""Freehand pages of known digits, for the tests and benchmarks: rows that drift, slant, bow, hold small digits,
touching pairs and digits written in two strokes, with show-through, a smudge, specks and a strip of table; pages as
people write them (`person_page`)."""
from __future__ import annotations

import math

import torch
from PIL import Image
from torchvision.transforms.functional import pil_to_tensor, resize

from ganaug.data.mnist import BuiltinDigits


def freehand_sheet(digits: torch.Tensor, rows: int, cols: int, seed: int = 0, slope: float | None = None,
                   pitch: int = 80, bow: float = 0.0, scales: list[float] | None = None,
                   lengths: list[int] | None = None, touching: tuple[int, ...] = (),
                   lifted: tuple[int, ...] = ()) -> Image.Image:
    """A scan of a page on which `digits` ((N, 1, 28, 28) uint8, light on black, row by row) were written freehand:
    no grid, rows that drift and slant up to ±3° (or `slope` degrees, negative rising to the right) `pitch` pixels
    apart and sag `bow` pixels in their middle, varying gaps and sizes (each digit's size times its `scales`, a small
    digit standing on the row's baseline), dark ink on white paper, with faint show-through of a printed frame and
    text from the back of the page, a smudge and a few specks. `lengths` gives each row's count (default `cols` each);
    the digits whose indices are in `touching` are written touching the one before them, those in `lifted` in two
    strokes that do not touch: the lowest third of the digit's ink (a 2's bottom bar) lifted off the rest."""
    g = torch.Generator().manual_seed(seed)
    uniform = lambda low, high: float(torch.empty(1).uniform_(low, high, generator=g))  # noqa: E731
    lengths = lengths or [cols] * rows
    rows, cols = len(lengths), max(lengths)
    scales = scales or [1.0] * sum(lengths)
    w = cols * 70 + 200
    room = 0 if slope is None else round(abs(math.tan(math.radians(slope))) * w)  # the default pages' size as before
    h = rows * pitch + 160 + room + round(max(bow, 0))
    page = torch.ones(h, w)
    back = torch.ones(h, w)  # what shows through from the back: a frame and lines of text, mirrored
    back[30:34, 30 : w - 30] = back[h - 34 : h - 30, 30 : w - 30] = 0.0
    back[30 : h - 30, 30:34] = back[30 : h - 30, w - 34 : w - 30] = 0.0
    for y in range(60, h - 60, 45):
        for x in range(60, w - 120, 22):
            back[y : y + 8, x : x + int(torch.randint(8, 18, (1,), generator=g))] = 0.0
    page = page - 0.12 * (1 - back.flip(-1))  # faint: about a tenth of the ink's darkness
    drawn_slope = uniform(-3, 3)  # drawn whether used or not: a page's other traits stay those of its seed
    slope = math.tan(math.radians(drawn_slope if slope is None else slope))
    drift = room if slope < 0 else 0
    index = 0
    for r, length in enumerate(lengths):
        x, base = 80 + uniform(0, 20), 80 + drift + r * pitch + uniform(-6, 6)
        for c in range(length):
            full = int(uniform(32, 46))
            size = max(8, round(full * scales[index]))
            ink = resize(digits[index].float()[None] / 255, [size, size], antialias=True)[0]
            ink = (ink / min(1.0, scales[index])).clamp(0, 1)  # the pen's stroke as dark in small writing
            if index in lifted:
                ink = lifted_bar(ink)
            sag = bow * (1 - ((x - w / 2) / (w / 2)) ** 2)
            top = int(base + slope * x + sag + uniform(-4, 4)) + full - size  # a small digit on the baseline
            left = int(x)
            page[top : top + size, left : left + size] = torch.minimum(page[top : top + size, left : left + size],
                                                                     1 - 0.85 * ink)
            if index in touching:  # a stroke run on from the digit before: the two touch
                middle, reach = top + size // 2, int(0.3 * size)
                page[middle - 1 : middle + 2, left - reach : left + reach] = 0.15
            gap = uniform(6, 30)
            if index + 1 in touching:
                gap = -0.1 * size
            x += size + gap
            index += 1
    v, u = torch.meshgrid(torch.arange(h).float(), torch.arange(w).float(), indexing="ij")
    cy, cx = uniform(0.2, 0.8) * h, uniform(0.2, 0.8) * w
    page = page - 0.08 * torch.exp(-((v - cy) ** 2 + (u - cx) ** 2) / (2 * 25.0**2))  # a smudge
    for _ in range(8):  # specks
        y, x = int(torch.randint(40, h - 40, (1,), generator=g)), int(torch.randint(40, w - 40, (1,), generator=g))
        page[y : y + 2, x : x + 3] = 0.3
    page = page + 0.02 * torch.randn(h, w, generator=g)
    return Image.fromarray((page.clamp(0, 1) * 255).round().byte().numpy()).convert("RGB")


def lifted_bar(ink: torch.Tensor) -> torch.Tensor:
    """A digit's ink ((1, S, S), ink light) written in two strokes: its lowest third of inked rows moved down by an
    eighth of its size and right by a sixth, so that the two pieces do not touch."""
    ink = ink[0]
    rows = (ink > 0.3).any(1).nonzero().flatten()
    top, bottom = int(rows.min()), int(rows.max()) + 1
    cut = bottom - max(2, (bottom - top) // 3)
    size = ink.shape[0]
    gap, shift = max(2, size // 8), max(1, size // 6)
    out = torch.zeros_like(ink)
    out[:cut] = ink[:cut]
    lower = ink[cut:bottom, : size - shift]
    room = min(len(lower), size - cut - gap)
    out[cut + gap : cut + gap + room, shift:] = lower[:room]
    return out[None]


def with_table_edge(page: Image.Image, seed: int = 0, share: float = 0.05) -> Image.Image:
    """`page` photographed filling the frame, with a strip of table along its right edge: dark wood whose lighter grain
    cuts it into digit-sized pieces."""
    g = torch.Generator().manual_seed(seed)
    x = pil_to_tensor(page).float() / 255
    strip = max(4, round(share * x.shape[2]))
    rows = torch.arange(x.shape[1]).float()[:, None] + 4 * torch.rand(1, strip, generator=g)
    grain = torch.where(torch.sin(rows / 7 + float(torch.rand(1, generator=g)) * 6) > -0.3, 0.2, 0.85)
    x[:, :, -strip:] = grain
    return Image.fromarray((x.permute(1, 2, 0) * 255).round().byte().numpy())


TRAITS = ("sloped", "bowed", "table edge", "small 0s and 1s", "touching")  # what people's pages do (person_page)


def held_out_rows() -> torch.Tensor:
    """100 held-out built-in digits, ten of each, row r holding the digit r (uint8, light on black)."""
    dm = BuiltinDigits(n_per_class=1, test_per_class=10, seed=3)
    dm.setup()
    return (dm.test_x[torch.argsort(dm.test_y, stable=True)] * 255).round().byte()


def numbers(seed: int, rows: int = 6) -> tuple[list[str], torch.Tensor]:
    """`rows` numbers of 5 to 11 seeded random digits, and held-out built-in digits that write them."""
    g = torch.Generator().manual_seed(100 + seed)
    text = ["".join(str(int(d)) for d in torch.randint(0, 10, (int(torch.randint(5, 12, (1,), generator=g)),),
                                                          generator=g)) for _ in range(rows)]
    pool, used, index = held_out_rows(), [0] * 10, []
    for digit in map(int, "".join(text)):
        index.append(digit * 10 + used[digit] % 10)
        used[digit] += 1
    return text, pool[index]


def person_page(traits: set[str] | tuple[str, ...], seed: int = 0) -> tuple[Image.Image, list[str]]:
    """A freehand page with some of TRAITS, and each row's labels: rows sloped ±10° set closer (55 px) than a row's
    drift, rows whose middle sags 45 px (62 px apart), a strip of table along the edge, and — on a page of a number
    per row (`numbers`) — 0s and 1s at 45 % of the other digits' height, or three pairs of digits that touch."""
    numbered = bool({"small 0s and 1s", "touching"} & set(traits))
    text, digits = numbers(seed) if numbered else (["0123456789"[r] * 10 for r in range(10)], held_out_rows())
    lengths = [len(row) for row in text]
    starts = [sum(lengths[:r]) for r in range(len(text))]
    options = {
        "slope": (-10 if seed % 2 == 0 else 10) if "sloped" in traits else None,
        "bow": 45 if "bowed" in traits else 0.0,
        "pitch": 62 if "bowed" in traits else 55 if "sloped" in traits else 80,
        "scales": [0.45 if d in "01" else 1.0 for d in "".join(text)] if "small 0s and 1s" in traits else None,
        "touching": (starts[1] + 2, starts[3] + 1, starts[3] + 4) if "touching" in traits else (),
    }
    page = freehand_sheet(digits, 0, 0, seed=seed, lengths=lengths, **options)
    return (with_table_edge(page, seed) if "table edge" in traits else page), text


def on_a4_page(writing: Image.Image, dpi: int) -> Image.Image:
    """`writing` filling the upper-left two thirds of the width of a white A4 page scanned at `dpi`, as a practice
    sheet written on a part of the page would be."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    scaled = writing.resize((width * 2 // 3, round(writing.height * width * 2 / 3 / writing.width)))
    page = Image.new("RGB", (width, height), (250, 250, 250))
    page.paste(scaled, (width // 12, height // 20))
    return page
