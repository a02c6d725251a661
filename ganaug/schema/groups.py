"""Schemas of the config groups and of the commands' own settings: the classic and generated augmentation, the
classifier's and the generator's training, pretraining, paths, and the top of `train` and `prepare`. A field
holding a `_target_` node is checked by that target's schema (`ganaug.schema.targets`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ganaug.schema.fields import (COUNT, FLAG, NON_NEGATIVE, POSITIVE, POSITIVE_INT, SCHEDULE, at_least, between,
                                  is_int, one_of, optional, setting, text)

OPTIMIZED_METRICS = ("val_acc", "val_gain")  # what a run may return to an optimising sweeper: validation only


def target(trains: bool = True) -> Any:
    """A field holding a node built by `_target_` (checked by its target's schema)."""
    return setting(None, trains=trains)


@dataclass
class Augment:
    gan: Any = setting(False, *FLAG)
    ratio: Any = setting(0.5, POSITIVE[0], "a number > 0 (fakes per real image)")
    fake_weight: Any = setting(1.0, POSITIVE[0], "a number > 0 (weight of a fake's loss; a real image's is 1)")
    fake_labels: Any = setting("hard", one_of("hard", "soft", "none"), "hard, soft or none")
    confidence: Any = setting(0.95, between(0, 1, low_open=True), "a number in (0, 1] (pseudo-label threshold)")
    unlabelled_weight: Any = setting(1.0, NON_NEGATIVE[0], "a number >= 0 (weight of the unlabelled fakes' loss)")
    strong: Any = setting(None, lambda v: isinstance(v, list), "a list of transforms")
    best_of: Any = setting(1, POSITIVE_INT[0], "an integer >= 1 (fakes drawn per fake kept; 1: no selection)")
    judge_epochs: Any = setting(100, POSITIVE_INT[0], "an integer >= 1 (epochs of the classifier that picks fakes)")
    classic: Any = setting(False, *FLAG)
    random_affine: Any = setting(False, *FLAG)
    elastic: Any = setting(True, *FLAG)
    affine: Any = target()
    distortion: Any = target()

    @staticmethod
    def together(node: dict, path: str) -> str | None:
        if node.get("classic") and not (node.get("random_affine") or node.get("elastic")):
            return ("augment.classic=true with neither augment.random_affine nor augment.elastic is no augmentation: "
                    "turn one of them on, or use an experiment without classic augmentation")
        return None


@dataclass
class Classifier:
    epochs: Any = setting(300, *POSITIVE_INT)
    batch_size: Any = setting(32, *POSITIVE_INT)
    freeze: Any = setting(False, *FLAG)
    eval_every: Any = setting(20, POSITIVE_INT[0], "an integer >= 1 (epochs)", trains=False, measures=True)
    module: Any = target()


@dataclass
class Generation:
    """What every generator's group holds (`gan=dcgan`, `dagan`, `diffusion`)."""

    steps: Any = setting(3000, POSITIVE_INT[0], "an integer >= 1 (training iterations; a GAN's are D/G iterations)")
    batch_size: Any = setting(64, *POSITIVE_INT)
    sample_every: Any = setting(500, COUNT[0], "an integer >= 0 (0: only at the end)", trains=False)
    monitor_per_class: Any = setting(100, POSITIVE_INT[0], "an integer >= 1 (samples per class in the logged grid)",
                                     trains=False)
    on_nan: Any = setting("stop", one_of("stop", "retry"), "stop or retry", trains=False)
    collapse_below: Any = setting(0.5, NON_NEGATIVE[0], "a number >= 0 (diversity ratio)", trains=False)
    checkpoint_every: Any = setting(500, POSITIVE_INT[0], "an integer >= 1 (iterations)", trains=False)
    cas_epochs: Any = setting(100, COUNT[0], "an integer >= 0 (0: no CAS)", trains=False)
    adapt_steps: Any = setting(1000, POSITIVE_INT[0], "an integer >= 1 (iterations adapting a pretrained generator)")
    module: Any = target()


@dataclass
class AdversarialGeneration(Generation):
    """A GAN's group (`gan=dcgan`): FreezeD's frozen blocks while adapting a pretrained discriminator."""

    freeze_d_blocks: Any = setting(1, one_of(0, 1, 2), "0, 1 or 2 (discriminator blocks kept fixed)")


@dataclass
class DaganNetworks:
    generator: Any = target()
    discriminator: Any = target()


@dataclass
class DaganGeneration(AdversarialGeneration):
    """DAGAN's group (`gan=dagan`): its networks, which its module takes by interpolation."""

    dagan_networks: DaganNetworks = field(default_factory=DaganNetworks)


GENERATIONS = {"ganaug.models.gan.GAN": AdversarialGeneration, "ganaug.models.dagan.DAGAN": DaganGeneration,
               "ganaug.models.diffusion.Diffusion": Generation}


@dataclass
class ClassifierTraining:
    batch_size: Any = setting(32, *POSITIVE_INT)
    lr: Any = setting(0.05, *POSITIVE)
    momentum: Any = setting(0.0, *NON_NEGATIVE)
    weight_decay: Any = setting(0.0, *NON_NEGATIVE)
    lr_schedule: Any = setting("constant", *SCHEDULE)


@dataclass
class Pretrain:
    source: Any = setting(None, one_of(None, "builtin"), "builtin (pretrain=builtin) or null (pretrain=none)")
    classifier_epochs: Any = setting(30, *POSITIVE_INT)
    classifier_training: ClassifierTraining = field(default_factory=ClassifierTraining)
    affine: Any = target()
    gan_steps: Any = setting(3000, POSITIVE_INT[0], "an integer >= 1 (D/G iterations)")
    gan_batch_size: Any = setting(64, *POSITIVE_INT)
    cache_dir: Any = setting(None, text, "a folder path", trains=False)


@dataclass
class Paths:
    root: Any = setting("outputs", text, "a folder path", trains=False)
    gan_cache: Any = setting(None, text, "a folder path", trains=False)
    control_cache: Any = setting(None, text, "a folder path", trains=False)


def threads(v: Any) -> bool:
    return v == "auto" or (is_int(v) and v >= 1)


@dataclass
class Common:
    """What every command that reads a data set holds."""

    seed: Any = setting(0, COUNT[0], "an integer >= 0")
    data: Any = target()
    classifier: Classifier = field(default_factory=Classifier)
    trainer: Any = target(trains=False)
    logger: Any = setting(None, optional(lambda v: isinstance(v, dict)), "tensorboard, csv, mlflow, wandb or a list",
                          trains=False)
    paths: Paths = field(default_factory=Paths)
    pretrain: Pretrain = field(default_factory=Pretrain)


@dataclass
class Train(Common):
    """`python -m ganaug.train`."""

    resume: Any = setting(True, *FLAG, trains=False)
    control: Any = setting(True, FLAG[0], "true or false (train the paired real-only control beside a run with fakes)",
                           trains=False)
    optimized_metric: Any = setting("val_acc", one_of(*OPTIMIZED_METRICS),
                                    f"one of {', '.join(OPTIMIZED_METRICS)} (validation measures)", trains=False)
    experiment_name: Any = setting(None, text, "a name", trains=False)
    threads: Any = setting("auto", threads, "auto or an integer >= 1 (torch threads per run)")
    augment: Augment = field(default_factory=Augment)
    gan: Any = setting(None)  # checked by the schema of its module's _target_ (GENERATIONS)

    schema_of = {"gan": lambda node: GENERATIONS.get((node.get("module") or {}).get("_target_"))}


@dataclass
class LabelCheck:
    mode: Any = setting("learned", one_of("learned", "quick"), "learned or quick")
    folds: Any = setting(5, at_least(2), "an integer >= 2")
    epochs: Any = setting(30, *POSITIVE_INT)


@dataclass
class Prepare(Common):
    """`python -m ganaug.prepare`."""

    export: Any = setting(None, optional(text), "a folder path, or null")
    check: LabelCheck = field(default_factory=LabelCheck)
    sheet: Any = setting(None, optional(text), "a photo's path, or null")
    out: Any = setting(None, optional(text), "a folder path, or null")
    rows: Any = setting(None, optional(at_least(1)), "null or an integer >= 1")
    cols: Any = setting(None, optional(at_least(1)), "null or an integer >= 1")
    labels: Any = setting(None, optional(lambda v: isinstance(v, (str, int))), "text, e.g. labels=0123456789")
    layout: Any = setting("auto", one_of("auto", "grid", "freehand"), "auto, grid or freehand")
