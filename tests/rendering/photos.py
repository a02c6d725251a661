"""Photo-like images of known digits, for the tests and benchmarks: a digit photographed on paper, folders of such
photos, a sheet of digits photographed (turned, at a slant, unevenly lit, on tables), and hard scans (tight crops,
bold strokes, 16×16 and 8×8 binary scans)."""
from __future__ import annotations

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
