"""Networks trained on the built-in pool (5,000 MNIST digits from many writers, never the held-out half), that a
run's classifier and GAN start from before they adapt to the user's images (`pretrain=builtin`).

Each is trained once per network config and kept under `pretrain.cache_dir` (`ganaug.pipeline.cache`). The pipeline
fetches them once, before the stages, and hands them to the stages as starting states.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from ganaug.data.datamodule import DigitsDataModule
from ganaug.data.mnist import BuiltinDigits, MNISTDigits
from ganaug.models.checkpoints import checkpoint_of
from ganaug.pipeline import cache
from ganaug.pipeline.fitting import fit_gan, side_classifier
from ganaug.pipeline.settings import ClassifierRecipe, Pretraining
from ganaug.schema.validation import keyed
from ganaug.utils.plain import plain
from ganaug.utils.errors import UserError
from ganaug.utils.trainers import Workspace

log = logging.getLogger(__name__)
# What each pretrained network depends on, besides the code version: its network config and how it is trained.
CLASSIFIER_KEYS = ("classifier.module.net", "pretrain.classifier_epochs", "pretrain.classifier_training",
                   "pretrain.affine")
GAN_KEYS = ("gan.module", "pretrain.gan_steps", "pretrain.gan_batch_size")
SHIPPED_DIR = Path(str(resources.files("ganaug") / "assets" / "pretrained"))
SOURCES = ("sources_x", "sources_y")  # DAGAN's training images, which a starting state leaves out
POOL_SEED = 0  # the pool's networks are trained with this seed, whatever the run's (their keys hold no seed)


@dataclass
class StartingStates:
    """The state dicts a run's networks start from; None: random weights."""

    classifier: dict | None = None
    gan: dict | None = None


def check(pretrain: DictConfig, dm: DigitsDataModule) -> None:
    """Raise UserError when the `pretrain` group's source (`pretrain=builtin`) cannot apply to this run's data."""
    if pretrain.source is None:
        return
    if isinstance(dm, BuiltinDigits):
        raise UserError("pretrain=builtin with data=builtin would train on the pool the few-shot set comes from; "
                        "use it with data=folder")
    if isinstance(dm, MNISTDigits):
        raise UserError("pretrain=builtin with data=mnist would start from networks trained on half of MNIST's test "
                        "set, which is this run's test set; use it with data=folder")


def pool_recipe(settings: Pretraining) -> ClassifierRecipe:
    """The classifier recipe for the pool: the `pretrain` group's training settings in place of the run's own."""
    training = settings.pretrain.classifier_training
    classifier = OmegaConf.merge(settings.classifier, {
        "batch_size": training.batch_size, "freeze": False,
        "module": {k: training[k] for k in ("lr", "momentum", "weight_decay", "lr_schedule")}})
    return ClassifierRecipe(classifier, None, POOL_SEED)


def key_of(settings: Pretraining, what: str, parts: tuple[str, ...]) -> str:
    """What the pretrained `what` depends on, hashed: the settings `parts` (dotted, from the `classifier`, `gan` and
    `pretrain` groups: those of their settings that train it, not how it is sampled) and the code version."""
    groups = OmegaConf.create({"classifier": plain(settings.classifier), "gan": plain(settings.gan),
                               "pretrain": plain(settings.pretrain)})
    values = {part: keyed(plain(OmegaConf.select(groups, part))) for part in parts}
    return cache.key({"version": cache.TRAINING_VERSION, "what": what, **values})


def entry(settings: Pretraining, what: str, *parts: str) -> Path:
    """The cache file of the pretrained `what` (trained where no shipped file matches)."""
    return Path(settings.pretrain.cache_dir) / f"{what}-{key_of(settings, what, parts)}.ckpt"


def shipped(settings: Pretraining, what: str, *parts: str) -> Path:
    """Where the package ships the pretrained `what` for these settings (the file exists for the default networks)."""
    return SHIPPED_DIR / f"{what}-{key_of(settings, what, parts)}.pt"


def pool() -> BuiltinDigits:
    """The built-in pool as a data module: all 5,000 digits as the training set (no validation carved from them),
    the held-out half as its test set: never a run's test set, since pretraining is refused with data=builtin and
    data=mnist, whose test set holds the built-in digits."""
    dm = BuiltinDigits(n_per_class=None, seed=0, val_per_class=0)
    dm.setup()
    return dm


def pool_fingerprint() -> str:
    """A hash of the pool's images and labels: what a shipped network records it was trained on."""
    dm = pool()
    return cache.key([hashlib.sha256(dm.train_x.numpy().tobytes()).hexdigest(), dm.train_y.tolist()])


def load_shipped(path: Path) -> dict | None:
    """The state dict shipped at `path` in float32; None when the package ships none for this config."""
    if not path.is_file():
        return None
    saved = torch.load(path, map_location="cpu", weights_only=True)
    return {k: v.float() if v.is_floating_point() else v for k, v in saved["state_dict"].items()}


def trained_classifier(settings: Pretraining, work: Workspace) -> dict:
    """The cache entry of the configured classifier network trained on the pool (through `pretrain.affine`): its
    `state_dict` and `held_out_acc`, trained on first use with `work`'s trainer and loggers."""
    path = entry(settings, "classifier", *CLASSIFIER_KEYS)

    def train() -> dict:
        dm = pool()
        net, accuracy = side_classifier(pool_recipe(settings), work.at(path.parent / path.stem), dm, dm.train_x,
                                        dm.train_y, settings.pretrain.classifier_epochs, "pretrain_classifier",
                                        [settings.pretrain.affine], held_out=(dm.test_x, dm.test_y))
        log.info("pretrained classifier on the built-in pool: held-out accuracy %.4f (%s)", accuracy, path)
        return {"state_dict": net.net.state_dict(), "held_out_acc": accuracy}

    return cache.get_or_train(path, train, "pretrained classifier")[0]


def trained_gan(settings: Pretraining, work: Workspace) -> Path:
    """The cache entry (a checkpoint `load_gan` reads) of the configured GAN trained on the pool for
    `pretrain.gan_steps`, trained on first use with `work`'s trainer and loggers."""
    path = entry(settings, "gan", *GAN_KEYS)

    def train() -> dict:
        dm = pool()
        with torch.random.fork_rng():
            pl.seed_everything(POOL_SEED, verbose=False)
            gan = instantiate(settings.gan.module, class_names=dm.class_names)
            gan.set_real_images(dm.train_x, dm.train_y)
            group = OmegaConf.merge(settings.gan, {"batch_size": settings.pretrain.gan_batch_size})
            fit_gan(group, work.at(path.parent / path.stem), gan, dm, resume=False, steps=settings.pretrain.gan_steps)
        return checkpoint_of(gan)

    cache.get_or_train(path, train, "pretrained GAN")
    return path


def classifier_state(settings: Pretraining, work: Workspace) -> dict:
    """The configured classifier network trained on the pool: shipped with the package, else cached or trained."""
    return (load_shipped(shipped(settings, "classifier", *CLASSIFIER_KEYS))
            or trained_classifier(settings, work)["state_dict"])


def gan_state(settings: Pretraining, work: Workspace) -> dict:
    """The configured GAN (G and D) trained on the pool: shipped with the package, else cached or trained. A DAGAN's
    state holds no source images: a run gives it its own."""
    state = load_shipped(shipped(settings, "gan", *GAN_KEYS))
    if state is None:
        state = torch.load(trained_gan(settings, work), map_location="cpu", weights_only=True)["state_dict"]
    return {k: v for k, v in state.items() if k not in SOURCES}


def starting_states(settings: Pretraining, work: Workspace, with_gan: bool) -> StartingStates:
    """What the run's networks start from: with `pretrain=builtin`, the pool-trained classifier and (`with_gan`) GAN."""
    if settings.pretrain.source is None:
        return StartingStates()
    return StartingStates(classifier_state(settings, work), gan_state(settings, work) if with_gan else None)
