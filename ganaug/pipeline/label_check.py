"""The label check that learns the user's hand: out-of-fold class probabilities for every image of a data set from
the configured classifier trained on the set itself (k-fold cross-validation, started from the pool-trained
network), and the images confident learning finds mislabelled (cleanlab's `find_label_issues`, per-class
thresholds set from the data)."""
from __future__ import annotations

import importlib.util
import warnings

import torch
from hydra.utils import instantiate

from ganaug.data.datamodule import training_loader
from ganaug.data.mnist import DIGITS
from ganaug.models.class_transfer import transfer
from ganaug.models.networks import logits_in_batches
from ganaug.pipeline.settings import LabelCheck
from ganaug.pipeline.starting_points import classifier_state
from ganaug.utils.errors import UserError
from ganaug.utils.trainers import Workspace, make_trainer


def folds_of(y: torch.Tensor, folds: int, seed: int) -> torch.Tensor:
    """Each image's fold, stratified (scikit-learn's StratifiedKFold, shuffled with `seed`): `folds` of them, or as many
    as the largest class has images (a class with fewer is spread over as many folds as it fills)."""
    from sklearn.model_selection import StratifiedKFold  # with cleanlab, which the learned check needs

    largest = int(y.bincount().max())
    if largest < 2:
        raise UserError("the learned label check needs a class with two images or more; add images, or use "
                        "check.mode=quick")
    fold = torch.empty_like(y)
    splitter = StratifiedKFold(n_splits=min(folds, largest), shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # that a small class fills fewer folds than asked: as intended
        warnings.filterwarnings("ignore", ".*least populated class.*")
        for k, (_, held) in enumerate(splitter.split(y.numpy().reshape(-1, 1), y.numpy())):
            fold[torch.from_numpy(held)] = k
    return fold


def out_of_fold_probabilities(settings: LabelCheck, work: Workspace, x: torch.Tensor, y: torch.Tensor,
                              class_names: list[str]) -> torch.Tensor:
    """(N, C) class probabilities of every image from a classifier that did not train on it (`check.folds` folds,
    `check.epochs` epochs each, every fold started from the pool-trained classifier)."""
    classifier_settings, check = settings.pretraining.classifier, settings.check
    start = transfer(classifier_state(settings.pretraining, work),
                     instantiate(classifier_settings.module.net, num_classes=len(class_names)), DIGITS, class_names)
    fold = folds_of(y, check.folds, settings.seed)
    probs = torch.zeros(len(y), len(class_names))
    for k in range(int(fold.max()) + 1):
        held, kept = fold == k, fold != k
        torch.manual_seed(settings.seed + k)
        classifier = instantiate(classifier_settings.module, class_names=class_names)
        classifier.net.load_state_dict(start)
        trainer = make_trainer(work, f"label_check_fold{k}", max_epochs=check.epochs, limit_val_batches=0)
        loader = training_loader(x[kept], y[kept], len(class_names), classifier_settings.batch_size)
        trainer.fit(classifier, train_dataloaders=loader)
        probs[held] = logits_in_batches(classifier.eval(), x[held]).softmax(1)
    return probs


def available() -> bool:
    """Whether cleanlab, which the learned check needs (the 'check' extra), is installed."""
    return importlib.util.find_spec("cleanlab") is not None


def label_issues(probs: torch.Tensor, y: torch.Tensor) -> list[int]:
    """The images confident learning finds mislabelled, most likely first."""
    try:
        from cleanlab.filter import find_label_issues
    except ImportError:
        raise UserError("check=learned needs cleanlab: pip install 'ganaug[check]', or use check=quick") from None
    if len(y.unique()) < 2:
        return []
    found = find_label_issues(y.numpy(), probs.double().numpy(), return_indices_ranked_by="self_confidence")
    return [int(i) for i in found]
