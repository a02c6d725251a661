"""The generator stage: train the run's generator, a GAN or diffusion (or load it from the cache), draw the fakes the classifier gets,
label them as `augment.fake_labels` says, and measure their quality."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
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
from ganaug.pipeline.starting_points import StartingStates
from ganaug.schema.groups import GENERATIONS, Pretrain
from ganaug.schema.validation import keyed
from ganaug.utils.errors import Diverged
from ganaug.utils.files import link_or_copy
from ganaug.utils.grids import save_grid
from ganaug.utils.trainers import PhaseTimer

log = logging.getLogger(__name__)
_ADAPTING_KEYS = {"adapt_steps", "freeze_d_blocks"}  # they train a generator only with pretrain=builtin


@dataclass
class GeneratorOutput:
    """What the generator stage hands on: the trained generator, the fakes for the classifier, and the measures and
    facts of both for metrics.json."""

    generator: Generator
    fakes: Fakes
    measures: dict


def gan_cache_entry(cfg: DictConfig, train_x: torch.Tensor, train_y: torch.Tensor, class_names: list[str]) -> Path:
    """The cache file of the GAN this run trains: keyed by the code's training version, the seed, what it trains on
    (the training images, their labels and class names: the data settings reach it only through them, so changed
    files under the same `data.root` train a new GAN and a classifier's batch size does not) and the settings of
    the generator and of what it started from that train it, as the schema marks them."""
    gan = keyed(OmegaConf.to_container(cfg.gan, resolve=True), GENERATIONS.get(cfg.gan.module._target_))
    key = {
        "version": cache.TRAINING_VERSION,
        "seed": cfg.seed,
        "images": hashlib.sha256(train_x.numpy().tobytes()).hexdigest(),
        "labels": hashlib.sha256(train_y.numpy().tobytes()).hexdigest(),
        "classes": class_names,
        "gan": {k: v for k, v in gan.items() if k not in _ADAPTING_KEYS},
    }
    if cfg.pretrain.source is not None:  # an adapted GAN also depends on what it started from and how it adapted
        key["pretrain"] = keyed(OmegaConf.to_container(cfg.pretrain, resolve=True), Pretrain)
        key["adapting"] = {k: gan[k] for k in _ADAPTING_KEYS if k in gan}
    return Path(cfg.paths.gan_cache) / f"{cache.key(key)}.ckpt"


def new_gan(cfg: DictConfig, dm: DigitsDataModule, init_state: dict | None) -> Generator:
    """The configured generator for `dm`'s training images: from random weights, or from `init_state` (the one
    trained on the built-in pool's digits; a class that is no digit starts from their mean embedding), a GAN with its
    discriminator's first `gan.freeze_d_blocks` blocks frozen for adapting."""
    adapting = {"freeze_d_blocks": cfg.gan.freeze_d_blocks if init_state is not None else 0} if "freeze_d_blocks" in cfg.gan else {}
    gan = instantiate(cfg.gan.module, class_names=dm.class_names, **adapting)
    if init_state is not None:
        gan.load_state_dict(transfer(init_state, gan, DIGITS, dm.class_names))
    gan.set_real_images(dm.train_x, dm.train_y)
    return gan


def fit_or_load_gan(cfg: DictConfig, dm: DigitsDataModule, output_dir: Path,
                    init_state: dict | None) -> tuple[Generator, Path, bool]:
    """The GAN for this run's seed, data and GAN config, its cache entry, and whether it came from the cache.

    It trains `gan.steps` D/G iterations, or `gan.adapt_steps` from a pretrained GAN. With `gan.on_nan=retry`, a
    GAN whose loss turns NaN is trained once more from its last checkpoint (or from the start) at a tenth of the
    learning rate.
    """
    gan = new_gan(cfg, dm, init_state)
    steps = cfg.gan.adapt_steps if init_state is not None else cfg.gan.steps

    def train() -> dict:
        try:
            fit_gan(cfg, gan, dm, output_dir, resume=cfg.resume, steps=steps)
            return checkpoint_of(gan)
        except Diverged as error:
            if cfg.gan.on_nan != "retry":
                raise
            log.warning("%s; retrying once from the last checkpoint at a tenth of the learning rate", error)
            retry = new_gan(cfg, dm, init_state)
            retry.lr_scale = 0.1
            fit_gan(cfg, retry, dm, output_dir, resume=True, steps=steps)
            return checkpoint_of(retry)

    entry = gan_cache_entry(cfg, dm.train_x, dm.train_y, dm.class_names)
    saved, cached = cache.get_or_train(entry, train, "GAN cache entry")
    gan.load_state_dict(saved["state_dict"])
    if cached:  # the run's folder holds its GAN too, for generate and evaluate
        log.info("GAN loaded from cache %s", entry)
        link_or_copy(entry, output_dir / "checkpoints" / "gan.ckpt")
    return gan, entry, cached


def fake_labels(real_labels: torch.Tensor, num_classes: int, ratio: float) -> torch.Tensor:
    """`ratio` fakes per real image of each class (rounded), as a label vector."""
    counts = torch.bincount(real_labels, minlength=num_classes).double() * ratio
    return torch.arange(num_classes).repeat_interleave(counts.round().long())


def make_fakes(cfg: DictConfig, gan: Generator, dm: DigitsDataModule, output_dir: Path) -> tuple[torch.Tensor, torch.Tensor]:
    """The run's fakes and the labels they were drawn for: `augment.ratio` per real image of each class. With
    `augment.best_of` > 1, each is the best of that many drawn for its label, judged by the configured classifier
    trained `augment.judge_epochs` on the real training images.
    """
    labels = fake_labels(dm.train_y, dm.num_classes, cfg.augment.ratio)
    if cfg.augment.best_of == 1:
        return gan.sample(labels, seed=cfg.seed), labels
    judge, _ = side_classifier(cfg, dm, dm.train_x, dm.train_y, cfg.augment.judge_epochs, output_dir, "judge")
    return best_of(gan, labels, judge, cfg.augment.best_of, seed=cfg.seed), labels


def training_targets(cfg: DictConfig, fakes: torch.Tensor, labels: torch.Tensor, dm: DigitsDataModule,
                     output_dir: Path, teacher_init: dict | None) -> tuple[torch.Tensor | None, dict]:
    """What the classifier is told about each fake (`augment.fake_labels`), and measures of it for metrics.json.

    hard: the label it was drawn for. soft: the probabilities of a teacher, the configured classifier trained on
    the real images with the run's augmentation, from `teacher_init` (`tb/teacher`; its accuracy on validation). none: nothing (None; the
    fakes are unlabelled).
    """
    if cfg.augment.fake_labels == "hard":
        return labels, {}
    if cfg.augment.fake_labels == "none":
        return None, {}
    teacher, teacher_acc = side_classifier(cfg, dm, dm.train_x, dm.train_y, cfg.classifier.epochs, output_dir,
                                           "teacher", augmentation(cfg), teacher_init)
    probs = logits_in_batches(teacher, fakes).softmax(1)
    agreement = (probs.argmax(1) == labels).double().mean().item()
    return probs, {"teacher_val_acc": teacher_acc, "teacher_agreement": agreement}


def gan_measures(cfg: DictConfig, gan: Generator, fakes: torch.Tensor, labels: torch.Tensor, dm: DigitsDataModule,
                 output_dir: Path) -> dict:
    """FID, KID, label fidelity, diversity, near-copies, (if `gan.cas_epochs`) CAS of one generator's fakes and, for
    one that draws them from real images (DAGAN, diffusion with a strength), their distance to those images."""
    with torch.random.fork_rng():  # KID draws random subsets: the same numbers every time
        torch.manual_seed(cfg.seed)
        quality = gan_quality(
            DigitFeatures.load(), fakes, labels, dm.train_x, dm.train_y, dm.val_x, dm.val_y, dm.num_classes,
            digits=dm.class_names == DIGITS,
        )
    sources = gan.sources_of(labels, cfg.seed)
    if sources is not None:  # the fakes for the labels beside the real images they were drawn from
        drawn = fakes if cfg.augment.best_of == 1 else gan.sample(labels, seed=cfg.seed)  # best-of picks others
        quality["source_distance"] = source_distance(drawn, sources.cpu(), dm.train_x, dm.train_y)
    if cfg.gan.cas_epochs:  # CAS (Ravuri & Vinyals 2019): a classifier trained on as many fakes as there are real
        # images, tested on the real validation images; off-label or collapsed fakes score low
        cas_labels = fake_labels(dm.train_y, dm.num_classes, 1.0)
        cas_fakes = gan.sample(cas_labels, seed=cfg.seed + 2)
        _, quality["cas"] = side_classifier(cfg, dm, cas_fakes, cas_labels, cfg.gan.cas_epochs, output_dir, "cas")
    return quality


def run_generator_stage(cfg: DictConfig, dm: DigitsDataModule, output_dir: Path, board: SummaryWriter | None,
                        timer: PhaseTimer, starts: StartingStates) -> GeneratorOutput:
    """Train or load the GAN, draw and label its fakes, save its grids (also to `board`, if any) and measure them."""
    with timer("gan"):
        gan, entry, cached = fit_or_load_gan(cfg, dm, output_dir, starts.gan)
    with timer("sampling"):
        images, labels = make_fakes(cfg, gan, dm, output_dir)
        targets, labelling = training_targets(cfg, images, labels, dm, output_dir, starts.classifier)
    with timer("gan_quality"):
        quality = gan_measures(cfg, gan, images, labels, dm, output_dir)
    grid_labels = torch.arange(dm.num_classes).repeat_interleave(10)
    save_grid(output_dir / "samples.png", gan.sample(grid_labels, seed=cfg.seed + 1), grid_labels, dm.class_names)
    pairs = save_grid(output_dir / "nearest.png", *nearest_pairs(images, labels, dm.train_x, dm.train_y), dm.class_names)
    if board is not None:
        board.add_image("gan/nearest_real", pairs)
    collapsed = quality["diversity_min"] < cfg.gan.collapse_below
    if collapsed:
        log.warning("GAN collapsed: diversity ratio %.2f < gan.collapse_below=%s", quality["diversity_min"], cfg.gan.collapse_below)
    measures = {"n_fake": len(labels), "gan_cached": cached, "gan_cache_entry": str(entry.resolve()), **quality,
                **labelling, "gan_collapsed": collapsed}
    return GeneratorOutput(gan, Fakes(images, targets, cfg.augment.fake_weight), measures)
