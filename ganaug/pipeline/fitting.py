"""Fitting one network with Lightning, as every stage does it: the classifier (the run's own and the side ones:
CAS, the best-of judge, the soft-label teacher, the pretrained one) and the generator (a GAN or diffusion)."""
from __future__ import annotations

from pathlib import Path

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate
from omegaconf import DictConfig

from ganaug.data.datamodule import DigitsDataModule, tensor_loader, training_loader
from ganaug.data.mnist import DIGITS
from ganaug.models.class_transfer import transfer
from ganaug.models.classifier import Classifier
from ganaug.models.generator import Generator
from ganaug.pipeline.callbacks import GANMonitor
from ganaug.pipeline.settings import ClassifierRecipe
from ganaug.utils.trainers import Workspace, checkpointing, make_trainer


def augmentation(augment: DictConfig) -> list[DictConfig]:
    """The transform configs of the `augment` group's classic recipe: those that are on, in order."""
    recipe = [(augment.random_affine, augment.affine), (augment.elastic, augment.distortion)]
    return [transform for on, transform in recipe if on] if augment.classic else []


def build_classifier(recipe: ClassifierRecipe, dm: DigitsDataModule, transforms: list[DictConfig],
                     init_state: dict | None = None) -> Classifier:
    """The recipe's classifier for `dm`'s classes and images, training through `transforms`; its network starts
    from `init_state` when given (a network trained on the built-in pool's digits: a class that is no digit gets
    a new row of the head)."""
    augment = recipe.augment
    unlabelled = {} if augment is None else {"strong_augmentation": augment.strong, "confidence": augment.confidence,
                                             "unlabelled_weight": augment.unlabelled_weight}
    classifier = instantiate(recipe.classifier.module, augmentation=transforms, class_names=dm.class_names,
                             preprocessing=dm.preprocessing, freeze_features=recipe.classifier.freeze, **unlabelled)
    if init_state is not None:
        classifier.net.load_state_dict(transfer(init_state, classifier.net, DIGITS, dm.class_names))
    return classifier


def side_classifier(recipe: ClassifierRecipe, work: Workspace, dm: DigitsDataModule, x: torch.Tensor, y: torch.Tensor,
                    epochs: int, phase: str, transforms: list[DictConfig] = (), init_state: dict | None = None,
                    held_out: tuple[torch.Tensor, torch.Tensor] | None = None) -> tuple[Classifier, float]:
    """The recipe's classifier trained `epochs` on (x, y) through `transforms`, logging to `tb/<phase>`, and its
    accuracy on `held_out` (default: `dm`'s validation set; never its test set). It runs on its own random stream, so
    the run's own classifier is the same with or without it.
    """
    held_x, held_y = held_out if held_out is not None else (dm.val_x, dm.val_y)
    with torch.random.fork_rng():
        pl.seed_everything(recipe.seed, verbose=False)
        classifier = build_classifier(recipe, dm, list(transforms), init_state)
        trainer = make_trainer(work, phase, max_epochs=epochs, check_val_every_n_epoch=epochs)
        trainer.fit(
            classifier, train_dataloaders=training_loader(x, y, dm.num_classes, recipe.classifier.batch_size),
            val_dataloaders=[tensor_loader(held_x, held_y, batch_size=dm.eval_batch_size, shuffle=False),
                             tensor_loader(x, y, batch_size=dm.eval_batch_size, shuffle=False)],
        )
    return classifier.eval(), trainer.callback_metrics["classifier/val_acc"].item()


def fit_gan(settings: DictConfig, work: Workspace, gan: Generator, dm: DigitsDataModule, resume: bool,
            steps: int) -> None:
    """Fit the generator for `steps` iterations (a GAN's are D/G iterations) as its group's `settings` say, logging
    samples and keeping `checkpoints/gan.ckpt` current."""
    monitor = GANMonitor(dm.train_x, dm.train_y, dm.class_names, every_n_steps=settings.sample_every,
                         per_class=settings.monitor_per_class)
    # Lightning counts one step per optimizer step: a GAN's D/G iteration is two.
    per_iteration = gan.optimizer_steps
    saver, resume_from = checkpointing(work.output_dir, "gan", resume,
                                       every_n_train_steps=per_iteration * settings.checkpoint_every)
    trainer = make_trainer(work, "gan", callbacks=[monitor, saver], unit="iterations",
                           steps_per_unit=per_iteration, max_steps=per_iteration * steps, enable_checkpointing=True)
    trainer.fit(gan, train_dataloaders=dm.real_loader(batch_size=settings.batch_size), ckpt_path=resume_from)
    trainer.save_checkpoint(Path(saver.dirpath) / "gan.ckpt")
