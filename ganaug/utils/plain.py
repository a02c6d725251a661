"""Configs as plain data: what the models keep in their hyperparameters. Imports OmegaConf alone (not Hydra, not the
schema), so that the models can use it."""
from __future__ import annotations

from typing import Any

from omegaconf import OmegaConf


def plain(config: Any) -> Any:
    """A config as plain dicts and lists with interpolations resolved (what a checkpoint's hyperparameters hold)."""
    return OmegaConf.to_container(config, resolve=True) if OmegaConf.is_config(config) else config
