"""What `ganaug.predict` reads: image files, folders searched recursively (a class-folder tree gives each image its
true class), and the cells of a sheet of digits."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from ganaug.data.folder import shown, visible
from ganaug.data.preprocessing import NotADigit, to_mnist
from ganaug.data.sheets import Cell, read_cells


@dataclass
class Item:
    """One image to read: its name in the tables, its file (or its prepared digit and row, for a sheet's cell), and
    its true class when it sits in a class-folder tree."""

    name: str
    path: Path | None = None
    digit: torch.Tensor | None = None
    label: int | None = None
    cell: tuple[int, int] | None = None  # (row, position) on a sheet


def class_folders(root: Path, class_names: list[str]) -> list[Path] | None:
    """The class folders of a tree ROOT/<class>/ or ROOT/test/<class>/ whose folder names are all the model's
    classes; None when `root` is not such a tree."""
    base = root / "test" if (root / "test").is_dir() else root
    folders = sorted(d for d in base.iterdir() if d.is_dir() and visible(d))
    return folders if folders and all(d.name in class_names for d in folders) else None


def files_under(directory: Path) -> list[Path]:
    """Every visible file below `directory`, sorted."""
    return sorted(f for f in directory.rglob("*") if f.is_file() and all(p[0] != "." for p in f.relative_to(directory).parts))


def folder_items(root: Path, class_names: list[str]) -> list[Item]:
    """The images below `root`, labelled by their class folder when `root` is a class-folder tree."""
    folders = class_folders(root, class_names)
    if folders is None:
        return [Item(shown(f), f) for f in files_under(root)]
    return [Item(shown(f), f, label=class_names.index(d.name)) for d in folders for f in files_under(d)]


def sheet_items(photo: Path, rows: int | None, cols: int | None,
                preprocessing: dict) -> tuple[list[Item], list[str], tuple[torch.Tensor, list[Cell]]]:
    """The digits of a sheet as prepared digits named `PHOTO r<row> c<position>`, what could not be read (cells that
    hold no digit, and where the sheet does not match rows × cols; a freehand sheet without them is read as found),
    and the straightened sheet with its cells, for a preview."""
    area, cells, problems = read_cells(photo, rows, cols)
    items, skipped = [], [f"{shown(photo)}: {problem}" for problem in problems]
    for cell in cells:
        name = f"{shown(photo)} r{cell.row} c{cell.col}"
        if cell.image is None:
            continue  # an empty grid cell: nothing was written there
        try:
            items.append(Item(name, digit=to_mnist(cell.image, **preprocessing).float() / 255, cell=(cell.row, cell.col)))
        except NotADigit as error:
            skipped.append(f"{name}: {error}")
    return items, skipped, (area, cells)
