"""Shared fixtures: Hydra configs composed with tiny training lengths, written under a temporary folder."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

from ganaug.utils import runtime
from ganaug.utils.config import CONFIG_DIR

runtime.setup()

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the tests marked `gpu` on a machine without a CUDA device."""
    if not torch.cuda.is_available():
        for item in items:
            if "gpu" in item.keywords:
                item.add_marker(pytest.mark.skip(reason="needs a CUDA device"))
