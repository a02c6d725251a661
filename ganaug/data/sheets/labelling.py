"""Labelling a cut sheet and writing it out: each cell's label from `labels=` (per row, column, cell, or each row's
own digits), the settings from the command line or a YAML beside the photo (untrusted: plain values only), the
digits written under their labels' folders, and the preview that shows the boxes, rows and labels."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import yaml
from omegaconf import DictConfig
from PIL import Image, ImageDraw
from torchvision.transforms.functional import to_pil_image

from ganaug.data.sheets.cutting import Cell, read_cells
from ganaug.utils.errors import UserError, exit_on_user_error
from ganaug.utils.files import safe_name


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
