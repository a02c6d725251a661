"""Schemas of the classes a config builds by `_target_`: the data sets, the classifier and generator modules, their
networks and transforms, Lightning's Trainer and the loggers. `TARGETS` maps each `_target_` to its schema; the
keys `_target_`, `_partial_` and `_recursive_` are Hydra's and every such node may hold them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional

from omegaconf import MISSING
from pytorch_lightning.strategies import StrategyRegistry

from ganaug.schema.fields import (COUNT, FLAG, NON_NEGATIVE, POSITIVE, POSITIVE_INT, SCHEDULE, at_least, between,
                                  group, is_int, one_of, optional, setting, text)

MAYBE_COUNT = (optional(at_least(1)), "null or an integer >= 1")


@dataclass
class Target:
    """A node Hydra builds: its class."""

    _target_: str = MISSING


@dataclass
class Partial(Target):
    """A node Hydra builds as a partial, completed by the code that calls it."""

    _partial_: bool = MISSING


@dataclass
class DigitsData(Target):
    """The `data` group's option `builtin`, and what every data set's holds."""

    n_per_class: Optional[int] = setting(*MAYBE_COUNT)
    seed: int = setting(*COUNT)
    val_per_class: Optional[int] = setting(*MAYBE_COUNT, trains=False, measures=True)
    val_fraction: Optional[float] = setting(optional(between(0, 1, True, True)),
                                            "a number between 0 and 1 (share of each class held for validation), "
                                            "or null", trains=False, measures=True)
    test_per_class: Optional[int] = setting(*MAYBE_COUNT, trains=False, measures=True)
    max_test_per_class: Optional[int] = setting(*MAYBE_COUNT, trains=False, measures=True)
    batch_size: int = setting(*POSITIVE_INT)
    eval_batch_size: int = setting(*POSITIVE_INT, trains=False)

    @staticmethod
    def together(node: dict, path: str) -> str | None:
        if node.get("val_per_class") is None and node.get("val_fraction") is None:
            return (f"{path}val_per_class and {path}val_fraction are both null: every run needs a validation set; "
                    f"set one of them (e.g. {path}val_fraction=0.2)")
        return None


@dataclass
class MNISTData(DigitsData):
    root: str = setting(text, "a folder path")
    download: bool = setting(*FLAG)


@dataclass
class FolderData(DigitsData):
    root: Optional[str] = setting(text, "a folder path: data.root=DIR")
    test_fraction: float = setting(between(0, 1, True, True), "a number between 0 and 1 (share held out)")
    split_seed: int = setting(*COUNT)
    invert: Any = setting(one_of("auto", True, False), "auto, true or false")
    keep_28x28: bool = setting(*FLAG)
    skip_bad: bool = setting(*FLAG)
    cache_dir: Optional[str] = setting(optional(text), "a folder path, or null", trains=False)


@dataclass
class CNN:
    channels: int = setting(*POSITIVE_INT)
    hidden: int = setting(*POSITIVE_INT)
    dropout: float = setting(between(0, 1, high_open=True), "a number in [0, 1)")


NORMS = ("instance", "group", "batch", "none")  # ganaug.models.networks.normalisation's kinds
POOLS = ("avg", "max")


@dataclass
class ConvNet:
    width: int = setting(*POSITIVE_INT)
    depth: int = setting(one_of(1, 2, 3, 4), "1, 2, 3 or 4 (blocks; each halves the side: 28 → 14 → 7 → 3 → 1)")
    norm: str = setting(one_of(*NORMS), ", ".join(NORMS[:-1]) + " or " + NORMS[-1])
    pooling: str = setting(one_of(*POOLS), " or ".join(POOLS))


@dataclass
class Optimiser:
    """How a classifier is optimised: SGD's rate, momentum and weight decay, and the rate's schedule."""

    lr: float = setting(*POSITIVE)
    momentum: float = setting(*NON_NEGATIVE)
    weight_decay: float = setting(*NON_NEGATIVE)
    lr_schedule: str = setting(*SCHEDULE)


@dataclass
class ClassifierModule(Optimiser):
    net: Any = group()
    channels_last: bool = setting(*FLAG)
    compile: bool = setting(*FLAG, default=False)


@dataclass
class Generator:
    latent_dim: int = setting(*POSITIVE_INT)
    embed_dim: int = setting(*POSITIVE_INT)
    width: int = setting(*POSITIVE_INT)


@dataclass
class Discriminator:
    width: int = setting(*POSITIVE_INT)
    spectral: bool = setting(*FLAG)
    minibatch_std: bool = setting(*FLAG)


@dataclass
class ImageConditionedGenerator:
    latent_dim: int = setting(*POSITIVE_INT)
    width: int = setting(*POSITIVE_INT)
    max_shift: float = setting(*NON_NEGATIVE)
    max_ink: float = setting(between(0, 2), "a number in [0, 2] (ink a sample may add or remove)")


def policy(v: Any) -> bool:
    return isinstance(v, str) and all(op in ("translation", "cutout") for op in v.split(",") if op)


@dataclass
class GANModule:
    generator: Any = group()
    discriminator: Any = group()
    lr: float = setting(*POSITIVE)
    betas: List[float] = setting(lambda v: isinstance(v, list) and len(v) == 2
                                 and all(between(0, 1, high_open=True)(b) for b in v), "[beta1, beta2], each in [0, 1)")
    diffaugment: str = setting(policy, "translation, cutout, both (translation,cutout) or empty")
    mode_seeking: float = setting(NON_NEGATIVE[0], "a number >= 0 (0: off)")
    ema_decay: Optional[float] = setting(optional(between(0, 1, True, True)), "null or a number in (0, 1)")
    grad_clip: Optional[float] = setting(optional(POSITIVE[0]), "null or a number > 0")


@dataclass
class DiffusionModule:
    unet: Any = group()
    lr: float = setting(*POSITIVE)
    train_timesteps: int = setting(*POSITIVE_INT)
    beta_schedule: str = setting(text, "a diffusers beta schedule name")
    sampling_steps: int = setting(POSITIVE_INT[0], "an integer >= 1 (DDIM steps over the whole schedule)", trains=False)
    guidance: float = setting(NON_NEGATIVE[0], "a number >= 0 (1: conditional only, more: guided)", trains=False)
    label_dropout: float = setting(between(0, 1, high_open=True), "a number in [0, 1) (share trained as no class)")
    strength: Optional[float] = setting(optional(between(0, 1, low_open=True)),
                                        "null (from noise) or a number in (0, 1] (share of the schedule a real digit "
                                        "is noised to)", trains=False)
    ema_decay: Optional[float] = setting(optional(between(0, 1, True, True)), "null or a number in (0, 1)")


def whole_numbers(v: Any) -> bool:
    return isinstance(v, list) and len(v) >= 1 and all(is_int(x) and x >= 1 for x in v)


def block_names(v: Any) -> bool:
    return isinstance(v, list) and len(v) >= 1 and all(isinstance(x, str) and x.endswith("Block2D") for x in v)


@dataclass
class UNet:
    """diffusers' UNet2DModel, as `gan=diffusion` builds it (its other arguments keep diffusers' defaults)."""

    sample_size: int = setting(*POSITIVE_INT)
    in_channels: int = setting(*POSITIVE_INT)
    out_channels: int = setting(*POSITIVE_INT)
    block_out_channels: List[int] = setting(whole_numbers, "a list of integers >= 1, one per resolution")
    layers_per_block: int = setting(*POSITIVE_INT)
    down_block_types: List[str] = setting(block_names, "a list of diffusers block names (DownBlock2D, ...)")
    up_block_types: List[str] = setting(block_names, "a list of diffusers block names (UpBlock2D, ...)")
    norm_num_groups: int = setting(*POSITIVE_INT)


@dataclass
class RandomAffine:
    degrees: float = setting(NON_NEGATIVE[0], "a number >= 0 (degrees)")
    translate: float = setting(between(0, 1), "a number in [0, 1] (fraction of the size)")
    scale: List[float] = setting(lambda v: isinstance(v, list) and len(v) == 2 and all(POSITIVE[0](x) for x in v)
                                 and v[0] <= v[1], "[low, high] with 0 < low <= high")
    shear: float = setting(NON_NEGATIVE[0], "a number >= 0 (degrees)")


@dataclass
class ElasticDistortion:
    alpha: float = setting(NON_NEGATIVE[0], "a number >= 0 (pixels)")
    sigma: float = setting(POSITIVE[0], "a number > 0 (pixels)")


@dataclass
class Cutout:
    ratio: float = setting(between(0, 1, low_open=True), "a number in (0, 1] (share of the side cut out)")


def devices(v: Any) -> bool:
    return v == "auto" or (is_int(v) and (v >= 1 or v == -1)) or (isinstance(v, list) and all(is_int(d) and d >= 0
                                                                                               for d in v))


STRATEGIES = ("auto", *sorted(StrategyRegistry.available_strategies()))
PRECISIONS = ("64-true", "32-true", "16-mixed", "bf16-mixed", "16-true", "bf16-true", "transformer-engine",
              "transformer-engine-float16")  # Lightning's Trainer(precision=...) strings


@dataclass
class Trainer(Partial):
    """The `trainer` group: Lightning's Trainer, as a partial each training phase completes."""

    accelerator: str = setting(one_of("cpu", "gpu", "cuda", "mps", "tpu", "auto"), "cpu, gpu, cuda, mps, tpu or auto")
    devices: Any = setting(devices, "an integer >= 1, -1 (all), a list of device indices, or auto")
    strategy: str = setting(one_of(*STRATEGIES), f"one of Lightning's strategies ({', '.join(STRATEGIES[:4])}, ...)")
    deterministic: Any = setting(one_of(True, False, "warn"), "true, false or warn")
    precision: Optional[str] = setting(optional(one_of(*PRECISIONS)), f"null or one of {', '.join(PRECISIONS)}",
                                       default=None)  # None: Lightning's default (trainer=gpu sets it)
    log_every_n_steps: int = setting(*POSITIVE_INT, trains=False)
    num_sanity_val_steps: int = setting(*COUNT, trains=False)
    enable_model_summary: bool = setting(*FLAG, trains=False)
    enable_checkpointing: bool = setting(*FLAG, trains=False)


@dataclass
class TensorBoard(Partial):
    name: str = setting(text, "a folder name", trains=False)
    default_hp_metric: bool = setting(*FLAG, trains=False)


@dataclass
class CSV(Partial):
    name: str = setting(text, "a folder name", trains=False)


@dataclass
class MLflow(Partial):
    store: str = setting(text, "a folder path", trains=False)
    experiment_name: str = setting(text, "a name", trains=False)


@dataclass
class Wandb(Partial):
    project: str = setting(text, "a project name", trains=False)
    offline: bool = setting(*FLAG, trains=False)


TARGETS: dict[str, type] = {
    "ganaug.data.mnist.BuiltinDigits": DigitsData,
    "ganaug.data.mnist.MNISTDigits": MNISTData,
    "ganaug.data.folder.FolderDigits": FolderData,
    "ganaug.models.classifier.Classifier": ClassifierModule,
    "ganaug.models.networks.CNN": CNN,
    "ganaug.models.networks.ConvNet": ConvNet,
    "ganaug.models.networks.Generator": Generator,
    "ganaug.models.networks.Discriminator": Discriminator,
    "ganaug.models.networks.ImageConditionedGenerator": ImageConditionedGenerator,
    "ganaug.models.networks.PairDiscriminator": Discriminator,
    "ganaug.models.gan.GAN": GANModule,
    "ganaug.models.dagan.DAGAN": GANModule,
    "ganaug.models.diffusion.Diffusion": DiffusionModule,
    "diffusers.UNet2DModel": UNet,
    "ganaug.models.augmentations.RandomAffine": RandomAffine,
    "ganaug.models.augmentations.ElasticDistortion": ElasticDistortion,
    "ganaug.models.augmentations.Cutout": Cutout,
    "pytorch_lightning.Trainer": Trainer,
    "pytorch_lightning.loggers.TensorBoardLogger": TensorBoard,
    "pytorch_lightning.loggers.CSVLogger": CSV,
    "ganaug.utils.loggers.MLflowPhaseLogger": MLflow,
    "ganaug.utils.loggers.WandbPhaseLogger": Wandb,
}
