"""The classifier stage: the run's CNN trained on the real images and the fakes it is handed, then tested on the
held-out set."""
from __future__ import annotations

from pathlib import Path

import pytorch_lightning as pl
from omegaconf import DictConfig

from ganaug.data.datamodule import DigitsDataModule, Fakes
from ganaug.pipeline.fitting import augmentation, build_classifier
from ganaug.utils.loggers import log_hyperparams
from ganaug.utils.trainers import checkpointing, make_trainer

HPARAM_METRICS = ("test_acc", "train_acc", "fid", "kid", "cas", "label_fidelity", "diversity_min", "near_copy_rate",
                  "source_distance", "teacher_test_acc")
HPARAM_FACTS = ("experiment", "seed", "n_per_class", "ratio", "fake_labels", "gan", "pretrain")


def train_classifier(cfg: DictConfig, dm: DigitsDataModule, fakes: Fakes | None, init_state: dict | None,
                     facts: dict, measures: dict, output_dir: Path) -> dict:
    """Train the run's classifier on `dm`'s training images and `fakes` (resuming from its checkpoint), starting
    from `init_state` when given, then test it; its results for metrics.json.

    Every logger gets the run's `facts` (`describe_run`), its accuracies and those of `measures` (the
    generator stage's results) that HPARAM_METRICS names.
    """
    # the classifier starts from the same state whether a generator was trained, loaded from the cache or absent
    pl.seed_everything(cfg.seed, workers=True, verbose=False)
    classifier = build_classifier(cfg, dm, augmentation(cfg), init_state)
    saver, resume_from = checkpointing(output_dir, "classifier", cfg.resume, every_n_epochs=cfg.classifier.eval_every)
    trainer = make_trainer(
        cfg, output_dir, "classifier", callbacks=[saver], max_epochs=cfg.classifier.epochs,
        check_val_every_n_epoch=cfg.classifier.eval_every, enable_checkpointing=True,
    )
    trainer.fit(classifier, train_dataloaders=dm.train_dataloader(fakes), val_dataloaders=dm.val_dataloader(),
                ckpt_path=resume_from)
    trainer.save_checkpoint(Path(saver.dirpath) / "classifier.ckpt")
    trainer.validate(classifier, dataloaders=dm.val_dataloader(), verbose=False)
    final = {k.split("/")[-1]: v.item() for k, v in trainer.callback_metrics.items() if k.startswith("classifier/")}
    scores = {**measures, "test_acc": final["test_acc"], "train_acc": final["train_acc"]}
    log_hyperparams(
        trainer.loggers, {key: "none" if facts[key] is None else facts[key] for key in HPARAM_FACTS},
        {f"hparams/{k}": scores[k] for k in HPARAM_METRICS if scores.get(k) is not None}, trainer.global_step,
    )
    return {"test_acc": final["test_acc"], "train_acc": final["train_acc"], "curve": classifier.history,
            "confusion": classifier.confusion}
