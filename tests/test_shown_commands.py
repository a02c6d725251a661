"""The commands the README and the guides show stay true: every `python -m ganaug.X ...` line in their bash blocks
names settings that exist with values allowed (fast, every line), and each document's lines run, in order, in one
folder holding what its reader would have, with short settings appended (slow: `python -m pytest -m slow`)."""
import glob
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from rendering import freehand_sheet, held_out_rows, numbers, photo, photo_folder, sheet_photo

from ganaug.schema.commands import COMMANDS
from ganaug.utils.commands import hydra_arguments
from ganaug.utils.config import check_overrides

ROOT = Path(__file__).resolve().parent.parent
GUIDES = [ROOT / "README.md", *(ROOT / "docs" / name for name in ("own_digits.md", "sweeps.md", "using_a_model.md",
                                                                 "gan.md", "reliability.md"))]
CONFIG_OF = {"train": "train", "prepare": "prepare", "pretrain": "train", **{name: name for name in COMMANDS}}
# What each document calls a folder or file its reader has, as the folder it is in the test's folder.
PLACEHOLDERS = {"data.root=DIR": "data.root=my_digits", "export=DIR": "export=exported", "out=DIR": "out=cut",
                "CKPT": "run/checkpoints/classifier.ckpt"}


def commands(doc: Path) -> list[list[str]]:
    """The `python -m ganaug.X ...` lines of a document's bash blocks, as argument lists (comments cut off)."""
    found, inside = [], False
    for line in doc.read_text().splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```bash"
            continue
        line = line.split("  #")[0].strip()
        if inside and line.startswith("python -m ganaug."):
            found.append(shlex.split(line))
    return found


CASES = [(doc.name, args) for doc in GUIDES for args in commands(doc)]


@pytest.mark.parametrize("doc, args", CASES, ids=[f"{d}: {' '.join(a[2:5])}" for d, a in CASES])
def test_every_shown_command_names_settings_that_exist(doc, args):
    command = args[2].removeprefix("ganaug.")
    rest = [PLACEHOLDERS.get(a, a).replace("<time>", "TIME") for a in args[3:] if a not in ("-m", "--multirun")]
    if command in COMMANDS:
        rest = hydra_arguments(command, rest)
    check_overrides([a for a in rest if not a.startswith("--config-dir") and a != "my_configs"
                     and "experiment=mine" not in a], CONFIG_OF[command])


def newest(pattern: str, cwd: Path) -> str:
    """The newest path matching `pattern` (`<time>` any folder) under `cwd`, relative to it."""
    found = sorted(glob.glob(pattern.replace("<time>", "*"), root_dir=cwd), key=lambda p: os.path.getmtime(cwd / p))
    assert found, f"nothing matches {pattern} in {cwd}"
    return found[-1]


SHORT = ["debug=fast"]
NOT_RUN = {
    "ganaug.demo": "serves a page until stopped (tests/test_demo.py drives it)",
    "hydra/launcher=slurm": "needs a SLURM cluster (its settings are checked above)",
}


def shortened(args: list[str], cwd: Path) -> list[str]:
    """A shown command as the test runs it: placeholders made real, the newest `<time>` folder, short settings (a
    search of two trials, runs one after the other unless the line names a launcher)."""
    command, rest = args[2], [PLACEHOLDERS.get(a, a) for a in args[3:]]
    rest = [newest(a, cwd) if "<time>" in a else a for a in rest]
    if command == "ganaug.train":
        rest = [re.sub(r"^hydra\.sweeper\.n_trials=\d+$", "hydra.sweeper.n_trials=2", a) for a in rest]
        rest += [a for a in SHORT if a not in rest]
        if not any(a.startswith("hydra/launcher=") for a in rest):
            rest.append("hydra/launcher=basic")
        if any("hparams_search" in a for a in rest) and not any("n_trials" in a for a in rest):
            rest.append("hydra.sweeper.n_trials=2")
    if command == "ganaug.prepare" and "data=folder" in rest:
        rest.append("check.mode=quick")
    return [command, *rest]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stderr[-3000:]}"
    return result


def sheets(folder: Path) -> None:
    """A scanned ruled 10 × 10 sheet (scan.jpg), and one that is photographed (page.jpg)."""
    digits = held_out_rows()
    sheet_photo(digits, 10, 10, ruled=True, seed=2).save(folder / "scan.jpg", quality=90)
    sheet_photo(digits, 10, 10, ruled=True, seed=5).save(folder / "page.jpg", quality=90)


def trained_classifier(folder: Path) -> None:
    """CKPT: a classifier a short run trained."""
    run("ganaug.train", "experiment=baseline", *SHORT, "hydra.run.dir=run", cwd=folder)


def readme(folder: Path) -> None:
    sheets(folder)
    (folder / "new_digits").mkdir()
    sheet_photo(held_out_rows()[:4], 2, 2, ruled=True).save(folder / "new_digits" / "page.png")


def own_digits(folder: Path) -> None:
    photo_folder(folder / "my_digits", per_class=8, held_out=True)
    photo_folder(folder / "outputs" / "photos", per_class=8, seed=1, held_out=True)
    sheets(folder)


def using_a_model(folder: Path) -> None:
    trained_classifier(folder)
    digits = held_out_rows()
    photo(digits[70], seed=1).save(folder / "photo.jpg")
    (folder / "more").mkdir()
    for i in (5, 25, 45):
        photo(digits[i], seed=i).save(folder / "more" / f"{i}.jpg")
    photo_folder(folder / "next_week", per_class=2, seed=4, held_out=True)
    sheets(folder)
    text, written = numbers(seed=1, rows=3)
    freehand_sheet(written, rows=3, cols=max(map(len, text)), lengths=[len(t) for t in text]).save(folder / "numbers.jpg")


def gan(folder: Path) -> None:
    """A sweep's run with a GAN, in the folder its overrides name."""
    run("ganaug.train", "-m", "experiment=augmented", "seed=0", *SHORT, "hydra/launcher=basic",
        "hydra.sweep.subdir='experiment=augmented,seed=0'", cwd=folder)


READERS: dict[str, Callable[[Path], None]] = {"README.md": readme, "own_digits.md": own_digits,
                                              "sweeps.md": lambda folder: None, "using_a_model.md": using_a_model,
                                              "gan.md": gan}


@pytest.mark.slow
@pytest.mark.parametrize("doc", [doc for doc in GUIDES if commands(doc)], ids=lambda doc: doc.name)
def test_every_shown_command_runs_with_short_settings(doc, tmp_path):
    """Each command of the document in order, in one folder, as its reader would run them."""
    READERS[doc.name](tmp_path)
    ran = 0
    for args in commands(doc):
        if any(flag in args for flag in NOT_RUN) or args[2] in NOT_RUN:
            continue
        run(*shortened(args, tmp_path), cwd=tmp_path)
        ran += 1
    assert ran >= len(commands(doc)) - 2
    if doc.name == "README.md":
        assert (tmp_path / "digits.onnx").stat().st_size > 0 and (tmp_path / "mine" / "7").is_dir()
