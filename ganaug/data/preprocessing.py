"""Turn a photo or scan of one handwritten digit into an MNIST-like 28×28 image (light ink on black).

MNIST's own recipe after cleaning: crop to the ink, scale the longer side to 20 px keeping the aspect
ratio, and place the result in 28×28 with its centre of mass at the centre.
"""
from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps
from scipy import ndimage
from torchvision.transforms.functional import resize

from ganaug.models.digit_features import DigitFeatures

WORK_SIZE = 256        # images are shrunk to at most this many pixels on the longer side before cleaning
SMALL = 64             # images smaller than this on the longer side are enlarged before cleaning
TINY = 20              # under this (MNIST's digit box), strokes and the gaps between them are a pixel or two wide
DIGIT_SIZE = 20        # longer side of the digit inside the 28×28 field, as in MNIST
FIELD = 28
CENTRE = 14.0          # where MNIST's centres of mass sit (mean over the built-in set: 13.99, 14.01)


class NotADigit(ValueError):
    """An image file that cannot be used: unreadable, or no ink found on it."""


def read_gray(path: Path, max_size: int = WORK_SIZE, darkest_channel: bool = False) -> torch.Tensor:
    """Decode any Pillow-readable image into a (H, W) float tensor in [0, 1], upright, at most `max_size` px.

    Handles EXIF rotation, palette and alpha (flattened onto white paper), and 16-bit grayscale. A colour pixel's
    grey is its luminance, or with `darkest_channel` its darkest colour channel: then ink of any colour (a blue
    ballpoint's) stands out from white paper as strongly as black does.
    """
    try:
        with Image.open(path) as image:
            # JPEG: decode at a reduced size, much faster for photos
            image.draft("RGB" if darkest_channel else "L", (max_size, max_size))
            image = ImageOps.exif_transpose(image)
            image.load()
    except Exception as error:  # Pillow raises many types for non-images and truncated files
        raise NotADigit(f"not a readable image ({type(error).__name__}: {error})") from None
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        array = np.asarray(image, dtype=np.float32)
        array = array / (65535.0 if array.max() > 255 else 255.0)
    else:
        if image.mode in ("P", "PA", "LA", "RGBA") or "transparency" in image.info:
            image = image.convert("RGBA")
            paper = Image.new("RGBA", image.size, "white")
            image = Image.alpha_composite(paper, image)
        if darkest_channel:
            array = np.asarray(image.convert("RGB"), dtype=np.float32).min(axis=2) / 255.0
        else:
            array = np.asarray(image.convert("L"), dtype=np.float32) / 255.0
    gray = torch.from_numpy(array.copy()).clamp(0, 1)
    scale = max_size / max(gray.shape)
    if scale < 1:
        size = [max(1, round(gray.shape[0] * scale)), max(1, round(gray.shape[1] * scale))]
        gray = resize(gray[None], size, antialias=True)[0]
    return gray


def otsu(gray: torch.Tensor, bins: int = 64) -> float:
    """Otsu's threshold: the grey level that best splits the image's histogram into two classes (ink, paper)."""
    hist = torch.histc(gray.flatten(), bins=bins, min=0, max=1).double()
    levels = (torch.arange(bins, dtype=torch.float64) + 0.5) / bins
    weight = hist.cumsum(0)
    mean = (hist * levels).cumsum(0)
    total, total_mean = weight[-1], mean[-1]
    between = (total_mean * weight - mean * total).square() / (weight * (total - weight)).clamp_min(1e-12)
    return levels[int(between[:-1].argmax())].item() + 0.5 / bins


def paper_is_light(gray: torch.Tensor, tiny: bool = False) -> bool | None:
    """Whether the paper is the light side of the image's two grey-level classes (Otsu).

    The paper is the class that holds at least 3/4 of the outer border. When the border is mixed, it may be a tight
    crop (the digit touches every edge, and a bold one may cover most of the image), where the ink is the class
    that hangs together as one stroke — a stroke running from edge to edge cuts the paper into pieces, the paper
    does not cut the ink — or a photo with a shadow across a corner, where the shadow joins the ink's class and
    breaks it up. So where connectivity contradicts the border's majority, the lighting is evened out and the
    border asked again; only if that leaves no clear answer (a tight crop has no lighting to even) does
    connectivity decide — except in a `tiny` scan (under TINY px), whose strokes and paper gaps, a pixel or two
    wide, meet at corners, so that connectivity misleads: there the answer is None.
    """
    light, share = split(gray)
    if abs(share - 0.5) >= 0.25:
        return share > 0.5
    dark_is_ink = hangs_together(light)
    if not contradicts(dark_is_ink, share):
        return share > 0.5
    light, share = split(rescaled(gray - quadratic_fit(gray, torch.ones_like(gray, dtype=torch.bool))))
    if abs(share - 0.5) >= 0.25 and not contradicts(hangs_together(light), share):
        return share > 0.5
    return None if tiny else dark_is_ink > 0


def split(gray: torch.Tensor) -> tuple[torch.Tensor, float]:
    """The image's light class (Otsu) as a bool mask, and the share of the outer border it holds."""
    light = gray > otsu(gray)
    b = max(1, min(gray.shape) // 20)
    border = torch.cat([light[:b].flatten(), light[-b:].flatten(), light[:, :b].flatten(), light[:, -b:].flatten()])
    return light, border.float().mean().item()


def hangs_together(light: torch.Tensor) -> float:
    """How much better the dark class hangs together as ink than the light class does (negative: the light class
    looks like the ink). Ink is counted 8-connected and paper 4-connected, so that a thin diagonal stroke still
    cuts the paper."""
    dark_is_ink = largest_share(~light, diagonal=True) - largest_share(light, diagonal=False)
    light_is_ink = largest_share(light, diagonal=True) - largest_share(~light, diagonal=False)
    return dark_is_ink - light_is_ink


def contradicts(dark_is_ink: float, share: float) -> bool:
    """Whether connectivity clearly (by 0.1 or more) picks as ink the class that holds most of the border."""
    return abs(dark_is_ink) >= 0.1 and (dark_is_ink > 0) != (share > 0.5)


def rescaled(x: torch.Tensor) -> torch.Tensor:
    """Stretched linearly to [0, 1] (the range `otsu` reads)."""
    return (x - x.min()) / (x.max() - x.min()).clamp_min(1e-6)


def largest_share(mask: torch.Tensor, diagonal: bool) -> float:
    """The share of a (H, W) bool mask's pixels that lie in its largest connected region."""
    sizes = torch.bincount(connected_components(mask, diagonal).flatten())[1:]
    sizes = sizes[sizes > 0]
    return (sizes.max() / sizes.sum()).item() if sizes.numel() else 0.0


def median3(x: torch.Tensor) -> torch.Tensor:
    """3×3 median filter of a (H, W) tensor (edges repeated outward): removes isolated noise pixels, keeps strokes."""
    return torch.from_numpy(ndimage.median_filter(x.numpy(), size=3, mode="nearest"))


def quadratic_fit(x: torch.Tensor, where: torch.Tensor) -> torch.Tensor:
    """The smooth (quadratic) surface that best fits (least squares) the (H, W) image's pixels in the mask `where`."""
    h, w = x.shape
    v, u = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing="ij")
    basis = torch.stack([torch.ones_like(u), u, v, u * u, u * v, v * v], dim=-1).view(-1, 6)
    coefficients = torch.linalg.lstsq(basis[where.flatten()], x.flatten()[where.flatten(), None]).solution
    return (basis @ coefficients).view(h, w)


def remove_lighting(x: torch.Tensor, paper: torch.Tensor) -> torch.Tensor:
    """Subtract a smooth background fitted to the `paper` pixels: evens out uneven lighting. When the paper is under
    half the image (a tight crop), a quadratic fitted to its scraps could bend into the ink, so the paper's median
    is subtracted instead."""
    if paper.float().mean() < 0.5:
        return x - x[paper].median() if paper.any() else x - x.min()
    return x - quadratic_fit(x, paper)


def away_from_ink(paper: torch.Tensor) -> torch.Tensor:
    """The paper pixels with no ink within a few pixels (1/32 of the image's longer side): the strokes' grey fringe,
    which a tight crop is largely made of, is left out of the paper's level and noise."""
    r = max(1, max(paper.shape) // 32)
    eroded = ndimage.minimum_filter(paper.numpy().astype(np.uint8), size=2 * r + 1, mode="constant", cval=1)
    return torch.from_numpy(eroded > 0)


def extract_ink(x: torch.Tensor) -> torch.Tensor:
    """Light-on-dark (H, W) image → ink strength in [0, 1] on an exactly black background.

    Paper and ink are told apart by Otsu's threshold, so a digit covering much of its image is not taken for paper.
    """
    paper = x <= otsu(x)
    residual = median3(remove_lighting(x, paper))
    clear = away_from_ink(paper)
    low = residual[clear] if clear.float().mean() >= 0.02 else residual[residual <= residual.quantile(0.05)]
    noise = 1.4826 * (low - low.median()).abs().median().item() + 1e-3
    span = residual.max().item() - low.median().item()
    # 5 noise widths above the paper, but never above half the ink's height: in a tight crop the "paper" is mostly
    # the strokes' grey fringe, whose spread is no noise
    threshold = low.median().item() + min(max(5 * noise, 0.15 * span), 0.5 * span)
    ink = residual[residual > threshold]
    if ink.numel() < 4 or residual.max().item() - low.median().item() < 0.08:
        raise NotADigit("no ink found (blank after preprocessing)")
    top = ink.quantile(0.9).item()
    return ((residual - threshold) / max(top - threshold, 1e-3)).clamp(0, 1)


def enlarged(gray: torch.Tensor) -> torch.Tensor:
    """A small scan enlarged (bilinear, whole factor) to at least SMALL px, so that 3×3 cleaning does not erase its
    strokes and a tiny binary digit's diagonal steps join up; larger images as they are."""
    if max(gray.shape) >= SMALL:
        return gray
    factor = -(-SMALL // max(gray.shape))
    return resize(gray[None], [gray.shape[0] * factor, gray.shape[1] * factor], antialias=False)[0].clamp(0, 1)


def centre_in_field(digit: torch.Tensor) -> torch.Tensor:
    """Place a digit (longer side DIGIT_SIZE) in the 28×28 field with its centre of mass at the centre."""
    h, w = digit.shape
    mass = digit.sum()
    cy = (digit.sum(1) * torch.arange(h)).sum() / mass
    cx = (digit.sum(0) * torch.arange(w)).sum() / mass
    top = int(min(max(round(CENTRE - cy.item()), 0), FIELD - h))
    left = int(min(max(round(CENTRE - cx.item()), 0), FIELD - w))
    field = torch.zeros(FIELD, FIELD)
    field[top : top + h, left : left + w] = digit
    return field


def connected_components(mask: torch.Tensor, diagonal: bool = True) -> torch.Tensor:
    """Label the 8-connected (`diagonal`) or 4-connected regions of a (H, W) bool mask: 0 outside, one positive id
    per region."""
    structure = np.ones((3, 3), dtype=bool) if diagonal else ndimage.generate_binary_structure(2, 1)
    ids, _ = ndimage.label(mask.numpy(), structure=structure)
    return torch.from_numpy(ids.astype(np.int64))


def drop_specks(ink: torch.Tensor, keep: float = 0.1, grid: int = 64) -> torch.Tensor:
    """Zero every connected blob of ink with less than `keep` times the ink of the largest blob.

    Blobs are found on a coarse copy of the mask (at most `grid` cells a side): fast, and pieces of one
    stroke that a faint pixel separates still count as one blob.
    """
    cell = max(1, -(-max(ink.shape) // grid))
    coarse = F.max_pool2d((ink > 0).float()[None, None], cell, cell, ceil_mode=True)[0, 0] > 0
    ids = connected_components(coarse).repeat_interleave(cell, 0).repeat_interleave(cell, 1)
    ids = ids[: ink.shape[0], : ink.shape[1]] * (ink > 0)
    mass = torch.zeros(int(ids.max()) + 1).index_add_(0, ids.flatten(), ink.flatten())
    mass[0] = 0
    return ink * (mass[ids] >= keep * mass.max())


def to_mnist(gray: torch.Tensor, invert: str = "auto", keep_28x28: bool = True) -> torch.Tensor:
    """A (H, W) grayscale image in [0, 1] → a (1, 28, 28) uint8 MNIST-like digit.

    `invert`: "auto" inverts when the paper is light (dark ink), "true"/"false" force it; where the image cannot
    tell (`paper_is_light` is None), both readings are prepared and the one the shipped digit network recognises
    more confidently is kept. An image that is already 28×28 is kept as it is (after inversion) when `keep_28x28`,
    so MNIST-format files round-trip.
    """
    light_paper = paper_is_light(enlarged(gray), max(gray.shape) < TINY) if invert == "auto" else invert == "true"
    if light_paper is None:
        readings = []
        for forced in ("true", "false"):
            with contextlib.suppress(NotADigit):
                readings.append(to_mnist(gray, forced, keep_28x28))
        if not readings:
            raise NotADigit("no ink found (blank after preprocessing)")
        return max(readings, key=confidence)
    if light_paper:
        gray = 1 - gray
    if keep_28x28 and gray.shape == (FIELD, FIELD):
        return (gray * 255).round().to(torch.uint8)[None]
    if max(gray.shape) < SMALL:  # a pixel of paper around a small scan: strokes that touch its edges end there
        gray = F.pad(gray, (1, 1, 1, 1), value=gray[gray <= otsu(gray)].median().item())
    ink = drop_specks(extract_ink(enlarged(gray)))
    rows, cols = (ink > 0).any(1).nonzero().flatten(), (ink > 0).any(0).nonzero().flatten()
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scale = DIGIT_SIZE / max(crop.shape)
    size = [max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))]
    digit = resize(crop[None], size, antialias=True)[0].clamp(0, 1)
    if digit.sum() == 0:
        raise NotADigit("no ink found (blank after preprocessing)")
    return (centre_in_field(digit) * 255).round().to(torch.uint8)[None]


@functools.lru_cache(maxsize=1)
def digit_features() -> DigitFeatures:
    """The shipped digit network (ganaug/assets/digit_features.pt), loaded once."""
    return DigitFeatures.load()


def confidence(digit: torch.Tensor) -> float:
    """How sure the shipped digit network is of its reading of a prepared (1, 28, 28) uint8 digit."""
    return digit_features().probabilities(digit[None].float() / 255).max().item()


def prepare_file(path: Path, invert: str = "auto", keep_28x28: bool = True) -> torch.Tensor:
    """Read and preprocess one image file; raises NotADigit with the reason when it cannot be used."""
    return to_mnist(read_gray(path), invert, keep_28x28)
