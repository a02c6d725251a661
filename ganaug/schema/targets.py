"""Schemas of the classes a config builds by `_target_`: the data sets, the classifier and generator modules, their
networks and transforms, Lightning's Trainer and the loggers. `TARGETS` maps each `_target_` to its schema; the
keys `_target_`, `_partial_` and `_recursive_` are Hydra's and every such node may hold them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytorch_lightning.strategies import StrategyRegistry

from ganaug.schema.fields import (COUNT, FLAG, NON_NEGATIVE, POSITIVE, POSITIVE_INT, SCHEDULE, at_least, between,
                                  is_int, one_of, optional, setting, text)

MAYBE_COUNT = (optional(at_least(1)), "null or an integer >= 1")


@dataclass
class DigitsData:
    n_per_class: Any = setting(30, *MAYBE_COUNT)
    seed: Any = setting(0, *COUNT)
    val_per_class: Any = setting(None, *MAYBE_COUNT, trains=False, measures=True)
    val_fraction: Any = setting(None, optional(between(0, 1, True, True)),
                                "a number between 0 and 1 (share of each class held for validation), or null",
                                trains=False, measures=True)
    test_per_class: Any = setting(None, *MAYBE_COUNT, trains=False, measures=True)
    max_test_per_class: Any = setting(None, *MAYBE_COUNT, trains=False, measures=True)
    batch_size: Any = setting(32, *POSITIVE_INT)
    eval_batch_size: Any = setting(1000, *POSITIVE_INT, trains=False)

    @staticmethod
    def together(node: dict, path: str) -> str | None:
        if node.get("val_per_class") is None and node.get("val_fraction") is None:
            return (f"{path}val_per_class and {path}val_fraction are both null: every run needs a validation set; "
                    f"set one of them (e.g. {path}val_fraction=0.2)")
        return None


@dataclass
class MNISTData(DigitsData):
    root: Any = setting("~/.cache/ganaug", text, "a folder path")
    download: Any = setting(True, *FLAG)


@dataclass
class FolderData(DigitsData):
    root: Any = setting(None, text, "a folder path: data.root=DIR")
    test_fraction: Any = setting(0.4, between(0, 1, True, True), "a number between 0 and 1 (share held out)")
    split_seed: Any = setting(0, *COUNT)
    invert: Any = setting("auto", one_of("auto", True, False), "auto, true or false")
    keep_28x28: Any = setting(True, *FLAG)
    skip_bad: Any = setting(True, *FLAG)
    cache_dir: Any = setting(None, optional(text), "a folder path, or null", trains=False)


@dataclass
class CNN:
    channels: Any = setting(16, *POSITIVE_INT)
    hidden: Any = setting(128, *POSITIVE_INT)
    dropout: Any = setting(0.0, between(0, 1, high_open=True), "a number in [0, 1)")


@dataclass
class ClassifierModule:
    net: Any = setting(None, trains=True)  # a network: checked by its own _target_
    lr: Any = setting(0.05, *POSITIVE)
    momentum: Any = setting(0.0, *NON_NEGATIVE)
    weight_decay: Any = setting(0.0, *NON_NEGATIVE)
    lr_schedule: Any = setting("cosine", *SCHEDULE)
    channels_last: Any = setting(True, *FLAG)


@dataclass
class Generator:
    latent_dim: Any = setting(64, *POSITIVE_INT)
    embed_dim: Any = setting(16, *POSITIVE_INT)
    width: Any = setting(32, *POSITIVE_INT)


@dataclass
class Discriminator:
    width: Any = setting(32, *POSITIVE_INT)
    spectral: Any = setting(True, *FLAG)
    minibatch_std: Any = setting(True, *FLAG)


@dataclass
class ImageConditionedGenerator:
    latent_dim: Any = setting(32, *POSITIVE_INT)
    width: Any = setting(32, *POSITIVE_INT)
    max_shift: Any = setting(3.0, *NON_NEGATIVE)
    max_ink: Any = setting(0.5, between(0, 2), "a number in [0, 2] (ink a sample may add or remove)")


def policy(v: Any) -> bool:
    return isinstance(v, str) and all(op in ("translation", "cutout") for op in v.split(",") if op)


@dataclass
class GANModule:
    generator: Any = setting(None)
    discriminator: Any = setting(None)
    lr: Any = setting(3e-4, *POSITIVE)
    betas: Any = setting(None, lambda v: isinstance(v, list) and len(v) == 2 and all(between(0, 1, high_open=True)(b)
                                                                                      for b in v),
                         "[beta1, beta2], each in [0, 1)")
    diffaugment: Any = setting("translation", policy, "translation, cutout, both (translation,cutout) or empty")
    mode_seeking: Any = setting(0.03, NON_NEGATIVE[0], "a number >= 0 (0: off)")
    ema_decay: Any = setting(0.999, optional(between(0, 1, True, True)), "null or a number in (0, 1)")
    grad_clip: Any = setting(None, optional(POSITIVE[0]), "null or a number > 0")


@dataclass
class DiffusionModule:
    unet: Any = setting(None)  # diffusers' UNet2DModel's own arguments
    lr: Any = setting(1e-3, *POSITIVE)
    train_timesteps: Any = setting(1000, *POSITIVE_INT)
    beta_schedule: Any = setting("squaredcos_cap_v2", text, "a diffusers beta schedule name")
    sampling_steps: Any = setting(20, POSITIVE_INT[0], "an integer >= 1 (DDIM steps over the whole schedule)",
                                  trains=False)
    guidance: Any = setting(2.0, NON_NEGATIVE[0], "a number >= 0 (1: conditional only, more: guided)", trains=False)
    label_dropout: Any = setting(0.1, between(0, 1, high_open=True), "a number in [0, 1) (share trained as no class)")
    strength: Any = setting(0.6, optional(between(0, 1, low_open=True)),
                            "null (from noise) or a number in (0, 1] (share of the schedule a real digit is noised to)",
                            trains=False)
    ema_decay: Any = setting(0.995, optional(between(0, 1, True, True)), "null or a number in (0, 1)")


def whole_numbers(v: Any) -> bool:
    return isinstance(v, list) and len(v) >= 1 and all(is_int(x) and x >= 1 for x in v)


def block_names(v: Any) -> bool:
    return isinstance(v, list) and len(v) >= 1 and all(isinstance(x, str) and x.endswith("Block2D") for x in v)


@dataclass
class UNet:
    """diffusers' UNet2DModel, as `gan=diffusion` builds it (its other arguments keep diffusers' defaults)."""

    sample_size: Any = setting(28, *POSITIVE_INT)
    in_channels: Any = setting(1, *POSITIVE_INT)
    out_channels: Any = setting(1, *POSITIVE_INT)
    block_out_channels: Any = setting(None, whole_numbers, "a list of integers >= 1, one per resolution")
    layers_per_block: Any = setting(1, *POSITIVE_INT)
    down_block_types: Any = setting(None, block_names, "a list of diffusers block names (DownBlock2D, ...)")
    up_block_types: Any = setting(None, block_names, "a list of diffusers block names (UpBlock2D, ...)")
    norm_num_groups: Any = setting(8, *POSITIVE_INT)


@dataclass
class RandomAffine:
    degrees: Any = setting(10.0, NON_NEGATIVE[0], "a number >= 0 (degrees)")
    translate: Any = setting(0.1, between(0, 1), "a number in [0, 1] (fraction of the size)")
    scale: Any = setting(None, lambda v: isinstance(v, list) and len(v) == 2 and all(POSITIVE[0](x) for x in v)
                         and v[0] <= v[1], "[low, high] with 0 < low <= high")
    shear: Any = setting(10.0, NON_NEGATIVE[0], "a number >= 0 (degrees)")


@dataclass
class ElasticDistortion:
    alpha: Any = setting(34.0, NON_NEGATIVE[0], "a number >= 0 (pixels)")
    sigma: Any = setting(4.0, POSITIVE[0], "a number > 0 (pixels)")


@dataclass
class Cutout:
    ratio: Any = setting(0.5, between(0, 1, low_open=True), "a number in (0, 1] (share of the side cut out)")


def devices(v: Any) -> bool:
    return v == "auto" or (is_int(v) and (v >= 1 or v == -1)) or (isinstance(v, list) and all(is_int(d) and d >= 0
                                                                                               for d in v))


STRATEGIES = ("auto", *sorted(StrategyRegistry.available_strategies()))
PRECISIONS = ("64-true", "32-true", "16-mixed", "bf16-mixed", "16-true", "bf16-true", "transformer-engine",
              "transformer-engine-float16")  # Lightning's Trainer(precision=...) strings


@dataclass
class Trainer:
    accelerator: Any = setting("cpu", one_of("cpu", "gpu", "cuda", "mps", "tpu", "auto"), "cpu, gpu, cuda, mps, tpu or auto")
    devices: Any = setting(1, devices, "an integer >= 1, -1 (all), a list of device indices, or auto")
    strategy: Any = setting("auto", one_of(*STRATEGIES), f"one of Lightning's strategies ({', '.join(STRATEGIES[:4])}, ...)")
    deterministic: Any = setting(True, one_of(True, False, "warn"), "true, false or warn")
    precision: Any = setting(None, optional(one_of(*PRECISIONS)), f"null or one of {', '.join(PRECISIONS)}")
    log_every_n_steps: Any = setting(50, *POSITIVE_INT, trains=False)
    num_sanity_val_steps: Any = setting(0, *COUNT, trains=False)
    enable_model_summary: Any = setting(False, *FLAG, trains=False)
    enable_checkpointing: Any = setting(False, *FLAG, trains=False)


@dataclass
class TensorBoard:
    name: Any = setting("tb", text, "a folder name", trains=False)
    default_hp_metric: Any = setting(False, *FLAG, trains=False)


@dataclass
class CSV:
    name: Any = setting("csv", text, "a folder name", trains=False)


@dataclass
class MLflow:
    store: Any = setting(None, text, "a folder path", trains=False)
    experiment_name: Any = setting("ganaug", text, "a name", trains=False)


@dataclass
class Wandb:
    project: Any = setting("ganaug", text, "a project name", trains=False)
    offline: Any = setting(True, *FLAG, trains=False)


TARGETS: dict[str, type] = {
    "ganaug.data.mnist.BuiltinDigits": DigitsData,
    "ganaug.data.mnist.MNISTDigits": MNISTData,
    "ganaug.data.folder.FolderDigits": FolderData,
    "ganaug.models.classifier.Classifier": ClassifierModule,
    "ganaug.models.networks.CNN": CNN,
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
