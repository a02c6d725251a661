"""A photographed sheet of digits in a grid becomes a folder of digits that trains with data=folder."""
import subprocess
import sys

import pytest
import torch

from ganaug.data import BuiltinDigits
from ganaug.errors import UserError
from ganaug.folder import FolderDigits
from ganaug.quality import DigitFeatures
from ganaug.sheets import cell_labels, cut_sheet
from ganaug.synthetic import sheet_photo


def digits_by_row() -> torch.Tensor:
    """100 held-out built-in digits, ten of each, row r holding the digit r."""
    dm = BuiltinDigits(n_per_class=1, test_per_class=10, seed=3)
    dm.setup()
    order = torch.argsort(dm.test_y, stable=True)
    return (dm.test_x[order] * 255).round().byte()


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled grid", "blank page"])
def test_a_photographed_sheet_is_cut_into_labelled_digits(tmp_path, ruled):
    photo = tmp_path / "sheet.jpg"
    sheet_photo(digits_by_row(), 10, 10, ruled, seed=2).save(photo, quality=85)  # turned, slanted, unevenly lit
    written, dropped = cut_sheet(photo, tmp_path / "digits", 10, 10, "0123456789")
    assert (written, dropped) == (100, 0) and (tmp_path / "digits" / "sheet_preview.png").exists()
    assert sorted(p.name for p in (tmp_path / "digits" / "7").glob("*.png"))[0] == "sheet_7_0.png"
    dm = FolderDigits(str(tmp_path / "digits"), n_per_class=None, test_fraction=0.5)
    dm.setup()
    x, y = torch.cat([dm.train_x, dm.test_x]), torch.cat([dm.train_y, dm.test_y])
    assert len(y) == 100 and dm.skipped == []
    assert (DigitFeatures.load().classify(x) == y).float().mean() >= 0.9


def test_empty_cells_are_dropped(tmp_path):
    digits = digits_by_row()
    digits[::7] = 0  # every seventh cell left blank
    photo = tmp_path / "sheet.png"
    sheet_photo(digits, 10, 10, ruled=True, seed=4).save(photo)
    written, dropped = cut_sheet(photo, tmp_path / "digits", 10, 10, "0123456789")
    assert (written, dropped) == (85, 15)


def test_labels_per_row_column_or_cell():
    assert cell_labels("ab", 2, 3) == [["a"] * 3, ["b"] * 3]
    assert cell_labels("xyz", 2, 3) == [["x", "y", "z"]] * 2
    assert cell_labels("abcdef", 2, 3) == [["a", "b", "c"], ["d", "e", "f"]]
    with pytest.raises(UserError, match=r"^labels='abcd' has 4 characters; give one per row \(2\), one per column \(3\)"):
        cell_labels("abcd", 2, 3)


@pytest.mark.parametrize(
    "args, message",
    [
        (["sheet=missing.jpg", "out=o", "rows=2", "cols=2", "labels=ab"], "sheet=missing.jpg: not a readable image"),
        (["sheet=notes.jpg", "out=o", "rows=2", "cols=2", "labels=ab"], "sheet=notes.jpg: not a readable image"),
        (["sheet=blank.png", "out=o", "rows=2", "cols=2", "labels=abc"], "labels='abc' has 3 characters"),
        (["sheet=blank.png", "out=o", "rows=2", "labels=ab"], "sheet=PHOTO needs cols=..."),
        (["sheet=blank.png", "out=o", "rows=2", "cols=2", "labels=ab"], "the sheet holds no ink"),
    ],
)
def test_bad_sheets_and_arguments_end_with_one_line(tmp_path, args, message):
    from PIL import Image

    (tmp_path / "notes.jpg").write_text("not an image")
    Image.new("L", (300, 200), 240).save(tmp_path / "blank.png")
    result = subprocess.run([sys.executable, "-m", "ganaug.prepare", *args, f"paths.root={tmp_path}"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ganaug.prepare: error: ") and message in lines[0], result.stderr
