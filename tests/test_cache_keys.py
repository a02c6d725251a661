"""The caches' keys come from the schema: changing any setting that trains a cached network (every one, enumerated
from the shipped configs) names a new cache entry, and changing one the schema marks as not training it does not."""
import copy
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, OmegaConf

from ganaug.pipeline.control_stage import _AUGMENT_KEYS, control_cache_entry
from ganaug.pipeline.generator_stage import gan_cache_entry
from ganaug.pipeline.runner import stage_settings
from ganaug.schema.groups import Train
from ganaug.schema.validation import field_of
from ganaug.utils.config import CONFIG_DIR

IMAGES, LABELS, CLASSES = torch.zeros(3, 1, 28, 28), torch.tensor([0, 1, 2]), ["0", "1", "2"]
ADAPTING = ("gan.adapt_steps", "gan.freeze_d_blocks")  # they train a generator only when it adapts a pretrained one


def composed(*overrides: str) -> DictConfig:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("train", overrides=list(overrides))


def leaves(node: DictConfig, prefix: str = "") -> list[tuple[str, object]]:
    """The settings set in the config itself (not by interpolation) that are numbers or switches."""
    found = []
    for key in node:
        raw = node._get_node(key)._value()
        if isinstance(raw, str) and raw.startswith("${"):
            continue
        value = node[key]
        if isinstance(value, DictConfig):
            found += leaves(value, f"{prefix}{key}.")
        elif isinstance(value, (bool, int, float)) and not str(key).startswith("_"):
            found.append((f"{prefix}{key}", value))
    return found


def stages_with_fakes(cfg: DictConfig):
    """The stages' settings of `cfg` as a run with fakes and its control has them."""
    cfg = copy.deepcopy(cfg)
    OmegaConf.update(cfg, "augment.gan", True)
    OmegaConf.update(cfg, "control", True)
    return stage_settings(cfg, Path("run"))


def gan_key(cfg: DictConfig) -> Path:
    return gan_cache_entry(stages_with_fakes(cfg).generation, IMAGES, LABELS, CLASSES)


def control_key(cfg: DictConfig) -> Path:
    stages = stages_with_fakes(cfg)
    return control_cache_entry(stages.control, stages.work.trainer, IMAGES)


def other(value: object) -> object:
    return (not value) if isinstance(value, bool) else value + 1 if isinstance(value, int) else value * 1.5 + 0.01


CONFIGS = {overrides: composed(*overrides) for overrides in [
    ("experiment=augmented_classic", "pretrain=builtin", "data=folder", "data.root=x"),
    ("gan=dcgan", "trainer=gpu"), ("gan=diffusion", "data=mnist")]}  # composed once: each case changes a copy
CASES = [(overrides, key) for overrides, cfg in CONFIGS.items() for key, _ in leaves(cfg)]


@pytest.mark.parametrize("overrides, key", CASES, ids=[f"{o[0]} {k}" for o, k in CASES])
def test_a_cache_key_changes_with_what_trains_or_is_measured_and_only_with_it(overrides, key):
    cfg = copy.deepcopy(CONFIGS[overrides])
    meta = field_of(OmegaConf.to_container(cfg, resolve=True), Train, key).metadata
    changed = copy.deepcopy(cfg)
    OmegaConf.update(changed, key, other(OmegaConf.select(cfg, key)))
    group = key.split(".")[0]
    # the data settings reach the GAN through its training images, which stay the same here
    pretrained = cfg.pretrain.source is not None
    gan_part = group in ("seed", "gan", *(("pretrain",) if pretrained else ())) and (pretrained or key not in ADAPTING)
    gan_moved = gan_key(cfg) != gan_key(changed)
    assert gan_moved == (gan_part and meta["trains"]), f"the GAN's cache key and {key}"
    control_part = group in ("seed", "data", "classifier", "trainer") or (
        group == "augment" and key.split(".")[1] in _AUGMENT_KEYS) or (group == "pretrain" and cfg.pretrain.source)
    control_moved = control_key(cfg) != control_key(changed)
    assert control_moved == bool(control_part and (meta["trains"] or meta["measures"])), f"the control's key and {key}"
