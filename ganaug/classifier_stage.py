"""The classifier stage: the run's CNN trained on the real (and any generated) images and tested on the held-out
set; and the side classifiers other stages train (CAS, the best-of judge, the soft-label teacher)."""
from __future__ import annotations

from pathlib import Path

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate
from omegaconf import DictConfig

from ganaug import pretraining
from ganaug.classifier import Classifier
from ganaug.data import DigitsDataModule, tensor_loader, training_loader
from ganaug.trainers import checkpointing, make_trainer

HPARAM_METRICS = ("test_acc", "train_acc", "fid", "kid", "cas", "label_fidelity", "diversity_min", "near_copy_rate",
                  "source_distance", "teacher_test_acc")


def augmentation(cfg: DictConfig) -> list[DictConfig]:
    """The transform configs of the run's classic augmentation: those of the recipe that are on, in order."""
    recipe = [(cfg.augment.random_affine, cfg.augment.affine), (cfg.augment.elastic, cfg.augment.distortion)]
    return [transform for on, transform in recipe if on] if cfg.augment.classic else []


def build(cfg: DictConfig, dm: DigitsDataModule, transforms: list[DictConfig], pretrained: bool = False) -> Classifier:
    """The configured classifier for `dm`'s classes, training through `transforms`; with `pretrained` and
    `pretrain=builtin`, its network starts from the one trained on the built-in pool."""
    classifier = instantiate(
        cfg.classifier.module, augmentation=transforms, class_names=dm.class_names,
        strong_augmentation=cfg.augment.strong, confidence=cfg.augment.confidence,
        unlabelled_weight=cfg.augment.unlabelled_weight, freeze_features=cfg.classifier.freeze,
    )
    if pretrained and cfg.pretrain.source is not None:
        classifier.net.load_state_dict(pretraining.classifier_state(cfg))
    return classifier


def side_classifier(cfg: DictConfig, dm: DigitsDataModule, x: torch.Tensor, y: torch.Tensor, epochs: int,
                    output_dir: Path, phase: str, transforms: list[DictConfig] = (),
                    pretrained: bool = False) -> tuple[Classifier, float]:
    """The configured classifier trained `epochs` on (x, y) through `transforms`, logging to `tb/<phase>`, and its
    held-out accuracy. It runs on its own random stream, so the run's own classifier is the same with or without it.
    """
    with torch.random.fork_rng():
        pl.seed_everything(cfg.seed, verbose=False)
        classifier = build(cfg, dm, list(transforms), pretrained)
        trainer = make_trainer(cfg, output_dir, phase, max_epochs=epochs, check_val_every_n_epoch=epochs)
        trainer.fit(
            classifier, train_dataloaders=training_loader(x, y, dm.num_classes, cfg.classifier.batch_size),
            val_dataloaders=[dm.val_dataloader()[0], tensor_loader(x, y, batch_size=dm.eval_batch_size, shuffle=False)],
        )
    return classifier.eval(), trainer.callback_metrics["classifier/test_acc"].item()


def train_classifier(cfg: DictConfig, dm: DigitsDataModule, output_dir: Path, measures: dict) -> dict:
    """Train the run's classifier (resuming from its checkpoint), then test it; its results for metrics.json.

    TensorBoard's hparams view gets the run's settings, its accuracies and those of `measures` (the generator
    stage's results) that HPARAM_METRICS names.
    """
    # the classifier starts from the same state whether a generator was trained, loaded from the cache or absent
    pl.seed_everything(cfg.seed, workers=True, verbose=False)
    classifier = build(cfg, dm, augmentation(cfg), pretrained=True)
    saver, resume_from = checkpointing(output_dir, "classifier", cfg.resume, every_n_epochs=cfg.classifier.eval_every)
    trainer = make_trainer(
        cfg, output_dir, "classifier", callbacks=[saver], max_epochs=cfg.classifier.epochs,
        check_val_every_n_epoch=cfg.classifier.eval_every, enable_checkpointing=True,
    )
    trainer.fit(classifier, datamodule=dm, ckpt_path=resume_from)
    trainer.save_checkpoint(Path(saver.dirpath) / "classifier.ckpt")
    trainer.validate(classifier, datamodule=dm, verbose=False)
    final = {k.split("/")[-1]: v.item() for k, v in trainer.callback_metrics.items() if k.startswith("classifier/")}
    scores = {**measures, "test_acc": final["test_acc"], "train_acc": final["train_acc"]}
    trainer.logger.log_hyperparams(
        {"experiment": cfg.experiment_name, "seed": cfg.seed, "n_per_class": cfg.data.n_per_class,
         "ratio": cfg.augment.ratio if cfg.augment.gan else 0.0, "fake_labels": cfg.augment.fake_labels,
         "gan": cfg.gan.module._target_.rsplit(".", 1)[-1], "pretrain": str(cfg.pretrain.source)},
        {f"hparams/{k}": scores[k] for k in HPARAM_METRICS if scores.get(k) is not None},
    )
    return {"test_acc": final["test_acc"], "train_acc": final["train_acc"], "curve": classifier.history,
            "confusion": classifier.confusion}
