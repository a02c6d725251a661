"""Shared fixtures: Hydra configs composed with tiny training lengths, written under a temporary folder."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
import torch
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

from ganaug.utils import runtime
from ganaug.utils.config import CONFIG_DIR

# Under pytest-xdist (-n 2) each worker gets one of the cores.
runtime.setup(1 if os.environ.get("PYTEST_XDIST_WORKER") else None)

FAST = ["debug=fast"]


@pytest.fixture
def make_cfg(tmp_path: Path):
    """compose(overrides) → the train config with `paths.root` under tmp_path."""

    def _make(*overrides: str, fast: bool = True) -> DictConfig:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
            return compose(
                "train", overrides=[*(FAST if fast else []), f"paths.root={tmp_path / 'outputs'}", *overrides]
            )

    return _make


@pytest.fixture
def command(monkeypatch, capfd):
    """command(cli, *args, cwd=DIR) → the exit code, stdout and stderr of a command's `cli(argv)` run in this process
    from DIR, as `python -m ganaug.<command> ARGS` would give them without starting another Python."""

    def _run(cli: Callable[[list[str]], None], *args: str, cwd: Path) -> subprocess.CompletedProcess:
        monkeypatch.chdir(cwd)
        monkeypatch.setattr(sys, "argv", [cli.__module__])
        capfd.readouterr()
        try:
            cli(list(args))
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        out, err = capfd.readouterr()
        return subprocess.CompletedProcess(list(args), code, out, err)

    return _run


@pytest.fixture
def no_hydra_plugins(monkeypatch):
    """This process as where no Hydra plugin is installed (`pip install ganaug`, no extras): the package the plugins
    share, `hydra_plugins`, cannot be imported."""
    for name in [name for name in sys.modules if name == "hydra_plugins" or name.startswith("hydra_plugins.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "hydra_plugins", None)


@pytest.fixture(autouse=True)
def root_log_handlers_restored():
    """Each test leaves the root logger's handlers as it found them: a command run in this process lets Hydra add
    handlers writing to that test's captured streams, which are closed once it ends."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the tests marked `gpu` on a machine without a CUDA device."""
    if not torch.cuda.is_available():
        for item in items:
            if "gpu" in item.keywords:
                item.add_marker(pytest.mark.skip(reason="needs a CUDA device"))
