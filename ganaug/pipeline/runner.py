"""One run, stage by stage: data → generator (when the experiment adds fakes) → classifier → its paired real-only
control (when fakes were added) → results. The runner is the one reader of the whole config: it hands each stage
only its own settings (`stage_settings`); each stage returns what the next one takes; the pretrained starting
states are fetched once, before the stages."""
from __future__ import annotations

import contextlib
import logging
from pathlib import Path

import pytorch_lightning as pl
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from ganaug.data.datamodule import DigitsDataModule
from ganaug.models.generator import Generator
from ganaug.pipeline import starting_points
from ganaug.pipeline.classifier_stage import train_classifier
from ganaug.pipeline.control_stage import paired_control
from ganaug.pipeline.generator_stage import run_generator_stage
from ganaug.pipeline.settings import ClassifierRecipe, Control, Generation, Pretraining, Stages
from ganaug.utils import results
from ganaug.utils.config import detached, validate
from ganaug.utils.grids import save_grid
from ganaug.utils.loggers import finish, log_files, log_hyperparams, run_board
from ganaug.utils.progress import duration
from ganaug.utils.trainers import PhaseTimer, Workspace

log = logging.getLogger(__name__)


def stage_settings(cfg: DictConfig, output_dir: Path) -> Stages:
    """Each stage's own settings, cut out of the run's config, and the workspace its phases train in."""
    recipe = ClassifierRecipe(detached(cfg.classifier), detached(cfg.augment), cfg.seed)
    pretrain, data = detached(cfg.pretrain), detached(cfg.data)
    gan, adds_fakes = detached(cfg.gan), bool(cfg.augment.gan)
    generation = Generation(gan, pretrain, Path(cfg.paths.gan_cache), recipe) if adds_fakes else None
    control = Control(recipe, data, pretrain, Path(cfg.paths.control_cache)) if adds_fakes and cfg.control else None
    return Stages(data=data, pretraining=Pretraining(pretrain, recipe.classifier, gan), recipe=recipe,
                  generation=generation, control=control,
                  work=Workspace.of(cfg, output_dir))


def load_data(data: DictConfig, pretrain: DictConfig) -> DigitsDataModule:
    """The data stage: the `data` group's data module, set up, checked against the run's `pretrain` group."""
    dm: DigitsDataModule = instantiate(data)
    dm.setup()
    starting_points.check(pretrain, dm)
    return dm


def describe_run(cfg: DictConfig, dm: DigitsDataModule, generator: Generator | None) -> dict:
    """The facts of a run, as metrics.json, TensorBoard and the summary line all give them."""
    return {
        "experiment": cfg.experiment_name, "seed": cfg.seed, "n_per_class": cfg.data.n_per_class,
        "ratio": cfg.augment.ratio if generator is not None else 0.0,
        "fake_labels": cfg.augment.fake_labels if generator is not None else None,
        "gan": type(generator).__name__ if generator is not None else None,
        "pretrain": cfg.pretrain.source,
        "data": dm.name, "n_train_real": len(dm.train_y), "n_val": len(dm.val_y), "n_test": len(dm.test_y),
        "class_names": dm.class_names,
    }


# What TensorBoard's HParams view shows of every run, besides the settings its command line changed.
HPARAM_FACTS = ("experiment", "seed", "n_per_class", "ratio", "fake_labels", "gan", "pretrain")
HPARAM_METRICS = ("val_acc", "test_acc", "gain", "val_gain", "control_val_acc", "control_test_acc", "train_acc", "fid",
                  "kid", "cas", "label_fidelity", "diversity_min", "near_copy_rate", "source_distance",
                  "teacher_val_acc")


def hyperparameters(cfg: DictConfig, facts: dict, overrides: list[str]) -> dict:
    """The run's facts and every setting its command line set (`augment.ratio=2` → `augment.ratio: 2.0`; a config
    group's choice by its option name), for the loggers' hyperparameter views."""
    params = {key: "none" if facts[key] is None else facts[key] for key in HPARAM_FACTS}
    for override in overrides:
        key, _, value = override.lstrip("+~").partition("=")
        if key.startswith("hydra") or key.startswith("paths"):
            continue
        chosen = OmegaConf.select(cfg, key, default=value)
        params[key] = chosen if isinstance(chosen, (int, float, str, bool)) else value
    return params


def summary(metrics: dict, output_dir: Path) -> str:
    """The run's one-line summary."""
    parts = [f"{metrics['experiment']} seed={metrics['seed']}: test_acc={metrics['test_acc']:.4f}"]
    if "gain" in metrics:
        parts[0] += (f" vs {metrics['control_test_acc']:.4f} without the fakes (paired control): "
                     f"gain {100 * metrics['gain']:+.2f} points (validation {100 * metrics['val_gain']:+.2f})")
    parts += [f"val_acc={metrics['val_acc']:.4f}", f"train_acc={metrics['train_acc']:.4f}",
              f"{metrics['n_train_real']} real"]
    if results.used_generator(metrics):
        parts.append(f"{metrics['n_fake']} fakes ({results.fakes_labelled(metrics['fake_labels'])}, FID {metrics['fid']:.1f})")
    if metrics["n_skipped"]:
        parts.append(f"{metrics['n_skipped']} image(s) skipped (listed in {output_dir / results.FILENAME})")
    return ", ".join(parts) + f", {duration(sum(metrics['time_s'].values()))}"


def run(cfg: DictConfig, output_dir: Path, overrides: list[str] = ()) -> dict:
    """Run one experiment and write its results into `output_dir`; returns them. `overrides`: the command line's
    settings, shown beside the results in the loggers' hyperparameter views."""
    validate(cfg)
    output_dir.mkdir(parents=True, exist_ok=True)
    stages = stage_settings(cfg, output_dir)
    work = stages.work
    pl.seed_everything(cfg.seed, workers=True, verbose=False)
    timer = PhaseTimer()
    with timer("data"):
        dm = load_data(stages.data, stages.pretraining.pretrain)
    with timer("pretrained") if cfg.pretrain.source is not None else contextlib.nullcontext():  # a phase only when used
        starts = starting_points.starting_states(stages.pretraining, work, with_gan=stages.generation is not None)
    board = run_board(work.logger, output_dir)
    real = save_grid(output_dir / "real.png", dm.train_x, dm.train_y, dm.class_names)
    if board is not None:
        board.add_image("data/train_images", real)
    generated = None
    if stages.generation is not None:
        generated = run_generator_stage(stages.generation, work, dm, board, timer, starts)
    if board is not None:
        board.close()
    facts = describe_run(cfg, dm, generated.generator if generated else None)
    measures = generated.measures if generated else {}
    with timer("classifier"):
        trained = train_classifier(stages.recipe, work, dm, generated.fakes if generated else None, starts.classifier)
    scores = trained.scores
    if stages.control is not None:
        with timer("control"):
            control = paired_control(stages.control, work, dm, starts.classifier)
        scores = {**scores, **control, "gain": scores["test_acc"] - control["control_test_acc"],
                  "val_gain": scores["val_acc"] - control["control_val_acc"]}
    log_hyperparams(trained.trainer.loggers, hyperparameters(cfg, facts, list(overrides)),
                    {f"hparams/{k}": v for k in HPARAM_METRICS if (v := {**measures, **scores}.get(k)) is not None},
                    trained.trainer.global_step)
    log_files(trained.trainer.loggers, [output_dir / name for name in ("real.png", "samples.png", "nearest.png")])
    finish(trained.trainer.loggers)
    metrics = {**facts, "n_skipped": len(dm.skipped), "skipped": dm.skipped, **measures, **scores,
               "time_s": dict(timer), "config": OmegaConf.to_container(cfg, resolve=True)}
    log.info(summary(metrics, output_dir))
    return results.write_complete(output_dir, metrics)
