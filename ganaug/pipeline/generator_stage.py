"""The generator stage: train the run's generator, a GAN or diffusion (or load it from the cache), draw the fakes the classifier gets,
label them as `augment.fake_labels` says, and measure their quality."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig
from torch.utils.tensorboard import SummaryWriter

from ganaug.data.datamodule import DigitsDataModule, Fakes
from ganaug.data.mnist import DIGITS
from ganaug.evaluation.quality import gan_quality, nearest_pairs, source_distance
from ganaug.models.checkpoints import checkpoint_of
from ganaug.models.class_transfer import transfer
from ganaug.models.digit_features import DigitFeatures
from ganaug.models.generator import Generator
from ganaug.models.networks import logits_in_batches
from ganaug.pipeline import cache
from ganaug.pipeline.fitting import augmentation, fit_gan, side_classifier
from ganaug.pipeline.selection import best_of
from ganaug.pipeline.settings import Generation
from ganaug.pipeline.starting_points import StartingStates
from ganaug.schema.groups import GENERATIONS, Pretrain
from ganaug.schema.validation import keyed
from ganaug.utils.plain import plain
from ganaug.utils.errors import Diverged
from ganaug.utils.files import link_or_copy
from ganaug.utils.grids import save_grid
from ganaug.utils.trainers import PhaseTimer, Workspace

log = logging.getLogger(__name__)
_ADAPTING_KEYS = {"adapt_steps", "freeze_d_blocks"}  # they train a generator only with pretrain=builtin


@dataclass
class GeneratorOutput:
    """What the generator stage hands on: the trained generator, the fakes for the classifier, and the measures and
    facts of both for metrics.json."""

    generator: Generator
    fakes: Fakes
    measures: dict


def gan_cache_entry(settings: Generation, train_x: torch.Tensor, train_y: torch.Tensor, class_names: list[str]) -> Path:
    """The cache file of the GAN this run trains: keyed by the code's training version, the seed, what it trains on
    (the training images, their labels and class names: the data settings reach it only through them, so changed
    files under the same `data.root` train a new GAN and a classifier's batch size does not) and the settings of
    the generator and of what it started from that train it, as the schema marks them."""
    gan = keyed(plain(settings.gan), GENERATIONS.get(settings.gan.module._target_))
    key = {
        "version": cache.TRAINING_VERSION,
        "seed": settings.seed,
        "images": hashlib.sha256(train_x.numpy().tobytes()).hexdigest(),
        "labels": hashlib.sha256(train_y.numpy().tobytes()).hexdigest(),
        "classes": class_names,
        "gan": {k: v for k, v in gan.items() if k not in _ADAPTING_KEYS},
    }
    if settings.pretrain.source is not None:  # an adapted GAN also depends on what it started from and how it adapted
        key["pretrain"] = keyed(plain(settings.pretrain), Pretrain)
        key["adapting"] = {k: gan[k] for k in _ADAPTING_KEYS if k in gan}
    return Path(settings.cache_dir) / f"{cache.key(key)}.ckpt"


def new_gan(settings: DictConfig, dm: DigitsDataModule, init_state: dict | None) -> Generator:
    """The configured generator for `dm`'s training images: from random weights, or from `init_state` (the one
    trained on the built-in pool's digits; a class that is no digit starts from their mean embedding), a GAN with its
    discriminator's first `gan.freeze_d_blocks` blocks frozen for adapting; `settings` is the `gan` group."""
    adapting = {"freeze_d_blocks": settings.freeze_d_blocks if init_state is not None else 0} if "freeze_d_blocks" in settings else {}
    gan = instantiate(settings.module, class_names=dm.class_names, **adapting)
    if init_state is not None:
        gan.load_state_dict(transfer(init_state, gan, DIGITS, dm.class_names))
    gan.set_real_images(dm.train_x, dm.train_y)
    return gan


def fit_or_load_gan(settings: Generation, work: Workspace, dm: DigitsDataModule,
                    init_state: dict | None) -> tuple[Generator, Path, bool]:
    """The GAN for this run's seed, data and GAN config, its cache entry, and whether it came from the cache.

    It trains `gan.steps` D/G iterations, or `gan.adapt_steps` from a pretrained GAN. With `gan.on_nan=retry`, a
    GAN whose loss turns NaN is trained once more from its last checkpoint (or from the start) at a tenth of the
    learning rate.
    """
    group = settings.gan
    gan = new_gan(group, dm, init_state)
    steps = group.adapt_steps if init_state is not None else group.steps

    def train() -> dict:
        try:
            fit_gan(group, work, gan, dm, resume=work.resume, steps=steps)
            return checkpoint_of(gan)
        except Diverged as error:
            if group.on_nan != "retry":
                raise
            log.warning("%s; retrying once from the last checkpoint at a tenth of the learning rate", error)
            retry = new_gan(group, dm, init_state)
            retry.lr_scale = 0.1
            fit_gan(group, work, retry, dm, resume=True, steps=steps)
            return checkpoint_of(retry)

    entry = gan_cache_entry(settings, dm.train_x, dm.train_y, dm.class_names)
    saved, cached = cache.get_or_train(entry, train, "GAN cache entry")
    gan.load_state_dict(saved["state_dict"])
    if cached:  # the run's folder holds its GAN too, for generate and evaluate
        log.info("GAN loaded from cache %s", entry)
        link_or_copy(entry, work.output_dir / "checkpoints" / "gan.ckpt")
    return gan, entry, cached


def fake_labels(real_labels: torch.Tensor, num_classes: int, ratio: float) -> torch.Tensor:
    """`ratio` fakes per real image of each class (rounded), as a label vector."""
    counts = torch.bincount(real_labels, minlength=num_classes).double() * ratio
    return torch.arange(num_classes).repeat_interleave(counts.round().long())


def make_fakes(settings: Generation, work: Workspace, gan: Generator,
               dm: DigitsDataModule) -> tuple[torch.Tensor, torch.Tensor]:
    """The run's fakes and the labels they were drawn for: `augment.ratio` per real image of each class. With
    `augment.best_of` > 1, each is the best of that many drawn for its label, judged by the configured classifier
    trained `augment.judge_epochs` on the real training images.
    """
    augment, seed = settings.augment, settings.seed
    labels = fake_labels(dm.train_y, dm.num_classes, augment.ratio)
    if augment.best_of == 1:
        return gan.sample(labels, seed=seed), labels
    judge, _ = side_classifier(settings.recipe, work, dm, dm.train_x, dm.train_y, augment.judge_epochs, "judge")
    return best_of(gan, labels, judge, augment.best_of, seed=seed), labels


def training_targets(settings: Generation, work: Workspace, fakes: torch.Tensor, labels: torch.Tensor,
                     dm: DigitsDataModule, teacher_init: dict | None) -> tuple[torch.Tensor | None, dict]:
    """What the classifier is told about each fake (`augment.fake_labels`), and measures of it for metrics.json.

    hard: the label it was drawn for. soft: the probabilities of a teacher, the configured classifier trained on
    the real images with the run's augmentation, from `teacher_init` (`tb/teacher`; its accuracy on validation). none: nothing (None; the
    fakes are unlabelled).
    """
    recipe = settings.recipe
    if recipe.augment.fake_labels == "hard":
        return labels, {}
    if recipe.augment.fake_labels == "none":
        return None, {}
    teacher, teacher_acc = side_classifier(recipe, work, dm, dm.train_x, dm.train_y, recipe.classifier.epochs,
                                           "teacher", augmentation(recipe.augment), teacher_init)
    probs = logits_in_batches(teacher, fakes).softmax(1)
    agreement = (probs.argmax(1) == labels).double().mean().item()
    return probs, {"teacher_val_acc": teacher_acc, "teacher_agreement": agreement}


def gan_measures(settings: Generation, work: Workspace, gan: Generator, fakes: torch.Tensor, labels: torch.Tensor,
                 dm: DigitsDataModule) -> dict:
    """FID, KID, label fidelity, diversity, near-copies, (if `gan.cas_epochs`) CAS of one generator's fakes and, for
    one that draws them from real images (DAGAN, diffusion with a strength), their distance to those images."""
    with torch.random.fork_rng():  # KID draws random subsets: the same numbers every time
        torch.manual_seed(settings.seed)
        quality = gan_quality(
            DigitFeatures.load(), fakes, labels, dm.train_x, dm.train_y, dm.val_x, dm.val_y, dm.num_classes,
            digits=dm.class_names == DIGITS,
        )
    sources = gan.sources_of(labels, settings.seed)
    if sources is not None:  # the fakes for the labels beside the real images they were drawn from
        drawn = fakes if settings.augment.best_of == 1 else gan.sample(labels, seed=settings.seed)  # best-of picks others
        quality["source_distance"] = source_distance(drawn, sources.cpu(), dm.train_x, dm.train_y)
    if settings.gan.cas_epochs:  # CAS (Ravuri & Vinyals 2019): a classifier trained on as many fakes as there are real
        # images, tested on the real validation images; off-label or collapsed fakes score low
        cas_labels = fake_labels(dm.train_y, dm.num_classes, 1.0)
        cas_fakes = gan.sample(cas_labels, seed=settings.seed + 2)
        _, quality["cas"] = side_classifier(settings.recipe, work, dm, cas_fakes, cas_labels, settings.gan.cas_epochs, "cas")
    return quality


def run_generator_stage(settings: Generation, work: Workspace, dm: DigitsDataModule, board: SummaryWriter | None,
                        timer: PhaseTimer, starts: StartingStates) -> GeneratorOutput:
    """Train or load the GAN, draw and label its fakes, save its grids (also to `board`, if any) and measure them."""
    with timer("gan"):
        gan, entry, cached = fit_or_load_gan(settings, work, dm, starts.gan)
    with timer("sampling"):
        images, labels = make_fakes(settings, work, gan, dm)
        targets, labelling = training_targets(settings, work, images, labels, dm, starts.classifier)
    with timer("gan_quality"):
        quality = gan_measures(settings, work, gan, images, labels, dm)
    out = work.output_dir
    grid_labels = torch.arange(dm.num_classes).repeat_interleave(10)
    save_grid(out / "samples.png", gan.sample(grid_labels, seed=settings.seed + 1), grid_labels, dm.class_names)
    pairs = save_grid(out / "nearest.png", *nearest_pairs(images, labels, dm.train_x, dm.train_y), dm.class_names)
    if board is not None:
        board.add_image("gan/nearest_real", pairs)
    collapsed = quality["diversity_min"] < settings.gan.collapse_below
    if collapsed:
        log.warning("GAN collapsed: diversity ratio %.2f < gan.collapse_below=%s", quality["diversity_min"],
                    settings.gan.collapse_below)
    measures = {"n_fake": len(labels), "gan_cached": cached, "gan_cache_entry": str(entry.resolve()), **quality,
                **labelling, "gan_collapsed": collapsed}
    return GeneratorOutput(gan, Fakes(images, targets, settings.augment.fake_weight), measures)
