"""Every command answers each of Hydra's flags that print and exit, as `python -m ganaug.<command>` and as
`ganaug <command>`: exit code 0, no traceback, nothing written in the working folder. The default run takes each flag
but `--help` (tests/test_commands.py reads each command's) through `python -m ganaug.<command>`; `-m slow` the whole
matrix, the console script too (each `--help` and `--hydra-help` costs about 2 s)."""
import importlib

import pytest

from ganaug.__main__ import COMMANDS
from ganaug.__main__ import main as ganaug_main

FLAGS = [["--help"], ["--hydra-help"], ["--cfg", "job"], ["--cfg", "hydra"], ["--info"], ["--resolve", "--cfg", "job"]]
SLOW = pytest.mark.slow


@pytest.mark.parametrize("flags", [pytest.param(f, marks=SLOW) if f == ["--help"] else f for f in FLAGS], ids=" ".join)
@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("entry", ["module", pytest.param("console", marks=SLOW)])
def test_hydras_flags_print_and_exit_cleanly(entry, name, flags, tmp_path, command):
    if entry == "module":
        result = command(importlib.import_module(f"ganaug.{name}").cli, *flags, cwd=tmp_path)
    else:
        result = command(ganaug_main, name, *flags, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr and "Error" not in result.stderr, result.stderr[-2000:]
    assert result.stdout.strip(), f"{name} {' '.join(flags)} printed nothing"
    assert not list(tmp_path.iterdir()), f"{name} {' '.join(flags)} wrote {sorted(p.name for p in tmp_path.iterdir())}"
