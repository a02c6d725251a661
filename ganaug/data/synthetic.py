"""Photo- and scan-like images of known built-in digits: for trying `data=folder` (benchmarks/photo_folder.py,
benchmarks/scans.py) and testing it."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F
from PIL import Image
from torchvision.transforms.functional import perspective, pil_to_tensor, resize, rotate

from ganaug.data.mnist import BuiltinDigits


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


def sheet_photo(digits: torch.Tensor, rows: int, cols: int, ruled: bool, seed: int = 0, cell: int = 60) -> Image.Image:
    """A photo of a sheet with `digits` ((rows*cols, 1, 28, 28) uint8, light on black, row by row) written in a
    rows × cols grid (ruled or blank), dark ink on white, on a darker table: turned a few degrees, seen at a slant,
    unevenly lit and noisy."""
    g = torch.Generator().manual_seed(seed)
    margin = cell
    h, w = rows * cell + 2 * margin, cols * cell + 2 * margin
    page = torch.ones(h, w)
    for i, digit in enumerate(digits):
        r, c = divmod(i, cols)
        ink = resize(digit.float()[None] / 255, [40, 40], antialias=True)[0].clamp(0, 1)
        dy, dx = torch.randint(-4, 5, (2,), generator=g).tolist()
        top, left = margin + r * cell + 10 + dy, margin + c * cell + 10 + dx
        page[top : top + 40, left : left + 40] = torch.minimum(page[top : top + 40, left : left + 40], 1 - 0.85 * ink)
    if ruled:
        for k in range(rows + 1):
            page[margin + k * cell - 1 : margin + k * cell + 1, margin : w - margin] = 0.45
        for k in range(cols + 1):
            page[margin : h - margin, margin + k * cell - 1 : margin + k * cell + 1] = 0.45
    return photographed(page, g, margin)


def photographed(page: torch.Tensor, g: torch.Generator, margin: int, table: float = 0.3, textured: bool = False,
                 shadow: bool = False) -> Image.Image:
    """A photo of `page` ((H, W) in [0, 1]) lying on a table of grey level `table` (`textured`: wood-like stripes),
    `margin` pixels of it around the page: turned a few degrees, seen at a slant, unevenly lit and noisy, with
    (`shadow`) the shadow of something held over one side of the page."""
    h, w = page.shape
    scene = torch.full((h + 2 * margin, w + 2 * margin), table)
    H, W = scene.shape
    v, u = torch.meshgrid(torch.linspace(0, 1, H), torch.linspace(0, 1, W), indexing="ij")
    if textured:
        scene = scene + 0.08 * torch.sin(60 * v + 6 * torch.sin(9 * u)) + 0.04 * torch.sin(170 * v)
    scene[margin : margin + h, margin : margin + w] = page
    angle = float(torch.empty(1).uniform_(-4, 4, generator=g))
    slant = [[int(x) for x in torch.randint(0, margin // 2, (2,), generator=g)] for _ in range(4)]
    corners = [[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]]
    moved = [[x + (s[0] if x == 0 else -s[0]), y + (s[1] if y == 0 else -s[1])] for (x, y), s in zip(corners, slant)]
    scene = rotate(scene[None], angle, fill=[table])
    scene = perspective(scene, corners, moved, fill=[table])[0]
    lit = scene * (1 - 0.25 * u * v)
    if shadow:  # a soft-edged band of shade across the page
        lit = lit * (1 - 0.35 * torch.sigmoid((u + 0.3 * v - 0.75) * 40))
    lit = lit + 0.02 * torch.randn(H, W, generator=g)
    return Image.fromarray((lit.clamp(0, 1) * 255).round().byte().numpy()).convert("RGB")


def in_ink(page: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """The black-on-white `page` written in ink of `colour` (RGB 0-255): each pixel mixes paper white and the ink as
    its darkness says."""
    darkness = 1 - pil_to_tensor(page.convert("L")).float() / 255
    ink = torch.tensor(colour, dtype=torch.float32).view(3, 1, 1)
    return Image.fromarray((255 - darkness * (255 - ink)).round().byte().permute(1, 2, 0).numpy())


# How a page may lie on a table when photographed: the paper's level (1: white) and photographed()'s settings
PHOTOS = {
    "dark table": (1.0, dict(table=0.3)),
    "wood table": (1.0, dict(table=0.45, textured=True)),
    "lighter table, shadow": (0.82, dict(table=0.97, shadow=True)),
    "dark table, shadow": (1.0, dict(table=0.3, shadow=True)),
}


def photographed_page(page: Image.Image, how: str, seed: int = 0) -> Image.Image:
    """A photo of a rendered `page` lying on a table as PHOTOS[how] says, 80 pixels of table around it."""
    paper, table = PHOTOS[how]
    gray = pil_to_tensor(page.convert("L"))[0].float() / 255
    return photographed(paper * gray, torch.Generator().manual_seed(seed), margin=80, **table)


def tight(x: torch.Tensor) -> torch.Tensor:
    """A (H, W) light-on-black digit cropped to its ink's bounding box: the digit touches every edge."""
    rows, cols = (x > 0.1).any(1).nonzero().flatten(), (x > 0.1).any(0).nonzero().flatten()
    return x[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def bold(x: torch.Tensor) -> torch.Tensor:
    """Strokes thickened by a pixel on every side: in a tight crop, ink covers most of the image."""
    return F.max_pool2d(x[None, None], 3, 1, 1)[0, 0]


def square(x: torch.Tensor, size: int, binary: bool) -> torch.Tensor:
    """Stretched to size × size (filling the frame, as small tightly cropped scans are), optionally binarised."""
    out = resize(x[None], [size, size], antialias=True)[0].clamp(0, 1)
    return (out > 0.4).float() if binary else out


def doubled(x: torch.Tensor) -> torch.Tensor:
    """At twice the size, keeping the aspect ratio."""
    return resize(x[None], [2 * x.shape[0], 2 * x.shape[1]], antialias=True)[0].clamp(0, 1)


def with_margin(x: torch.Tensor) -> torch.Tensor:
    """The same image with a paper margin of a quarter of its size on every side."""
    m = max(1, x.shape[0] // 4)
    return F.pad(x, (m, m, m, m))


# Hard scans of a (28, 28) light-on-black digit in [0, 1]: tight crops keep their aspect; the small scans are
# stretched to fill the frame, as USPS's are
SCANS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "tight": lambda x: doubled(tight(x)),
    "bold tight": lambda x: doubled(bold(tight(x))),
    "16×16 binary": lambda x: square(tight(x), 16, binary=True),
    "8×8 binary": lambda x: square(tight(x), 8, binary=True),
}


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
