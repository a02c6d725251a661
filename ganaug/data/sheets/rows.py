"""Finding a freehand sheet's digits and their rows: each digit as connected ink (strokes broken by the scan joined
by a closing; the pieces of one digit written in strokes that do not touch joined), specks, ruled or printed lines
and whatever touches the sheet's edge dropped, small digits kept, grouped into rows along the writing's own slope
(up to ±10°) and ordered left to right."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy import ndimage


@dataclass
class Box:
    """A digit's place on the sheet: rows top..bottom and columns left..right (end exclusive); `loop`: its ink is a
    closed or nearly closed stroke (a small 0 is one, a speck, a dot or a lone bar is not)."""

    top: int
    bottom: int
    left: int
    right: int
    loop: bool = False

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def centre_y(self) -> float:
        return (self.top + self.bottom) / 2

    def joined(self, other: "Box") -> "Box":
        return Box(min(self.top, other.top), max(self.bottom, other.bottom), min(self.left, other.left),
                   max(self.right, other.right))


MIN_HEIGHT = 0.005  # of the sheet's longer side: no piece of a digit is smaller (a speck is); small writing on an A4
# page stands about 1.4 % of it tall, a short digit or one a scan broke in two less than 1 %
INK_CONTRAST = 0.25  # ink is at least this much darker than the paper; show-through and smudges are fainter
STROKE_CONTRAST = 0.18  # the fainter rest of a stroke that is ink somewhere (a thin or pencil stroke): above
# show-through (about 0.12 darker than the paper) and the scan's noise on it
SMALL = 0.3  # a piece this share of the digits' height, or more, may be a small digit (a 0 or 1 written half size)
MAX_SLOPE = 10.0  # degrees: the steepest rows looked for


BORDER = 0.015  # of the sheet's longer side: ink this near the edge is the table or the paper's edge, never a digit


def ink_boxes(ink: np.ndarray) -> list[Box]:
    """The boxes of the connected pieces of a bool ink mask, after a closing that joins strokes a scan broke, each
    marked whether its ink closes (or nearly closes) around a hole."""
    closed = ndimage.binary_closing(ink, structure=np.ones((3, 3), dtype=bool))
    labels, _ = ndimage.label(closed, structure=np.ones((3, 3), dtype=bool))
    return [Box(s[0].start, s[0].stop, s[1].start, s[1].stop, encloses(labels[s] == i + 1))
            for i, s in enumerate(ndimage.find_objects(labels)) if s is not None]


def encloses(piece: np.ndarray) -> bool:
    """Whether a piece's ink closes around a hole of a twenty-fifth of its box or more, as it is or once gaps of a
    fifth of its size in the stroke are bridged (a 0 written with its ends not quite meeting)."""
    h, w = piece.shape
    if min(h, w) < 4:
        return False
    k = max(3, min(h, w) // 5)
    bridged = ndimage.binary_closing(np.pad(piece, k), structure=np.ones((k, k), dtype=bool))[k:-k, k:-k]
    return any((ndimage.binary_fill_holes(ink) & ~ink).sum() >= 0.04 * h * w for ink in (piece, bridged))


def stacked(a: Box, b: Box, height: float) -> bool:
    """Whether two pieces, one above the other (overlapping in columns by half the narrower one), are one digit: less
    than a quarter of a digit's height apart and together no taller than 1.6 digits; or, where every digit may be in
    two pieces (so `height` is a piece's), a piece at most 0.7 of the other's height, less than 0.3 of it apart,
    joined into a box of a digit's shape (at most 2.2 times as tall as wide)."""
    overlap = min(a.right, b.right) - max(a.left, b.left)
    if overlap < 0.5 * min(a.width, b.width):
        return False
    gap, joined = max(a.top, b.top) - min(a.bottom, b.bottom), a.joined(b)
    if gap < 0.25 * height and joined.height < 1.6 * height:
        return True
    small, large = sorted((a.height, b.height))
    return small <= 0.7 * large and gap < 0.3 * large and joined.height <= 2.2 * joined.width


def joined_pieces(boxes: list[Box], height: float) -> list[Box]:
    """Pieces of one digit joined where they are `stacked`."""
    boxes = sorted(boxes, key=lambda b: b.top)
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(boxes):
            for j in range(i + 1, len(boxes)):
                b = boxes[j]
                if stacked(a, b, height):
                    boxes[i] = a.joined(b)
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return boxes


def ink_level(sheet: torch.Tensor) -> float:
    """The grey level under which a pixel is ink: INK_CONTRAST darker than the paper (the sheet's median), which
    keeps faint pencil strokes whole and leaves show-through out."""
    return sheet.median().item() - INK_CONTRAST


def ink_mask(sheet: torch.Tensor, lines: torch.Tensor) -> np.ndarray:
    """The ink of a straightened sheet without the pixels of `lines`: strokes darker than the paper by
    STROKE_CONTRAST that somewhere reach INK_CONTRAST (hysteresis), so a faint stroke stays whole and show-through,
    which never reaches it, stays out."""
    stroke = ((sheet < sheet.median().item() - STROKE_CONTRAST) & ~lines).numpy()
    pieces, _ = ndimage.label(stroke, structure=np.ones((3, 3), dtype=bool))
    inked = np.unique(pieces[(sheet < ink_level(sheet)).numpy() & stroke])
    return np.isin(pieces, inked[inked > 0])


def touches_border(box: Box, shape: tuple[int, int]) -> bool:
    """Whether a box reaches the band along the sheet's edge (a strip of table, the paper's edge beside it; evening
    the light can leave such a strip's outermost pixels light, so the band is a little wider than one pixel)."""
    band = max(2, round(BORDER * max(shape)))
    return box.top <= band or box.left <= band or box.bottom >= shape[0] - band or box.right >= shape[1] - band


def find_digits(sheet: torch.Tensor, lines: torch.Tensor) -> list[Box]:
    """The digits, and the small pieces that may be digits or parts of one, on a straightened sheet (dark ink on light
    paper), without the pixels of `lines` (ruled lines): pieces touching the sheet's edge, much smaller than the
    median digit in both directions (specks, dots) or much larger (smudges) dropped, pieces one above the other
    joined; a small piece is kept only where it sits in a row, as part of a digit or as a small digit (`rows_of`)."""
    ink = ink_mask(sheet, lines)
    least = MIN_HEIGHT * max(sheet.shape)
    boxes = [b for b in ink_boxes(ink)
             if (b.height >= least or b.width >= 2.5 * least) and not touches_border(b, ink.shape)]
    tall = [b.height for b in boxes if b.height >= least]
    if not tall:
        return []
    height = float(np.median(sorted(tall)[len(tall) // 2:]))  # the taller half: digits, not specks
    strokes = [b for b in boxes if b.height >= 0.25 * height or (b.width >= 0.3 * height and b.height >= least / 2)]
    boxes = joined_pieces(strokes, height)
    return [b for b in boxes if b.height <= 2.5 * height and b.width <= 2.5 * height]


def row_slope(boxes: list[Box], height: float) -> tuple[float, float]:
    """The rows' common slope (rows rising or falling to the right, dy/dx) within ±MAX_SLOPE, and how tightly they
    bunch there: the angle at which the digits' centres, projected across it, bunch most tightly (the projection
    profile's sum of squares, in bins of a quarter digit height), as a page's skew is found from its text lines."""
    cy, cx = np.array([b.centre_y for b in boxes]), np.array([(b.left + b.right) / 2 for b in boxes])
    best, best_score = 0.0, -1.0
    for angle in np.arange(-MAX_SLOPE, MAX_SLOPE + 1e-9, 0.25):
        across = cy - np.tan(np.radians(angle)) * cx
        counts = np.bincount(((across - across.min()) / (0.25 * height)).astype(int))
        score = float((counts.astype(float) ** 2).sum())
        if score > best_score + 1e-9 or (abs(score - best_score) <= 1e-9 and abs(angle) < abs(best)):
            best, best_score = float(angle), score
    return float(np.tan(np.radians(best))), best_score


def runs_down(boxes: list[Box]) -> bool:
    """Whether the digits line up in columns far more (1.5 times) than in rows: a page turned a quarter."""
    if len(boxes) < 6:
        return False
    height = float(np.median(sorted(b.height for b in boxes)[len(boxes) // 2:]))
    turned = [Box(b.left, b.right, b.top, b.bottom) for b in boxes]
    return row_slope(turned, height)[1] > 1.5 * row_slope(boxes, height)[1]


def rows_of(boxes: list[Box], rows: int | None = None) -> list[list[Box]]:
    """The digits grouped into rows along the writing's own direction, each ordered left to right, rows top to bottom.

    The rows' common slope is found from the digits of full height (`row_slope`; half-size ones sit on the baseline
    and would tilt it); each digit's place across that direction groups them: a new row where it jumps by more than
    half a digit's height, or, with `rows` given, at the `rows`-1 widest jumps. A small piece joins the row it sits
    in (within half a digit's height of where the row runs beside it, judged by its nearest digits) and there
    `part_of` a digit where it is one (a dot, a lifted bar or flag); else it stays as a small digit if it may be one
    (SMALL of the digits' height, or a closed stroke: a small 0), and is dropped otherwise, as is a piece in no row.
    """
    if not boxes:
        return []
    height = float(np.median(sorted(b.height for b in boxes)[len(boxes) // 2:]))
    full = [b for b in boxes if b.height >= 0.45 * height]
    tall = [b for b in full if b.height >= 0.75 * height]
    slope, _ = row_slope(tall if len(tall) >= 3 else full, height)

    def across(box: Box) -> float:
        return box.centre_y - slope * (box.left + box.right) / 2

    ordered = sorted(full, key=across)
    jumps = np.diff([across(b) for b in ordered])
    if rows is not None and 1 <= rows <= len(ordered):
        cuts = sorted(np.argsort(jumps)[::-1][: rows - 1] + 1)
    else:
        cuts = [i + 1 for i, jump in enumerate(jumps) if jump > 0.5 * height]
    found = [ordered[a:b] for a, b in zip([0, *cuts], [*cuts, len(ordered)])]

    def off_line(row: list[Box], piece: Box) -> float:
        """How far `piece` sits from where the row runs beside it, judged by its three nearest digits (a bowed row is
        not straight): by their middles, or by their baseline (a small digit stands on it)."""
        nearest = sorted(row, key=lambda b: abs(b.left + b.right - piece.left - piece.right))[:3]
        middle = abs(across(piece) - float(np.median([across(b) for b in nearest])))
        base = abs(piece.bottom - float(np.median([b.bottom + slope * (piece.left - b.left) for b in nearest])))
        return min(middle, base)

    for piece in sorted((b for b in boxes if b.height < 0.45 * height), key=lambda b: -b.height * b.width):
        distance, r = min((off_line(row, piece), r) for r, row in enumerate(found))
        if distance > 0.5 * height:
            continue  # a mark between rows or in a margin
        host = part_of(piece, found[r], height)
        if host is not None:
            found[r][found[r].index(host)] = host.joined(piece)
        elif piece.height >= SMALL * height or (piece.loop and piece.height >= 0.2 * height):
            found[r].append(piece)
    return [sorted(row, key=lambda b: b.left) for row in found]


def part_of(piece: Box, row: list[Box], height: float) -> Box | None:
    """The digit of `row` that a small `piece` belongs to, if any: one whose columns it shares (a dot above or inside
    it), or, for a piece that is no small 0, one it overlaps or nearly touches along the row (a gap under a quarter
    of the row's usual gap between digits) whose box with it stays digit-like (no wider than the row's digits
    usually are, by a quarter, and under 1.5 digit heights tall): a 2's lifted bottom bar, a 5's detached flag."""
    within = [b for b in row if min(b.right, piece.right) - max(b.left, piece.left) > 0.5 * piece.width]
    if within:
        return within[0]
    if piece.loop or not row:
        return None
    ordered = sorted(row, key=lambda b: b.left)
    gaps = [b.left - a.right for a, b in zip(ordered, ordered[1:]) if b.left > a.right]
    usual_gap = float(np.median(gaps)) if gaps else 0.3 * height
    usual_width = float(np.median([b.width for b in row]))

    def gap(b: Box) -> int:
        return max(b.left, piece.left) - min(b.right, piece.right)  # negative where they overlap in columns

    near = [b for b in row if gap(b) < 0.25 * usual_gap and b.joined(piece).width <= 1.25 * max(usual_width, b.width)
            and b.joined(piece).height < 1.5 * height]
    return min(near, key=gap) if near else None
