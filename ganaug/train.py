"""`python -m ganaug.train experiment=NAME`: optional GAN, then the CNN, results in the Hydra output folder."""
from __future__ import annotations

import json
import logging
import os
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import hydra
import pytorch_lightning as pl
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.callbacks import ModelCheckpoint
from pytorch_lightning.loggers import TensorBoardLogger

from ganaug import cache
from ganaug.callbacks import GANMonitor
from ganaug.classifier import Classifier
from ganaug.config import CONFIG_DIR, check_group_keys, validate
from ganaug.data import DIGITS, DigitsDataModule, tensor_loader
from ganaug.errors import Diverged, UserError
from ganaug.files import write_json
from ganaug.gan import GAN
from ganaug.grids import save_grid
from ganaug.quality import DigitFeatures, classification_accuracy_score, gan_quality, nearest_pairs
from ganaug.selection import best_of

log = logging.getLogger(__name__)
HPARAM_METRICS = ("test_acc", "train_acc", "fid", "kid", "cas", "label_fidelity", "diversity_min", "near_copy_rate")


def quiet_lightning() -> None:
    """Silence Lightning's messages that say nothing useful for these runs.

    Called at import (for `run` used as a library) and again from `main`: a parallel launcher's worker may
    receive `main` by value without importing this module.
    """
    logging.getLogger("pytorch_lightning").setLevel(logging.WARNING)  # start-up banners
    warnings.filterwarnings("ignore", ".*smaller than the logging interval.*")  # tiny epochs
    # The GAN's checkpoints hold the state after each D/G iteration, which is what a resumed run needs.
    warnings.filterwarnings("ignore", ".*no pre-optimization state was saved.*")


quiet_lightning()


class PhaseTimer(dict):
    """Wall seconds per named phase."""

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self[phase] = round(self.get(phase, 0.0) + time.perf_counter() - start, 3)


def make_trainer(cfg: DictConfig, output_dir: Path, phase: str, **kwargs) -> pl.Trainer:
    """A Trainer from `cfg.trainer` logging to TensorBoard under `output_dir/tb/<phase>`."""
    logger = TensorBoardLogger(save_dir=str(output_dir), name="tb", version=phase, default_hp_metric=False)
    return instantiate(cfg.trainer)(logger=logger, **kwargs)


def checkpointing(output_dir: Path, phase: str, resume: bool, **every) -> tuple[ModelCheckpoint, str | None]:
    """A callback that keeps `checkpoints/<phase>.ckpt` up to date, and the checkpoint to resume from, if any."""
    path = output_dir / "checkpoints" / f"{phase}.ckpt"
    callback = ModelCheckpoint(dirpath=path.parent, filename=phase, enable_version_counter=False, **every)
    if resume and path.exists():
        try:
            torch.load(path, map_location="cpu", weights_only=False)
        except Exception as error:  # truncated by a kill or a full disk: start this phase afresh
            log.warning("checkpoint %s is unreadable (%s); training %s from the start", path, type(error).__name__, phase)
            path.unlink()
            return callback, None
        log.info("resuming %s from %s", phase, path)
        return callback, str(path)
    return callback, None


def train_gan(cfg: DictConfig, gan: GAN, dm: DigitsDataModule, output_dir: Path, resume: bool) -> None:
    """Fit the GAN for `gan.steps` D/G iterations, logging samples and keeping its checkpoint current."""
    monitor = GANMonitor(dm.train_x, dm.train_y, dm.class_names, every_n_steps=cfg.gan.sample_every)
    # Lightning counts one step per optimizer step: a D/G iteration is two.
    saver, resume_from = checkpointing(output_dir, "gan", resume, every_n_train_steps=2 * cfg.gan.checkpoint_every)
    trainer = make_trainer(
        cfg, output_dir, "gan", max_steps=2 * cfg.gan.steps, callbacks=[monitor, saver], enable_checkpointing=True
    )
    trainer.fit(gan, train_dataloaders=dm.real_loader(batch_size=cfg.gan.batch_size), ckpt_path=resume_from)
    trainer.save_checkpoint(saver.dirpath + "/gan.ckpt")


def fit_or_load_gan(cfg: DictConfig, dm: DigitsDataModule, output_dir: Path) -> tuple[GAN, Path, bool]:
    """The GAN for this run's seed, data and GAN config, its cache entry, and whether it came from the cache.

    With `gan.on_nan=retry`, a GAN whose loss turns NaN is trained once more from its last checkpoint
    (or from the start) at a tenth of the learning rate.
    """
    gan: GAN = instantiate(cfg.gan.module)
    entry = Path(cfg.paths.gan_cache) / f"{cache.cache_key(cfg, dm.train_x)}.ckpt"
    with cache.locked(entry):
        state = cache.load_state(entry)
        if state is not None:
            gan.load_state_dict(state)
            log.info("GAN loaded from cache %s", entry)
            return gan, entry, True
        try:
            train_gan(cfg, gan, dm, output_dir, resume=cfg.resume)
        except Diverged as error:
            if cfg.gan.on_nan != "retry":
                raise
            log.warning("%s; retrying once from the last checkpoint at a tenth of the learning rate", error)
            gan = instantiate(cfg.gan.module)
            gan.lr_scale = 0.1
            train_gan(cfg, gan, dm, output_dir, resume=True)
        cache.store(gan, entry)
        return gan, entry, False


def fake_labels(real_labels: torch.Tensor, num_classes: int, ratio: float) -> torch.Tensor:
    """`ratio` fakes per real image of each class (rounded), as a label vector."""
    counts = torch.bincount(real_labels, minlength=num_classes).double() * ratio
    return torch.arange(num_classes).repeat_interleave(counts.round().long())


def side_classifier(cfg: DictConfig, dm: DigitsDataModule, x: torch.Tensor, y: torch.Tensor, epochs: int,
                    output_dir: Path, phase: str) -> Classifier:
    """The configured classifier trained `epochs` on (x, y), logging to `tb/<phase>`. It runs on its own random
    stream, so the run's own classifier is the same with or without it.
    """
    with torch.random.fork_rng():
        pl.seed_everything(cfg.seed, verbose=False)
        classifier = instantiate(cfg.classifier.module, class_names=dm.class_names)
        trainer = make_trainer(cfg, output_dir, phase, max_epochs=epochs)
        trainer.fit(classifier, train_dataloaders=tensor_loader(x, y, batch_size=cfg.classifier.batch_size, shuffle=True))
    return classifier.eval()


def cas(cfg: DictConfig, gan: GAN, dm: DigitsDataModule, output_dir: Path) -> float:
    """The GAN's classification accuracy score: the configured classifier trained for `gan.cas_epochs` on as many
    fakes as there are real training images, tested on the held-out set.
    """
    labels = fake_labels(dm.train_y, dm.num_classes, 1.0)
    fakes = gan.sample(labels, seed=cfg.seed + 2)
    classifier = side_classifier(cfg, dm, fakes, labels, cfg.gan.cas_epochs, output_dir, "cas")
    return classification_accuracy_score(classifier, dm.test_x, dm.test_y)


def make_fakes(cfg: DictConfig, gan: GAN, dm: DigitsDataModule, output_dir: Path) -> tuple[torch.Tensor, torch.Tensor]:
    """The run's fakes and their labels: `augment.ratio` per real image of each class. With `augment.best_of` > 1,
    each is the best of that many drawn for its label, judged by the configured classifier trained
    `augment.judge_epochs` on the real training images.
    """
    labels = fake_labels(dm.train_y, dm.num_classes, cfg.augment.ratio)
    if cfg.augment.best_of == 1:
        return gan.sample(labels, seed=cfg.seed), labels
    judge = side_classifier(cfg, dm, dm.train_x, dm.train_y, cfg.augment.judge_epochs, output_dir, "judge")
    return best_of(gan, labels, judge, cfg.augment.best_of, seed=cfg.seed), labels


def gan_measures(cfg: DictConfig, gan: GAN, fakes: torch.Tensor, labels: torch.Tensor, dm: DigitsDataModule,
                 output_dir: Path) -> dict:
    """FID, KID, label fidelity, diversity, near-copies and (if `gan.cas_epochs`) CAS of one GAN's fakes."""
    with torch.random.fork_rng():  # KID draws random subsets: the same numbers every time
        torch.manual_seed(cfg.seed)
        quality = gan_quality(
            DigitFeatures.load(), fakes, labels, dm.train_x, dm.train_y, dm.test_x, dm.test_y, dm.num_classes,
            digits=dm.class_names == DIGITS,
        )
    if cfg.gan.cas_epochs:
        quality["cas"] = cas(cfg, gan, dm, output_dir)
    return quality


def run(cfg: DictConfig, output_dir: Path) -> dict:
    """Run one experiment and write `metrics.json` into `output_dir`; returns the metrics."""
    validate(cfg)
    output_dir.mkdir(parents=True, exist_ok=True)
    pl.seed_everything(cfg.seed, workers=True, verbose=False)
    timer = PhaseTimer()
    metrics: dict = {
        "experiment": cfg.experiment_name,
        "seed": cfg.seed,
        "ratio": cfg.augment.ratio if cfg.augment.gan else 0.0,
        "n_per_class": cfg.data.n_per_class,
    }
    with timer("data"):
        dm: DigitsDataModule = instantiate(cfg.data)
        dm.setup()
    cfg.num_classes = dm.num_classes
    metrics.update(
        data=dm.name, n_train_real=len(dm.train_y), n_test=len(dm.test_y), class_names=dm.class_names,
        n_skipped=len(dm.skipped), skipped=dm.skipped,
    )
    board = TensorBoardLogger(save_dir=str(output_dir), name="tb", version="run").experiment  # run-level images
    board.add_image("data/train_images", save_grid(output_dir / "real.png", dm.train_x, dm.train_y, dm.class_names))

    if cfg.augment.gan:
        with timer("gan"):
            gan, entry, cached = fit_or_load_gan(cfg, dm, output_dir)
        with timer("sampling"):
            fakes, labels = make_fakes(cfg, gan, dm, output_dir)
            dm.add_fakes(fakes, labels, cfg.augment.fake_weight)
        with timer("gan_quality"):
            quality = gan_measures(cfg, gan, fakes, labels, dm, output_dir)
        grid_labels = torch.arange(dm.num_classes).repeat_interleave(10)
        save_grid(output_dir / "samples.png", gan.sample(grid_labels, seed=cfg.seed + 1), grid_labels, dm.class_names)
        pairs = save_grid(output_dir / "nearest.png", *nearest_pairs(fakes, labels, dm.train_x, dm.train_y), dm.class_names)
        board.add_image("gan/nearest_real", pairs)
        metrics.update(n_fake=len(labels), gan_cached=cached, gan_cache_entry=str(entry.resolve()), **quality)
        metrics["gan_collapsed"] = quality["diversity_min"] < cfg.gan.collapse_below
        if metrics["gan_collapsed"]:
            log.warning("GAN collapsed: diversity ratio %.2f < gan.collapse_below=%s", quality["diversity_min"], cfg.gan.collapse_below)
    board.close()

    with timer("classifier"):
        # the classifier starts from the same state whether the GAN was trained, loaded from the cache or absent
        pl.seed_everything(cfg.seed, workers=True, verbose=False)
        augmentation = instantiate(cfg.augment.affine) if cfg.augment.classic else None
        classifier = instantiate(cfg.classifier.module, augmentation=augmentation, class_names=dm.class_names)
        saver, resume_from = checkpointing(output_dir, "classifier", cfg.resume, every_n_epochs=cfg.classifier.eval_every)
        trainer = make_trainer(
            cfg,
            output_dir,
            "classifier",
            max_epochs=cfg.classifier.epochs,
            check_val_every_n_epoch=cfg.classifier.eval_every,
            callbacks=[saver],
            enable_checkpointing=True,
        )
        trainer.fit(classifier, datamodule=dm, ckpt_path=resume_from)
        trainer.save_checkpoint(saver.dirpath + "/classifier.ckpt")
    with timer("evaluation"):
        trainer.validate(classifier, datamodule=dm, verbose=False)
    final = {k.split("/")[-1]: v.item() for k, v in trainer.callback_metrics.items() if k.startswith("classifier/")}
    metrics.update(
        test_acc=final["test_acc"], train_acc=final["train_acc"], curve=classifier.history, confusion=classifier.confusion
    )
    trainer.logger.log_hyperparams(
        {"experiment": cfg.experiment_name, "seed": cfg.seed, "ratio": metrics["ratio"], "n_per_class": cfg.data.n_per_class},
        {f"hparams/{k}": metrics[k] for k in HPARAM_METRICS if metrics.get(k) is not None},
    )
    metrics.update(time_s=dict(timer), config=OmegaConf.to_container(cfg, resolve=True), status="complete")
    write_json(output_dir / "metrics.json", metrics)
    log.info("%s seed=%s: test_acc=%.4f train_acc=%.4f", cfg.experiment_name, cfg.seed, metrics["test_acc"], metrics["train_acc"])
    return metrics


def finished(output_dir: Path) -> dict | None:
    """The metrics of a run that completed in `output_dir` before; None if absent, unreadable or incomplete."""
    try:
        metrics = json.loads((output_dir / "metrics.json").read_text())
    except (OSError, ValueError):
        return None
    return metrics if isinstance(metrics, dict) and metrics.get("status") == "complete" else None


def thread_count(threads: int | str, launcher: DictConfig) -> int | None:
    """Torch threads for one run: `threads` if a number; for "auto", the cores a parallel launcher leaves each run
    (submitit's cpus_per_task, or the cores over joblib's n_jobs), or None (torch's default) when runs go one by one.
    """
    if threads != "auto":
        return int(threads)
    cpus_per_task = OmegaConf.select(launcher, "cpus_per_task")
    if cpus_per_task:
        return int(cpus_per_task)
    n_jobs = OmegaConf.select(launcher, "n_jobs")
    if not n_jobs:
        return None
    cores = os.cpu_count() or 1
    parallel = n_jobs if n_jobs > 0 else max(1, cores + 1 + n_jobs)  # joblib: -1 is every core, -2 all but one
    return max(1, cores // parallel)


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="train")
def main(cfg: DictConfig) -> float:
    quiet_lightning()
    hydra_cfg = HydraConfig.get()
    output_dir = Path(hydra_cfg.runtime.output_dir)
    if threads := thread_count(cfg.threads, hydra_cfg.launcher):
        torch.set_num_threads(threads)
    if cfg.resume and (previous := finished(output_dir)):
        log.info("skipping %s: finished before (test_acc=%.4f); resume=false reruns it", output_dir, previous["test_acc"])
        return previous["test_acc"]
    try:
        return run(cfg, output_dir)["test_acc"]
    except Diverged as error:  # this run fails; the rest of a sweep goes on
        log.error("run failed: %s", error)
        failed = {"experiment": cfg.experiment_name, "seed": cfg.seed, "status": "failed", "error": str(error)}
        write_json(output_dir / "metrics.json", failed)
        return float("nan")
    except UserError as error:
        print(f"ganaug: error: {error}", file=sys.stderr)
        sys.exit(2)


def multirun_flag_first(argv: list[str]) -> list[str]:
    """Move `-m`/`--multirun` before the overrides: Hydra's parser rejects `experiment=x -m seed=0,1` otherwise."""
    flags = [arg for arg in argv if arg in ("-m", "--multirun")]
    return flags + [arg for arg in argv if arg not in flags]


if __name__ == "__main__":
    sys.argv[1:] = multirun_flag_first(sys.argv[1:])
    try:
        check_group_keys(sys.argv[1:], "train")
    except UserError as error:
        print(f"ganaug: error: {error}", file=sys.stderr)
        sys.exit(2)
    main()
