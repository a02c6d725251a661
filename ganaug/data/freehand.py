"""Digits written freehand on a sheet, without a grid: each found as connected ink (strokes broken by the scan joined
by a closing), specks and ruled or printed lines dropped, grouped into rows that may drift and slant a little, and
ordered left to right in each row."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy import ndimage



@dataclass
class Box:
    """A digit's place on the sheet: rows top..bottom and columns left..right (end exclusive)."""

    top: int
    bottom: int
    left: int
    right: int

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


def ink_boxes(ink: np.ndarray) -> list[Box]:
    """The boxes of the connected pieces of a bool ink mask, after a closing that joins strokes a scan broke."""
    closed = ndimage.binary_closing(ink, structure=np.ones((3, 3), dtype=bool))
    labels, _ = ndimage.label(closed, structure=np.ones((3, 3), dtype=bool))
    return [Box(s[0].start, s[0].stop, s[1].start, s[1].stop) for s in ndimage.find_objects(labels) if s is not None]


def joined_pieces(boxes: list[Box], height: float) -> list[Box]:
    """Pieces of one digit joined: one above the other (overlapping in columns by half the narrower one), less than
    a quarter of a digit's height apart."""
    boxes = sorted(boxes, key=lambda b: b.top)
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(boxes):
            for j in range(i + 1, len(boxes)):
                b = boxes[j]
                overlap = min(a.right, b.right) - max(a.left, b.left)
                gap = max(a.top, b.top) - min(a.bottom, b.bottom)
                if overlap >= 0.5 * min(a.width, b.width) and gap < 0.25 * height and a.joined(b).height < 1.6 * height:
                    boxes[i] = a.joined(b)
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return boxes


MIN_HEIGHT = 0.005  # of the sheet's longer side: no piece of a digit is smaller (a speck is); small writing on an A4
# page stands about 1.4 % of it tall, a short digit or one a scan broke in two less than 1 %
INK_CONTRAST = 0.25  # ink is at least this much darker than the paper; show-through and smudges are fainter
STROKE_CONTRAST = 0.18  # the fainter rest of a stroke that is ink somewhere (a thin or pencil stroke): above
# show-through (about 0.12 darker than the paper) and the scan's noise on it


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


def find_digits(sheet: torch.Tensor, lines: torch.Tensor) -> list[Box]:
    """The digits on a straightened sheet (dark ink on light paper), without the pixels of `lines` (ruled lines):
    pieces much smaller than the median digit (specks, dots of show-through) or much larger (smudges) dropped."""
    ink = ink_mask(sheet, lines)
    boxes = [b for b in ink_boxes(ink) if b.height >= MIN_HEIGHT * max(sheet.shape)]
    if not boxes:
        return []
    big = sorted(b.height for b in boxes)[len(boxes) // 2:]  # the taller half: digits, not specks
    height = float(np.median(big))
    boxes = joined_pieces([b for b in boxes if b.height >= 0.25 * height], height)
    return [b for b in boxes if 0.45 * height <= b.height <= 2.5 * height and b.width <= 2.5 * height]


def rows_of(boxes: list[Box]) -> list[list[Box]]:
    """The digits grouped into rows (a new row where the centres jump down by more than half a digit's height), each
    ordered left to right; rows from top to bottom."""
    if not boxes:
        return []
    height = float(np.median([b.height for b in boxes]))
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.centre_y):
        if rows and box.centre_y - rows[-1][-1].centre_y <= 0.5 * height:
            rows[-1].append(box)
        else:
            rows.append([box])
    return [sorted(row, key=lambda b: b.left) for row in rows]


def split_touching(row: list[Box], cols: int, sheet: torch.Tensor) -> list[Box]:
    """A row one digit short, its widest piece split at its thinnest ink column (two digits that touch); the row as
    it is when that does not give `cols` digits."""
    if len(row) != cols - 1 or not row:
        return row
    widest = max(row, key=lambda b: b.width)
    if widest.width < 1.3 * float(np.median([b.height for b in row])):
        return row
    ink = sheet[widest.top : widest.bottom, widest.left : widest.right] < ink_level(sheet)
    middle = slice(int(0.3 * widest.width), int(0.7 * widest.width) + 1)
    cut = widest.left + middle.start + int(ink[:, middle].sum(0).argmin())
    halves = [Box(widest.top, widest.bottom, widest.left, cut), Box(widest.top, widest.bottom, cut, widest.right)]
    return sorted([b for b in row if b is not widest] + halves, key=lambda b: b.left)
