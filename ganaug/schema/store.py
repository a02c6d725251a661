"""The schemas in Hydra's ConfigStore, under `schema/`: each command's config and each config group option's YAML
file extends its schema in its defaults list (`- /schema/data/folder@_here_`), so OmegaConf holds every value and
override to its field's type and refuses a key the schema lacks while Hydra composes; the values stay in the YAML."""
from __future__ import annotations

from hydra.core.config_store import ConfigStore

from ganaug.schema.commands import COMMANDS
from ganaug.schema.groups import (AdversarialGeneration, Classifier, DaganGeneration, Generation, NoPretrain, Paths,
                                  Prepare, Pretrain, Train)
from ganaug.schema.targets import CSV, DigitsData, FolderData, MLflow, MNISTData, TensorBoard, Trainer, Wandb

CONFIGS: dict[str, type] = {"train": Train, "prepare": Prepare, **COMMANDS}  # each command's config: its schema
OPTIONS: dict[str, type] = {
    "data/builtin": DigitsData,
    "data/mnist": MNISTData,
    "data/folder": FolderData,
    "classifier/classifier": Classifier,
    "gan/generation": Generation,
    "gan/adversarial": AdversarialGeneration,
    "gan/dagan": DaganGeneration,
    "pretrain/none": NoPretrain,
    "pretrain/builtin": Pretrain,
    "paths/paths": Paths,
    "trainer/trainer": Trainer,
    "logger/tensorboard": TensorBoard,
    "logger/csv": CSV,
    "logger/mlflow": MLflow,
    "logger/wandb": Wandb,
}  # the schema of each group option's YAML, by its name under schema/: GROUP/NAME


def register() -> None:
    """Store every schema (Hydra reads the store when it composes; storing twice replaces)."""
    store = ConfigStore.instance()
    for name, schema in {**CONFIGS, **OPTIONS}.items():
        group, _, option = name.rpartition("/")
        store.store(group=f"schema/{group}" if group else "schema", name=option, node=schema)
