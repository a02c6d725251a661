"""A photographed or scanned sheet of handwritten digits → one image file per digit.

The paper is found by its edge (the table darker, lighter or textured; a shadow across page and table) and
straightened by a perspective warp from its four corners. A ruled grid is cut into rows × cols equal cells (each
cell's inner part, without the ruled lines at its edges; empty cells dropped); on a freehand sheet each digit is
found as connected ink and the digits are grouped into rows (freehand.py). Each digit is written as a PNG under its
label's folder.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
import yaml
from omegaconf import DictConfig
from PIL import Image, ImageDraw
from scipy import ndimage
from torchvision.transforms.functional import perspective, to_pil_image

from ganaug.data.freehand import Box, find_digits, rows_of, runs_down, split_touching
from ganaug.data.preprocessing import NotADigit, otsu, read_gray, to_mnist
from ganaug.models.digit_features import DigitFeatures
from ganaug.utils.errors import UserError, exit_on_user_error
from ganaug.utils.files import safe_name

log = logging.getLogger(__name__)

SHEET_SIZE = 1000  # the straightened sheet's longer side, in pixels
PAPER_GRID = 384   # the side of the coarse copy on which the paper is found
MIN_PAPER_CONTRAST = 0.1  # least log-brightness step between the paper and what surrounds it (10 %)
MIN_PAPER_EDGE = 0.08  # the gradient such a step gives on the coarse copy, all along the page's border
TABLE, PAPER = 1, 2  # the watershed's seeds
INNER = 0.12       # share of a cell cut away on each side (the ruled lines, neighbours' strokes)


@dataclass
class Cell:
    """One digit's place on a sheet: its row and position, its image (None for an empty grid cell), its box."""

    row: int
    col: int
    image: torch.Tensor | None
    box: Box


def cell_labels(labels: str, rows: int | None, cols: int | None) -> list[list[str]]:
    """The label of every cell from `labels`: one character per row, one per column, or one per cell (row by row);
    or each row's own digits, rows separated by `/` (`1247673/8952481`: a number a row, rows of any length)."""
    for label in labels.replace("/", ""):  # each names the folder its digits are written to
        safe_name(label, "labels= holds the label")
    if "/" in labels:
        per_row = labels.split("/")
        if "" in per_row:
            raise UserError(f"labels={labels!r} has an empty row; give each row's digits between the '/'")
        if rows is not None and rows != len(per_row):
            raise UserError(f"labels={labels!r} gives {len(per_row)} rows, rows={rows}; leave rows= out or make them agree")
        if cols is not None and any(len(row) != cols for row in per_row):
            raise UserError(f"labels={labels!r} has rows of other lengths than cols={cols}; leave cols= out")
        return [list(row) for row in per_row]
    if rows is None or cols is None:
        raise UserError(f"labels={labels!r} needs rows=R cols=C, or each row's digits separated by '/'")
    if len(labels) == rows:
        return [[label] * cols for label in labels]
    if len(labels) == cols:
        return [list(labels) for _ in range(rows)]
    if len(labels) == rows * cols:
        return [list(labels[r * cols : (r + 1) * cols]) for r in range(rows)]
    raise UserError(
        f"labels={labels!r} has {len(labels)} characters; give one per row ({rows}), one per column ({cols}) "
        f"or one per cell ({rows * cols})"
    )


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


def even_light(sheet: torch.Tensor) -> torch.Tensor:
    """The sheet divided by the paper's brightness around each point, so that a shadow or uneven light leaves the
    paper evenly light: the paper's level is the median over a window of 5 % of the sheet (ink is too sparse to
    move it, a shadow's edge stays sharp), taken on a 4× smaller copy and smoothly enlarged."""
    small = F.avg_pool2d(sheet[None, None], 4)[0, 0].numpy()
    size = max(3, round(0.05 * max(small.shape)) | 1)
    paper = torch.from_numpy(ndimage.median_filter(small, size=size, mode="nearest"))
    paper = F.interpolate(paper[None, None], size=tuple(sheet.shape), mode="bilinear", align_corners=False)[0, 0]
    return (sheet / paper.clamp(min=0.05)).clamp(0, 1)


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


def cut_sheet(photo: Path, out: Path, rows: int | None, cols: int | None, labels: str | None,
              layout: str = "auto") -> tuple[int, int]:
    """Write each digit of the sheet in `photo` as OUT/<label>/<sheet>_<row>_<position>.png, and OUT/<sheet>_preview.png
    (the sheet with each digit's box, row and label); returns (digits written, empty cells dropped). Where the sheet
    does not match rows × cols, each problem is printed, nothing is written but the preview, and a UserError says so.
    Without rows, cols or labels, nothing is written but the preview, and a UserError says what was found."""
    given = labels is not None and ("/" in labels or None not in (rows, cols))
    names = cell_labels(labels, rows, cols) if given else None
    lengths = [len(row) for row in names] if given else None
    if given:
        rows, cols = len(names), (lengths[0] if len(set(lengths)) == 1 else None)
    area, cells, problems = read_cells(photo, rows, cols, layout, lengths)
    preview_path = out / f"{photo.stem}_preview.png"
    bad_rows = {int(p.split()[1].rstrip(":")) - 1 for p in problems if p.startswith("row ")}
    marks = {(cell.row, cell.col): ("?" if problems or not given else names[cell.row][cell.col],
                                    bool(problems) and (cell.row in bad_rows or cell.row >= rows)) for cell in cells}
    out.mkdir(parents=True, exist_ok=True)
    preview(area, cells, marks).save(preview_path)
    if problems:
        print(*problems, sep="\n")
        shape = f"rows={rows} cols={cols}" if cols is not None or not given else f"labels={labels!r}"
        raise UserError(f"the sheet does not match {shape} ({len(problems)} problem(s) above); "
                        f"nothing was written; see {preview_path}")
    if not given:
        raise UserError(found_digits(cells, preview_path))
    for cell in cells:
        if cell.image is not None:
            target = out / names[cell.row][cell.col] / f"{photo.stem}_{cell.row}_{cell.col}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray((cell.image * 255).round().byte().numpy()).save(target)
    written = sum(cell.image is not None for cell in cells)
    return written, len(cells) - written


def preview(area: torch.Tensor, cells: list[Cell], marks: dict[tuple[int, int], tuple[str, bool]]) -> Image.Image:
    """The sheet with each digit's box (red where `marks` flags it, blue otherwise) and `row:label` beside it, and
    each row's line in green, so the grouping shows; `marks` maps (row, position) to (label, flagged)."""
    image = to_pil_image(area).convert("RGB")
    draw = ImageDraw.Draw(image)
    for cell in cells:
        b = cell.box
        label, flagged = marks.get((cell.row, cell.col), ("", False))
        draw.rectangle([b.left, b.top, b.right, b.bottom], outline="red" if flagged else "blue")
        if cell.image is not None:
            draw.text((b.left + 3, b.top + 2), f"{cell.row + 1}:{label}", fill="red")
    for r in sorted({cell.row for cell in cells}):
        row = [cell.box for cell in cells if cell.row == r]
        if len(row) > 1:
            first, last = min(row, key=lambda b: b.left), max(row, key=lambda b: b.right)
            draw.line([((first.left + first.right) / 2, first.centre_y), ((last.left + last.right) / 2, last.centre_y)],
                      fill="green", width=2)
    return image


def found_digits(cells: list[Cell], preview_path: Path) -> str:
    """What a sheet read without rows, cols and labels holds, and what to give to cut it."""
    per_row = np.bincount([cell.row for cell in cells])
    cols = int(np.bincount(per_row).argmax())  # the commonest row length
    return (f"found {len(per_row)} rows of digits ({' '.join(map(str, per_row))} digits); nothing was written; see "
            f"{preview_path}, then give labels=... (one character per row) with rows={len(per_row)} cols={cols}")


SHEET_KEYS = ("out", "rows", "cols", "labels")
HINTS = {"out": "out=DIR", "rows": "rows=R", "cols": "cols=C", "labels": "labels=..."}


def sheet_settings(cfg: DictConfig | dict, required: tuple[str, ...] = SHEET_KEYS) -> dict:
    """out, rows, cols and labels for cutting `cfg.sheet`: the command line's, else those in a YAML file beside the
    photo (PHOTO.yaml, e.g. `rows: 10`, `cols: 10`, `labels: "0123456789"`); those `required` must be given.

    The YAML came with the photo, maybe from someone else: it is read as plain data (no interpolation, no resolvers,
    no tags), only the known keys, and an `out` in it must be a folder below the working directory.
    """
    settings = {}
    beside = Path(cfg["sheet"]).with_suffix(".yaml")
    if beside.is_file():
        try:
            settings = yaml.safe_load(beside.read_text()) or {}
        except Exception as error:  # the YAML parser's many error types, an undecodable file
            raise UserError(f"{beside}: not readable YAML ({type(error).__name__}); write lines like 'rows: 10'") from None
        unknown = sorted(set(settings) - set(SHEET_KEYS)) if isinstance(settings, dict) else ["(not a mapping)"]
        if unknown:
            raise UserError(f"{beside}: {', '.join(map(str, unknown))} is not a sheet setting; use {', '.join(SHEET_KEYS)}")
        for key, value in settings.items():
            if isinstance(value, str) and "${" in value:
                raise UserError(f"{beside}: {key}: {value!r} is an interpolation; a sheet's YAML holds plain values only")
        if "labels" in settings and not isinstance(settings["labels"], str):
            raise UserError(f"{beside}: labels must be text in quotes, e.g. labels: \"0123456789\"")
        out = settings.get("out")
        if out is not None and (not isinstance(out, str) or Path(out).is_absolute() or ".." in Path(out).parts):
            raise UserError(f"{beside}: out: {out!r} leaves the working directory; give out=DIR on the command line")
    settings.update({key: cfg.get(key) for key in SHEET_KEYS if cfg.get(key) is not None})
    missing = [key for key in required if settings.get(key) is None]
    if missing:
        raise UserError(f"sheet=PHOTO needs {' '.join(f'{k}=...' for k in missing)} ({' '.join(HINTS[k] for k in required)}, "
                        f"on the command line or in {beside.name})")
    for key in ("rows", "cols"):
        value = settings.get(key)
        if value is not None and not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
            raise UserError(f"{key}={value}: use a whole number >= 1")
    return settings


def cut(cfg: DictConfig) -> None:
    """Cut the photographed sheet `cfg.sheet` into a folder of digits."""
    with exit_on_user_error("ganaug.prepare"):
        settings = sheet_settings(cfg, required=("out",))
        out = Path(settings["out"])
        labels = settings.get("labels")
        written, dropped = cut_sheet(Path(cfg.sheet), out, settings.get("rows"), settings.get("cols"),
                                     None if labels is None else str(labels), cfg.get("layout", "auto"))
    print(f"wrote {written} digits to {out}/<label>/ ({dropped} empty cells dropped); "
          f"check {out / (Path(cfg.sheet).stem + '_preview.png')}, then train with data=folder data.root={out}")
