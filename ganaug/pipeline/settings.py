"""What each stage of a run is handed: the config groups it reads and nothing else (the runner cuts them out of the
composed config, `ganaug.pipeline.runner.stage_settings`). The caches' keys are made from these, so a setting a stage
is not handed cannot reach its key."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from omegaconf import DictConfig

from ganaug.utils.trainers import Workspace


@dataclass(frozen=True)
class ClassifierRecipe:
    """What trains a classifier (the run's, its control, and the side ones: the best-of judge, the soft-label teacher,
    CAS, the pool's): the `classifier` group, the `augment` group (its classic recipe, and how fakes without a hard
    label are learned from; None for one that learns from real images only, unaugmented) and the seed."""

    classifier: DictConfig
    augment: DictConfig | None
    seed: int


@dataclass(frozen=True)
class Generation:
    """The generator stage's settings: the `gan` group, the `pretrain` group (what an adapted generator started from),
    the GAN cache's folder, and the recipe of its side classifiers, whose `augment` group also says how many fakes
    are drawn and how they are labelled."""

    gan: DictConfig
    pretrain: DictConfig
    cache_dir: Path
    recipe: ClassifierRecipe

    @property
    def augment(self) -> DictConfig:
        return self.recipe.augment

    @property
    def seed(self) -> int:
        return self.recipe.seed


@dataclass(frozen=True)
class Control:
    """The paired control's settings: the run's classifier recipe (its fakes left out), the `data` and `pretrain` groups
    and the control cache's folder (a cached control's results depend on all of them)."""

    recipe: ClassifierRecipe
    data: DictConfig
    pretrain: DictConfig
    cache_dir: Path


@dataclass(frozen=True)
class Pretraining:
    """What the networks trained on the built-in pool depend on: the `pretrain` group, and the `classifier` and `gan`
    groups whose networks they are (None for `gan` where no generator is)."""

    pretrain: DictConfig
    classifier: DictConfig
    gan: DictConfig | None = None


@dataclass(frozen=True)
class Stages:
    """Every stage's settings of one run, and the workspace its phases train in."""

    data: DictConfig
    pretraining: Pretraining
    recipe: ClassifierRecipe
    generation: Generation | None  # None: the run adds no fakes
    control: Control | None  # None: no paired control (no fakes, or control=false)
    work: Workspace


@dataclass(frozen=True)
class LabelCheck:
    """`prepare`'s label check: its `check` group, the seed of its folds, and what its classifiers are and start from."""

    check: DictConfig
    seed: int
    pretraining: Pretraining
