"""The commands the README and the guides show stay true: every `python -m ganaug.X ...` line in their bash blocks
names settings and options that exist (fast, every line), and the README's run end to end with short settings
(slow: `python -m pytest -m slow`)."""
import importlib
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from rendering import sheet_photo

from ganaug.data.mnist import BuiltinDigits
from ganaug.utils.command_line import option
from ganaug.utils.config import check_overrides

ROOT = Path(__file__).resolve().parent.parent
GUIDES = [ROOT / "README.md", *(ROOT / "docs" / name for name in ("own_digits.md", "sweeps.md", "using_a_model.md",
                                                                 "gan.md", "reliability.md"))]
HYDRA_COMMANDS = {"train": "train", "prepare": "prepare", "pretrain": "train"}


def commands(doc: Path) -> list[list[str]]:
    """The `python -m ganaug.X ...` lines of a document's bash blocks, as argument lists (comments cut off)."""
    found, inside = [], False
    for line in doc.read_text().splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```bash"
            continue
        line = line.split("  #")[0].strip()
        if inside and line.startswith("python -m ganaug."):
            found.append(shlex.split(line.replace("<time>", "TIME")))
    return found


CASES = [(doc.name, args) for doc in GUIDES for args in commands(doc)]


@pytest.mark.parametrize("doc, args", CASES, ids=[f"{d}: {' '.join(a[2:5])}" for d, a in CASES])
def test_every_shown_command_names_settings_that_exist(doc, args):
    command = args[2].removeprefix("ganaug.")
    rest = [a for a in args[3:] if a not in ("-m", "--multirun")]
    if command in HYDRA_COMMANDS:
        check_overrides([a for a in rest if not a.startswith("--config-dir") and a != "my_configs"
                         and "experiment=mine" not in a], HYDRA_COMMANDS[command])
    elif command != "report":
        spec = importlib.import_module(f"ganaug.{command}").COMMAND
        for arg in rest:
            found = option(arg)
            assert found is None or found[0] in spec.options, f"{doc}: {found[0]}= is not an option of {command}"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stderr[-3000:]}"
    return result


SHORT = ["debug=fast", "hydra/launcher=basic"]


@pytest.mark.slow
def test_the_readmes_commands_run_with_short_settings(tmp_path):
    """Each README command in order, in one folder, as a newcomer would run them: the sweeps and the search
    shortened, the sheet a rendered one, `<time>` the folder the command before it wrote."""
    readme = commands(ROOT / "README.md")
    dm = BuiltinDigits(n_per_class=1, test_per_class=10, seed=3)
    dm.setup()
    digits = (dm.test_x[torch.argsort(dm.test_y, stable=True)] * 255).round().byte()
    sheet_photo(digits, 10, 10, ruled=True, seed=2).save(tmp_path / "scan.jpg", quality=90)
    (tmp_path / "new_digits").mkdir()
    sheet_photo(digits[:4], 2, 2, ruled=True).save(tmp_path / "new_digits" / "page.png")
    for args in readme:
        command, rest = args[2], args[3:]
        if command == "ganaug.demo":
            continue  # serves a page until stopped; tests/test_demo.py drives it
        if command == "ganaug.train":
            rest = [*rest, *SHORT] + (["hydra.sweeper.n_trials=2"] if any("hparams_search" in a for a in rest) else [])
        if command == "ganaug.prepare" and "data=folder" in rest:
            rest = [*rest, "check.mode=quick"]
        if command == "ganaug.report":
            rest = [str(sorted((tmp_path / "outputs" / "multirun").iterdir())[0])]
        rest = [str(next((tmp_path / "outputs" / "runs" / "classic").iterdir()) / a.split("TIME/")[1])
                if "TIME/" in a else a for a in rest]
        run(command, *rest, cwd=tmp_path)
    assert (tmp_path / "digits.onnx").stat().st_size > 0 and (tmp_path / "mine" / "7").is_dir()
