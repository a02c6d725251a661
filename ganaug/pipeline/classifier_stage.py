"""The classifier stage: the run's CNN trained on the real images and the fakes it is handed (choosing nothing: its
validation accuracy is logged every `classifier.eval_every` epochs), then tested once on the held-out set."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytorch_lightning as pl

from ganaug.data.datamodule import DigitsDataModule, Fakes
from ganaug.models.classifier import Classifier
from ganaug.pipeline.fitting import augmentation, build_classifier
from ganaug.pipeline.settings import ClassifierRecipe
from ganaug.utils.trainers import Workspace, checkpointing, make_trainer


@dataclass
class TrainedClassifier:
    """A classifier after its stage: the module, the trainer that fit it (its loggers take the run's hyperparameters)
    and its results for metrics.json."""

    module: Classifier
    trainer: pl.Trainer
    scores: dict


def train_classifier(recipe: ClassifierRecipe, work: Workspace, dm: DigitsDataModule, fakes: Fakes | None,
                     init_state: dict | None, phase: str = "classifier") -> TrainedClassifier:
    """Train the run's classifier on `dm`'s training images and `fakes` (resuming from `checkpoints/<phase>.ckpt`),
    starting from `init_state` when given, measure it on validation and test it once; logs go to `tb/<phase>`.

    The classifier starts from the same state whether a generator was trained, loaded from the cache or absent, so
    a run with fakes and its real-only control (`phase="control"`, no fakes) differ only in the fakes.
    """
    settings = recipe.classifier
    pl.seed_everything(recipe.seed, workers=True, verbose=False)
    classifier = build_classifier(recipe, dm, augmentation(recipe.augment), init_state)
    saver, resume_from = checkpointing(work.output_dir, phase, work.resume, every_n_epochs=settings.eval_every)
    trainer = make_trainer(
        work, phase, callbacks=[saver], max_epochs=settings.epochs, check_val_every_n_epoch=settings.eval_every,
        enable_checkpointing=True,
    )
    dm.fakes = fakes
    try:
        trainer.fit(classifier, datamodule=dm, ckpt_path=resume_from)
    finally:
        dm.fakes = None
    trainer.save_checkpoint(Path(saver.dirpath) / f"{phase}.ckpt")
    trainer.validate(classifier, datamodule=dm, verbose=False)
    final = {k.split("/")[-1]: v.item() for k, v in trainer.callback_metrics.items() if k.startswith("classifier/")}
    trainer.test(classifier, datamodule=dm, verbose=False)
    scores = {"val_acc": final["val_acc"], "train_acc": final["train_acc"],
              "test_acc": trainer.callback_metrics["classifier/test_acc"].item(),
              "per_class_test_acc": classifier.per_class, "curve": classifier.history,
              "confusion": classifier.confusion}
    return TrainedClassifier(classifier, trainer, scores)
