"""Cutting a sheet into its digits: a ruled grid into rows × cols equal cells (each cell's inner part), a freehand
sheet into its digits' boxes (touching digits split), read the right way up; each as a `Cell` in reading order."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ganaug.data.preprocessing import NotADigit, otsu, read_gray, to_mnist
from ganaug.data.sheets.paper import (SHEET_SIZE, even_light, is_ruled_grid, ruled_lines, straighten, without_lines,
                                      writing_area)
from ganaug.data.sheets.rows import Box, find_digits, ink_level, rows_of, runs_down
from ganaug.models.digit_features import DigitFeatures
from ganaug.utils.errors import UserError

INNER = 0.12       # share of a cell cut away on each side (the ruled lines, neighbours' strokes)


@dataclass
class Cell:
    """One digit's place on a sheet: its row and position, its image (None for an empty grid cell), its box."""

    row: int
    col: int
    image: torch.Tensor | None
    box: Box


def ink_bands(profile: torch.Tensor) -> list[tuple[int, int]]:
    """The [start, end) runs where a projection of the writing holds ink, the specks' runs left out."""
    on = (profile > 0).tolist() + [False]
    runs, start = [], None
    for i, inked in enumerate(on):
        if inked and start is None:
            start = i
        elif not inked and start is not None:
            runs.append((start, i))
            start = None
    longest = max((end - begin for begin, end in runs), default=0)
    return [(begin, end) for begin, end in runs if end - begin >= 0.2 * longest]


def check_grid(area: torch.Tensor, rows: int, cols: int) -> None:
    """Raise a UserError when rows × cols does not fit the writing: a cell holding two rows (or columns) of digits,
    or a row (column) of digits cut in two by a cell's edge."""
    writing = without_lines(area < otsu(area))
    for key, name, count, profile in (("rows", "row", rows, writing.sum(1)), ("cols", "column", cols, writing.sum(0))):
        bands = ink_bands(profile)
        size = len(profile) / count
        cells = [int((begin + end) / 2 // size) for begin, end in bands]  # the cell holding each band's middle
        cut = any(max(cell * size - begin, end - (cell + 1) * size) > 0.15 * size  # reaching far into a neighbour
                  for (begin, end), cell in zip(bands, cells))
        shared = len(set(cells)) < len(cells)
        if cut or shared:
            why = "a cell's edge cuts through digits" if cut else f"a cell holds two {name}s of digits"
            raise UserError(f"{key}={count} does not fit the sheet ({why}): its digits stand in {len(bands)} {name}s; "
                            f"give {key}={len(bands)}")


def read_cells(photo: Path, rows: int | None, cols: int | None, layout: str = "auto",
               lengths: list[int] | None = None) -> tuple[torch.Tensor, list[Cell], list[str]]:
    """The straightened writing area of the sheet in `photo` (dark ink on light paper), each cell in reading order,
    and what does not match rows × cols, or the rows' `lengths` where they differ (one line per problem; none for a
    grid, whose misfit is an error).

    `layout`: "grid" cuts the writing area into rows × cols equal cells (a cell's part None where it holds no ink);
    "freehand" finds each digit and groups them into rows; "auto" takes the grid where the sheet has ruled lines
    across it, freehand otherwise. Without rows and cols, only a freehand sheet is read, as found."""
    try:
        gray = read_gray(photo, max_size=2 * SHEET_SIZE, darkest_channel=True)
    except NotADigit as error:
        raise UserError(f"sheet={photo}: {error}") from None
    sheet = straighten(gray)
    margin = max(2, sheet.shape[1] // 100)
    even = even_light(sheet[margin:-margin, margin:-margin])
    lines = ruled_lines(even < otsu(even))
    if layout == "grid" or (layout == "auto" and is_ruled_grid(lines)):
        if rows is None or cols is None:
            raise UserError(f"sheet={photo.name} is a ruled grid, cut into rows=R cols=C equal cells; give both "
                            "(rows of different lengths need a freehand sheet)")
        return grid_cells(sheet, rows, cols) + ([],)
    if lengths is None and rows is not None and cols is not None:
        lengths = [cols] * rows
    even, boxes = upright(even, lines, photo)
    return freehand_cells(even, boxes, rows if lengths is None else len(lengths), lengths)


def reading_confidence(sheet: torch.Tensor, boxes: list[Box], most: int = 30) -> float:
    """How confidently the shipped digit network reads the first `most` of a sheet's digits (mean top probability)."""
    if not boxes:
        return 0.0
    digits = torch.stack([to_mnist(sheet[b.top : b.bottom, b.left : b.right]).float() / 255 for b in boxes[:most]])
    return DigitFeatures.load().probabilities(digits).max(1).values.mean().item()


def upright(sheet: torch.Tensor, lines: torch.Tensor, photo: Path) -> tuple[torch.Tensor, list[Box]]:
    """The freehand sheet with its rows running across, and its digits (found once for each way it is read): a page
    whose digits line up in columns far more than in rows (a photo stored sideways without an EXIF orientation) is
    turned a quarter, the way the digit network reads more confidently, and one line says so."""
    boxes = find_digits(sheet, lines)
    if not runs_down(boxes):
        return sheet, boxes
    turned = {}
    for k in (1, 3):
        page = torch.rot90(sheet, k).contiguous()
        turned[k] = page, find_digits(page, torch.rot90(lines, k))
    best = max(turned, key=lambda k: reading_confidence(*turned[k]))
    print(f"note: the rows of {photo.name} run down the page; read turned a quarter "
          f"{'anticlockwise' if best == 1 else 'clockwise'}")
    return turned[best]


def grid_cells(sheet: torch.Tensor, rows: int, cols: int) -> tuple[torch.Tensor, list[Cell]]:
    """The box around the sheet's ink cut into rows × cols equal cells, each cell's inner part."""
    top, bottom, left, right = writing_area(sheet)
    area = sheet[top:bottom, left:right]
    check_grid(area, rows, cols)
    cell_h, cell_w = area.shape[0] / rows, area.shape[1] / cols
    cells = []
    for r in range(rows):
        for c in range(cols):
            y0, x0 = r * cell_h, c * cell_w
            cell = area[round(y0 + INNER * cell_h) : round(y0 + (1 - INNER) * cell_h),
                        round(x0 + INNER * cell_w) : round(x0 + (1 - INNER) * cell_w)]
            inked = (1 - cell).max() - (1 - cell).median() >= 0.25  # something darker than the paper
            box = Box(round(y0), round(y0 + cell_h), round(x0), round(x0 + cell_w))
            cells.append(Cell(r, c, (cell * 255).round() / 255 if inked else None, box))  # as a PNG would keep it
    return area, cells


def freehand_cells(sheet: torch.Tensor, boxes: list[Box], rows: int | None,
                   lengths: list[int] | None) -> tuple[torch.Tensor, list[Cell], list[str]]:
    """The sheet's digits (`boxes`, written freehand), in `rows` rows (found as they are where not given) read top to
    bottom and left to right, and the rows whose count differs from their expected `lengths` (none checked where they
    are not given)."""
    found = rows_of(boxes, rows)
    expected = lengths if lengths is not None and len(lengths) == len(found) else [None] * len(found)
    found = [split_touching(row, sheet, n) for row, n in zip(found, expected)]
    if not found:
        raise UserError("the sheet holds no digits (only faint marks or specks); is it the right photo?")
    problems = [] if rows in (None, len(found)) else [f"found {len(found)} rows of digits, expected rows={rows}"]
    for r, (row, n) in enumerate(zip(found, expected)):
        if n is not None and len(row) != n:
            why = "two may touch" if len(row) < n else "a mark may be taken for a digit, or two rows run together"
            problems.append(f"row {r + 1}: {len(row)} digits, expected {n} ({why})")
    pad = int(0.15 * np.median([b.height for row in found for b in row]))
    cells = []
    for r, row in enumerate(found):
        for c, b in enumerate(row):
            part = sheet[max(0, b.top - pad) : b.bottom + pad, max(0, b.left - pad) : b.right + pad]
            cells.append(Cell(r, c, (part * 255).round() / 255, b))
    return sheet, cells, problems


def cut_columns(box: Box, pieces: int, sheet: torch.Tensor) -> list[Box]:
    """`box` cut into `pieces` side by side, each cut at the thinnest ink column near where an even cut would fall."""
    ink = sheet[box.top : box.bottom, box.left : box.right] < ink_level(sheet)
    step = box.width / pieces
    cuts = [box.left]
    for k in range(1, pieces):
        low, high = int((k - 0.3) * step), int((k + 0.3) * step) + 1
        cuts.append(box.left + low + int(ink[:, low:high].sum(0).argmin()))
    cuts.append(box.right)
    return [Box(box.top, box.bottom, a, b) for a, b in zip(cuts, cuts[1:])]


def split_touching(row: list[Box], sheet: torch.Tensor, expected: int | None = None) -> list[Box]:
    """Touching digits in a row split apart: with `expected` digits known (rows × cols, or the row's label), the
    widest pieces are split until the row holds that many; otherwise each piece much wider than its row's digits
    (1.6 × their height) is split into the number of digits its width suggests. A row that cannot be made to fit
    stays as it is, for the caller to report."""
    if not row:
        return row
    height = float(np.median([b.height for b in row]))
    usual = [b.width for b in row if 0.5 * height <= b.width < 1.3 * height]
    typical = float(np.median(usual)) if usual else 0.8 * height
    if expected is None:
        split = [part for b in row for part in
                 (cut_columns(b, max(2, round(b.width / typical)), sheet) if b.width >= 1.6 * height else [b])]
        return sorted(split, key=lambda b: b.left)
    wide = [b for b in row if b.width >= 1.3 * height]  # wider than one digit stands: two or more that touch
    if not wide or len(row) >= expected:
        return row
    pieces = {id(b): 1 for b in wide}
    for _ in range(expected - len(row)):  # one more piece to the wide box that is widest per piece
        widest = max(wide, key=lambda b: b.width / pieces[id(b)])
        if widest.width / (pieces[id(widest)] + 1) < 0.45 * typical:
            return row
        pieces[id(widest)] += 1
    return sorted((part for b in row for part in cut_columns(b, pieces.get(id(b), 1), sheet)), key=lambda b: b.left)
