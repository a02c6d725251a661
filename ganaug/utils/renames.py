"""Where classes saved in configs by name have moved: checkpoints, caches and metrics.json written by ganaug before
its package was laid out by role (commit b2c5e19 and earlier) name `ganaug.networks.CNN`, `ganaug.folder.FolderDigits`
and the like; `upgrade` rewrites those names so that such files still load."""
from __future__ import annotations

from typing import Any

MOVED = {  # old module → new module
    "ganaug.networks": "ganaug.models.networks",
    "ganaug.augment": "ganaug.models.augmentations",
    "ganaug.gan": "ganaug.models.gan",
    "ganaug.dagan": "ganaug.models.dagan",
    "ganaug.classifier": "ganaug.models.classifier",
    "ganaug.folder": "ganaug.data.folder",
    "ganaug.data": "ganaug.data.mnist",  # BuiltinDigits and MNISTDigits
}


def moved(target: str) -> str:
    """Where the class or function at the import path `target` is now (the same path if it did not move)."""
    module, _, name = target.rpartition(".")
    return f"{MOVED[module]}.{name}" if module in MOVED else target


def upgrade(config: Any) -> Any:
    """`config` (plain dicts and lists) with every `_target_` that names a moved module pointing at its new place."""
    if isinstance(config, list):
        return [upgrade(item) for item in config]
    if not isinstance(config, dict):
        return config
    upgraded = {key: upgrade(value) for key, value in config.items()}
    if isinstance(upgraded.get("_target_"), str):
        upgraded["_target_"] = moved(upgraded["_target_"])
    return upgraded
