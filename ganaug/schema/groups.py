"""Schemas of the config groups and of the commands' own settings: the classic and generated augmentation, the
classifier's and the generator's training, pretraining, paths, and the top of `train` and `prepare`. A field
holding a config group or a `_target_` node is checked by the group's schema or by that target's
(`ganaug.schema.targets`). Each group option's YAML file extends its schema (`ganaug.schema.store`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional

from ganaug.schema.fields import (COUNT, FLAG, NON_NEGATIVE, POSITIVE, POSITIVE_INT, at_least, between, group,
                                  is_int, one_of, optional, setting, text)
from ganaug.schema.targets import Optimiser

OPTIMIZED_METRICS = ("val_acc", "val_gain")  # what a run may return to an optimising sweeper: validation only



@dataclass
class Augment:
    gan: bool = setting(*FLAG)
    ratio: float = setting(POSITIVE[0], "a number > 0 (fakes per real image)")
    fake_weight: float = setting(POSITIVE[0], "a number > 0 (weight of a fake's loss; a real image's is 1)")
    fake_labels: str = setting(one_of("hard", "soft", "none"), "hard, soft or none")
    confidence: float = setting(between(0, 1, low_open=True), "a number in (0, 1] (pseudo-label threshold)")
    unlabelled_weight: float = setting(NON_NEGATIVE[0], "a number >= 0 (weight of the unlabelled fakes' loss)")
    strong: Any = setting(lambda v: isinstance(v, list), "a list of transforms")
    best_of: int = setting(POSITIVE_INT[0], "an integer >= 1 (fakes drawn per fake kept; 1: no selection)")
    judge_epochs: int = setting(POSITIVE_INT[0], "an integer >= 1 (epochs of the classifier that picks fakes)")
    classic: bool = setting(*FLAG)
    random_affine: bool = setting(*FLAG)
    elastic: bool = setting(*FLAG)
    affine: Any = group()
    distortion: Any = group()

    @staticmethod
    def together(node: dict, path: str) -> str | None:
        if node.get("classic") and not (node.get("random_affine") or node.get("elastic")):
            return ("augment.classic=true with neither augment.random_affine nor augment.elastic is no augmentation: "
                    "turn one of them on, or use an experiment without classic augmentation")
        return None


@dataclass
class Classifier:
    """The `classifier` group (`classifier=cnn`)."""

    epochs: int = setting(*POSITIVE_INT)
    batch_size: int = setting(*POSITIVE_INT)
    freeze: bool = setting(*FLAG)
    eval_every: int = setting(POSITIVE_INT[0], "an integer >= 1 (epochs)", trains=False, measures=True)
    module: Any = group()


@dataclass
class Generation:
    """What every generator's group holds (`gan=dcgan`, `dagan`, `diffusion`)."""

    steps: int = setting(POSITIVE_INT[0], "an integer >= 1 (training iterations; a GAN's are D/G iterations)")
    batch_size: int = setting(*POSITIVE_INT)
    sample_every: int = setting(COUNT[0], "an integer >= 0 (0: only at the end)", trains=False)
    monitor_per_class: int = setting(POSITIVE_INT[0], "an integer >= 1 (samples per class in the logged grid)",
                                     trains=False)
    on_nan: str = setting(one_of("stop", "retry"), "stop or retry", trains=False)
    collapse_below: float = setting(NON_NEGATIVE[0], "a number >= 0 (diversity ratio)", trains=False)
    checkpoint_every: int = setting(POSITIVE_INT[0], "an integer >= 1 (iterations)", trains=False)
    cas_epochs: int = setting(COUNT[0], "an integer >= 0 (0: no CAS)", trains=False)
    adapt_steps: int = setting(POSITIVE_INT[0], "an integer >= 1 (iterations adapting a pretrained generator)")
    module: Any = group()


@dataclass
class AdversarialGeneration(Generation):
    """A GAN's group (`gan=dcgan`): FreezeD's frozen blocks while adapting a pretrained discriminator."""

    freeze_d_blocks: int = setting(one_of(0, 1, 2), "0, 1 or 2 (discriminator blocks kept fixed)")


@dataclass
class DaganNetworks:
    generator: Any = group()
    discriminator: Any = group()


@dataclass
class DaganGeneration(AdversarialGeneration):
    """DAGAN's group (`gan=dagan`): its networks, which its module takes by interpolation."""

    dagan_networks: DaganNetworks = field(default_factory=DaganNetworks)


GENERATIONS = {"ganaug.models.gan.GAN": AdversarialGeneration, "ganaug.models.dagan.DAGAN": DaganGeneration,
               "ganaug.models.diffusion.Diffusion": Generation}


@dataclass
class ClassifierTraining(Optimiser):
    """How the pool classifier is trained (`pretrain.classifier_training`)."""

    batch_size: int = setting(*POSITIVE_INT)


@dataclass
class NoPretrain:
    """The `pretrain` group's option `none`: nothing pretrained."""

    source: Optional[str] = setting(one_of(None, "builtin"), "builtin (pretrain=builtin) or null (pretrain=none)")


@dataclass
class Pretrain(NoPretrain):
    """The `pretrain` group's option `builtin`: how the starting networks are trained on the built-in pool."""

    classifier_epochs: int = setting(*POSITIVE_INT)
    classifier_training: ClassifierTraining = field(default_factory=ClassifierTraining)
    affine: Any = group()
    gan_steps: int = setting(POSITIVE_INT[0], "an integer >= 1 (D/G iterations)")
    gan_batch_size: int = setting(*POSITIVE_INT)
    cache_dir: str = setting(text, "a folder path", trains=False)


@dataclass
class Paths:
    """The `paths` group."""

    root: str = setting(text, "a folder path", trains=False)
    gan_cache: str = setting(text, "a folder path", trains=False)
    control_cache: str = setting(text, "a folder path", trains=False)


def threads(v: Any) -> bool:
    return v == "auto" or (is_int(v) and v >= 1)


def loggers(v: Any) -> bool:
    return v is None or isinstance(v, dict)


@dataclass
class Common:
    """What every command that reads a data set holds."""

    seed: int = setting(COUNT[0], "an integer >= 0")
    data: Any = group()
    classifier: Any = group(Classifier)
    trainer: Any = group(trains=False)
    logger: Any = setting(loggers, "tensorboard, csv, mlflow, wandb or a list", trains=False)
    paths: Any = group(Paths)
    pretrain: Any = group(Pretrain)


@dataclass
class Train(Common):
    """`python -m ganaug.train`."""

    resume: bool = setting(*FLAG, trains=False)
    control: bool = setting(FLAG[0], "true or false (train the paired real-only control beside a run with fakes)",
                            trains=False)
    optimized_metric: str = setting(one_of(*OPTIMIZED_METRICS),
                                    f"one of {', '.join(OPTIMIZED_METRICS)} (validation measures)", trains=False)
    experiment_name: str = setting(text, "a name", trains=False)
    threads: Any = setting(threads, "auto or an integer >= 1 (torch threads per run)")
    augment: Augment = field(default_factory=Augment)
    gan: Any = group()  # checked by the schema of its module's _target_ (GENERATIONS)

    schema_of: ClassVar[dict] = {"gan": lambda node: GENERATIONS.get((node.get("module") or {}).get("_target_"))}


@dataclass
class LabelCheck:
    mode: str = setting(one_of("learned", "quick"), "learned or quick")
    folds: int = setting(at_least(2), "an integer >= 2")
    epochs: int = setting(*POSITIVE_INT)


@dataclass
class Prepare(Common):
    """`python -m ganaug.prepare`."""

    export: Optional[str] = setting(optional(text), "a folder path, or null")
    check: LabelCheck = field(default_factory=LabelCheck)
    sheet: Optional[str] = setting(optional(text), "a photo's path, or null")
    out: Optional[str] = setting(optional(text), "a folder path, or null")
    rows: Optional[int] = setting(optional(at_least(1)), "null or an integer >= 1")
    cols: Optional[int] = setting(optional(at_least(1)), "null or an integer >= 1")
    labels: Any = setting(optional(lambda v: isinstance(v, (str, int))), "text, e.g. labels=0123456789")
    layout: str = setting(one_of("auto", "grid", "freehand"), "auto, grid or freehand")
