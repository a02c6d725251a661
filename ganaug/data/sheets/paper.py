"""Finding the paper in a photo of a sheet and straightening it: the page's edge against the table (darker, lighter
or textured; a shadow across page and table), a perspective warp from its four corners, the light evened, the
writing's area, and the ruled lines of a grid."""
from __future__ import annotations

import logging

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage
from torchvision.transforms.functional import perspective

from ganaug.data.preprocessing import otsu
from ganaug.utils.errors import UserError

log = logging.getLogger(__name__)

SHEET_SIZE = 1000  # the straightened sheet's longer side, in pixels
PAPER_GRID = 384   # the side of the coarse copy on which the paper is found
MIN_PAPER_CONTRAST = 0.1  # least log-brightness step between the paper and what surrounds it (10 %)
MIN_PAPER_EDGE = 0.08  # the gradient such a step gives on the coarse copy, all along the page's border
TABLE, PAPER = 1, 2  # the watershed's seeds


def paper_region(gray: torch.Tensor) -> tuple[np.ndarray, int] | None:
    """The paper on a copy of `gray` about PAPER_GRID pixels a side, and that copy's scale; None where no page edge
    is seen all round (a scan, or a page not wholly in the photo).

    A watershed on the gradient of the log brightness grows the table from the photo's edge and the paper from its
    centre until they meet at the strongest edge between them: the page's. The log makes a shadow or uneven light
    (which multiply both) leave that edge's strength alone, and neither side has to be the lighter one; a table's
    texture and the ink are weaker edges or enclosed by the paper."""
    scale = max(1, round(max(gray.shape) / PAPER_GRID))
    small = F.avg_pool2d(gray[None, None], scale)[0, 0].double().numpy()
    brightness = ndimage.gaussian_filter(np.log(np.clip(small, 0.02, 1)), 1.0)
    edges = np.hypot(ndimage.sobel(brightness, 0), ndimage.sobel(brightness, 1))
    h, w = edges.shape
    seeds = np.zeros((h, w), np.int16)
    seeds[[0, -1], :] = seeds[:, [0, -1]] = TABLE
    seeds[h // 2 - h // 20 : h // 2 + h // 20 + 1, w // 2 - w // 20 : w // 2 + w // 20 + 1] = PAPER
    paper = ndimage.watershed_ift((edges / max(edges.max(), 1e-9) * 65535).astype(np.uint16), seeds) == PAPER
    inside, outside = ndimage.binary_erosion(paper, iterations=3), ~ndimage.binary_dilation(paper, iterations=3)
    if not inside.any() or not outside.any():
        return None
    contrast = abs(np.median(brightness[inside]) - np.median(brightness[outside]))
    border = paper & ~ndimage.binary_erosion(paper)
    # where the photo cuts the page off, the two floods meet on flat paper: a stretch of border without an edge
    cut_off = (ndimage.maximum_filter(edges, 5)[border] < MIN_PAPER_EDGE).mean() > 0.1
    return None if contrast < MIN_PAPER_CONTRAST or cut_off else (paper, scale)


def sheet_corners(gray: torch.Tensor) -> list[list[int]] | None:
    """Top-left, top-right, bottom-right and bottom-left corners ([x, y]) of the paper; None where no page edge is
    seen all round."""
    found = paper_region(gray)
    if found is None:
        return None
    paper, scale = found
    ys, xs = np.nonzero(ndimage.binary_erosion(paper))  # a coarse pixel in: the watershed's line lies on the edge
    xs, ys = (xs + 0.5) * scale, (ys + 0.5) * scale
    corner = lambda score: [int(xs[score.argmax()]), int(ys[score.argmax()])]  # noqa: E731
    return [corner(-(xs + ys)), corner(xs - ys), corner(xs + ys), corner(ys - xs)]


def straighten(gray: torch.Tensor) -> torch.Tensor:
    """The sheet warped to an upright rectangle (dark ink on light paper), its longer side SHEET_SIZE; taken as it is,
    with a note, where the page's edges are not all in view."""
    corners = sheet_corners(gray)
    if corners is None:
        log.warning("note: no page edge found all round the writing (a scan, or a photo that cuts the page off); "
                    "the image is read as it is, not straightened")
        h, w = gray.shape
        corners = [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]
    tl, tr, br, bl = corners
    width = max(tr[0] - tl[0], br[0] - bl[0])
    height = max(bl[1] - tl[1], br[1] - tr[1])
    if width < 50 or height < 50:
        raise UserError("the sheet found is under 50 pixels a side; photograph the whole sheet, larger")
    scale = SHEET_SIZE / max(width, height)
    w, h = round(width * scale), round(height * scale)
    canvas = torch.nn.functional.pad(gray, (0, max(0, w - gray.shape[1]), 0, max(0, h - gray.shape[0])), value=1.0)
    warped = perspective(canvas[None], [tl, tr, br, bl], [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], fill=[1.0])
    return warped[0, :h, :w]


def writing_area(sheet: torch.Tensor) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the box around the sheet's ink, a sheet edge's width inside the paper."""
    margin = max(2, sheet.shape[1] // 100)
    inner = sheet[margin:-margin, margin:-margin]
    ink = inner < otsu(inner)
    rows, cols = ink.float().mean(1) > 0.002, ink.float().mean(0) > 0.002
    if not rows.any():
        raise UserError("the sheet holds no ink; is it the right photo?")
    r, c = rows.nonzero().flatten(), cols.nonzero().flatten()
    return int(r[0]) + margin, int(r[-1]) + margin + 1, int(c[0]) + margin, int(c[-1]) + margin + 1


def without_lines(ink: torch.Tensor) -> torch.Tensor:
    """A (H, W) ink mask without its ruled lines."""
    return ink & ~ruled_lines(ink)


def ruled_lines(ink: torch.Tensor) -> torch.Tensor:
    """The pixels of a (H, W) ink mask's ruled lines, a little widened: the straight runs of ink longer than a third
    of the area (a morphological opening with a line that long)."""
    h, w = ink.shape
    mask = ink.numpy()
    lines = np.zeros_like(mask)
    for run, across in (((1, w // 3 | 1), (5, 1)), ((h // 3 | 1, 1), (1, 5))):
        # thickened across first, so that a line still slightly tilted after straightening is one long run
        thick = ndimage.maximum_filter(mask, size=across, mode="constant")
        lines |= ndimage.maximum_filter(ndimage.minimum_filter(thick, size=run, mode="nearest"), size=run,
                                        mode="constant")
    return torch.from_numpy(ndimage.maximum_filter(lines, size=5, mode="constant"))


def is_ruled_grid(lines: torch.Tensor) -> bool:
    """Whether ruled lines form a grid (three or more across; a printed frame has two), not just a frame."""
    across = (lines.float().mean(1) > 0.3).tolist() + [False]
    return sum(1 for now, after in zip(across, across[1:]) if now and not after) >= 3


def even_light(sheet: torch.Tensor) -> torch.Tensor:
    """The sheet divided by the paper's brightness around each point, so that a shadow or uneven light leaves the
    paper evenly light: the paper's level is the median over a window of 5 % of the sheet (ink is too sparse to
    move it, a shadow's edge stays sharp), taken on a 4× smaller copy and smoothly enlarged."""
    small = F.avg_pool2d(sheet[None, None], 4)[0, 0].numpy()
    size = max(3, round(0.05 * max(small.shape)) | 1)
    paper = torch.from_numpy(ndimage.median_filter(small, size=size, mode="nearest"))
    paper = F.interpolate(paper[None, None], size=tuple(sheet.shape), mode="bilinear", align_corners=False)[0, 0]
    return (sheet / paper.clamp(min=0.05)).clamp(0, 1)
