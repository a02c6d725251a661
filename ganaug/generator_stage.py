"""The generator stage: train the run's GAN (or load it from the cache), draw the fakes the classifier gets,
label them as `augment.fake_labels` says, and measure their quality."""
from __future__ import annotations

import logging
from pathlib import Path

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig
from torch.utils.tensorboard import SummaryWriter

from ganaug import cache, pretraining
from ganaug.callbacks import GANMonitor
from ganaug.classifier_stage import augmentation, side_classifier
from ganaug.dagan import DAGAN
from ganaug.data import DIGITS, DigitsDataModule
from ganaug.errors import Diverged
from ganaug.gan import GAN
from ganaug.grids import save_grid
from ganaug.networks import logits_in_batches
from ganaug.quality import DigitFeatures, gan_quality, nearest_pairs, source_distance
from ganaug.selection import best_of
from ganaug.trainers import PhaseTimer, checkpointing, make_trainer

log = logging.getLogger(__name__)


def train_gan(cfg: DictConfig, gan: GAN, dm: DigitsDataModule, output_dir: Path, resume: bool, steps: int) -> None:
    """Fit the GAN for `steps` D/G iterations, logging samples and keeping its checkpoint current."""
    monitor = GANMonitor(dm.train_x, dm.train_y, dm.class_names, every_n_steps=cfg.gan.sample_every)
    # Lightning counts one step per optimizer step: a D/G iteration is two.
    saver, resume_from = checkpointing(output_dir, "gan", resume, every_n_train_steps=2 * cfg.gan.checkpoint_every)
    trainer = make_trainer(cfg, output_dir, "gan", callbacks=[monitor, saver], unit="iterations", steps_per_unit=2,
                           max_steps=2 * steps, enable_checkpointing=True)
    trainer.fit(gan, train_dataloaders=dm.real_loader(batch_size=cfg.gan.batch_size), ckpt_path=resume_from)
    trainer.save_checkpoint(Path(saver.dirpath) / "gan.ckpt")


def new_gan(cfg: DictConfig, dm: DigitsDataModule) -> GAN:
    """The configured GAN for `dm`'s training images: from random weights, or with `pretrain=builtin` from the GAN
    trained on the built-in pool, its discriminator's first `gan.freeze_d_blocks` blocks frozen for adapting."""
    pretrained = cfg.pretrain.source is not None
    gan: GAN = instantiate(cfg.gan.module, class_names=dm.class_names,
                           freeze_d_blocks=cfg.gan.freeze_d_blocks if pretrained else 0)
    if pretrained:
        gan.load_state_dict(pretraining.gan_state(cfg))
    gan.set_real_images(dm.train_x, dm.train_y)
    return gan


def fit_or_load_gan(cfg: DictConfig, dm: DigitsDataModule, output_dir: Path) -> tuple[GAN, Path, bool]:
    """The GAN for this run's seed, data and GAN config, its cache entry, and whether it came from the cache.

    It trains `gan.steps` D/G iterations, or `gan.adapt_steps` from a pretrained GAN. With `gan.on_nan=retry`, a
    GAN whose loss turns NaN is trained once more from its last checkpoint (or from the start) at a tenth of the
    learning rate.
    """
    gan = new_gan(cfg, dm)
    steps = cfg.gan.adapt_steps if cfg.pretrain.source is not None else cfg.gan.steps
    entry = Path(cfg.paths.gan_cache) / f"{cache.cache_key(cfg, dm.train_x)}.ckpt"
    with cache.locked(entry):
        state = cache.load_state(entry)
        if state is not None:
            gan.load_state_dict(state)
            log.info("GAN loaded from cache %s", entry)
            return gan, entry, True
        try:
            train_gan(cfg, gan, dm, output_dir, resume=cfg.resume, steps=steps)
        except Diverged as error:
            if cfg.gan.on_nan != "retry":
                raise
            log.warning("%s; retrying once from the last checkpoint at a tenth of the learning rate", error)
            gan = new_gan(cfg, dm)
            gan.lr_scale = 0.1
            train_gan(cfg, gan, dm, output_dir, resume=True, steps=steps)
        cache.store(gan, entry)
        return gan, entry, False


def fake_labels(real_labels: torch.Tensor, num_classes: int, ratio: float) -> torch.Tensor:
    """`ratio` fakes per real image of each class (rounded), as a label vector."""
    counts = torch.bincount(real_labels, minlength=num_classes).double() * ratio
    return torch.arange(num_classes).repeat_interleave(counts.round().long())


def make_fakes(cfg: DictConfig, gan: GAN, dm: DigitsDataModule, output_dir: Path) -> tuple[torch.Tensor, torch.Tensor]:
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
                     output_dir: Path) -> tuple[torch.Tensor | None, dict]:
    """What the classifier is told about each fake (`augment.fake_labels`), and measures of it for metrics.json.

    hard: the label it was drawn for. soft: the probabilities of a teacher, the configured classifier trained on
    the real images with the run's augmentation (and pretraining) (`tb/teacher`). none: nothing (None; the fakes are unlabelled).
    """
    if cfg.augment.fake_labels == "hard":
        return labels, {}
    if cfg.augment.fake_labels == "none":
        return None, {}
    teacher, teacher_acc = side_classifier(cfg, dm, dm.train_x, dm.train_y, cfg.classifier.epochs, output_dir,
                                           "teacher", augmentation(cfg), pretrained=True)
    probs = logits_in_batches(teacher, fakes).softmax(1)
    agreement = (probs.argmax(1) == labels).double().mean().item()
    return probs, {"teacher_test_acc": teacher_acc, "teacher_agreement": agreement}


def gan_measures(cfg: DictConfig, gan: GAN, fakes: torch.Tensor, labels: torch.Tensor, dm: DigitsDataModule,
                 output_dir: Path) -> dict:
    """FID, KID, label fidelity, diversity, near-copies, (if `gan.cas_epochs`) CAS of one GAN's fakes and, for
    DAGAN, their distance to the images they were drawn from."""
    with torch.random.fork_rng():  # KID draws random subsets: the same numbers every time
        torch.manual_seed(cfg.seed)
        quality = gan_quality(
            DigitFeatures.load(), fakes, labels, dm.train_x, dm.train_y, dm.test_x, dm.test_y, dm.num_classes,
            digits=dm.class_names == DIGITS,
        )
    if isinstance(gan, DAGAN):  # fresh fakes for the labels, each beside the real image it was drawn from
        sources = gan.sources_x[gan.source_index(labels, cfg.seed)].cpu()
        quality["source_distance"] = source_distance(gan.sample(labels, seed=cfg.seed), sources, dm.train_x, dm.train_y)
    if cfg.gan.cas_epochs:  # CAS (Ravuri & Vinyals 2019): a classifier trained on as many fakes as there are real
        # images, tested on the held-out real ones; off-label or collapsed fakes score low
        cas_labels = fake_labels(dm.train_y, dm.num_classes, 1.0)
        cas_fakes = gan.sample(cas_labels, seed=cfg.seed + 2)
        _, quality["cas"] = side_classifier(cfg, dm, cas_fakes, cas_labels, cfg.gan.cas_epochs, output_dir, "cas")
    return quality


def run_generator_stage(cfg: DictConfig, dm: DigitsDataModule, output_dir: Path, board: SummaryWriter,
                        timer: PhaseTimer) -> dict:
    """Train or load the GAN, add its fakes to `dm`, save its grids; its results for metrics.json."""
    with timer("gan"):
        gan, entry, cached = fit_or_load_gan(cfg, dm, output_dir)
    with timer("sampling"):
        fakes, labels = make_fakes(cfg, gan, dm, output_dir)
        targets, labelling = training_targets(cfg, fakes, labels, dm, output_dir)
        dm.add_fakes(fakes, targets, cfg.augment.fake_weight)
    with timer("gan_quality"):
        quality = gan_measures(cfg, gan, fakes, labels, dm, output_dir)
    grid_labels = torch.arange(dm.num_classes).repeat_interleave(10)
    save_grid(output_dir / "samples.png", gan.sample(grid_labels, seed=cfg.seed + 1), grid_labels, dm.class_names)
    pairs = save_grid(output_dir / "nearest.png", *nearest_pairs(fakes, labels, dm.train_x, dm.train_y), dm.class_names)
    board.add_image("gan/nearest_real", pairs)
    collapsed = quality["diversity_min"] < cfg.gan.collapse_below
    if collapsed:
        log.warning("GAN collapsed: diversity ratio %.2f < gan.collapse_below=%s", quality["diversity_min"], cfg.gan.collapse_below)
    return {"n_fake": len(labels), "gan_cached": cached, "gan_cache_entry": str(entry.resolve()), **quality,
            **labelling, "gan_collapsed": collapsed}
