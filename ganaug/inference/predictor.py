"""A trained classifier ready to read new images: loaded from its checkpoint alone, each file prepared the way its
training images were."""
from __future__ import annotations

from pathlib import Path

import torch

from ganaug.data.preprocessing import prepare_file
from ganaug.models.checkpoints import load_classifier
from ganaug.models.classifier import Classifier
from ganaug.models.networks import logits_in_batches


class Predictor:
    """Class probabilities of a run's classifier for prepared 28×28 digits or image files."""

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier.eval()
        self.class_names: list[str] = classifier.class_names
        self.preprocessing: dict = dict(classifier.hparams.preprocessing)

    @classmethod
    def load(cls, checkpoint: Path) -> "Predictor":
        """The classifier saved in `checkpoint` (a run's checkpoints/classifier.ckpt, copied anywhere)."""
        return cls(load_classifier(checkpoint))

    def prepare(self, path: Path) -> torch.Tensor:
        """The (1, 28, 28) float digit in [0, 1] the classifier reads from an image file (raises NotADigit)."""
        return prepare_file(path, **self.preprocessing).float() / 255

    def probabilities(self, images: torch.Tensor) -> torch.Tensor:
        """(N, C) class probabilities of prepared digits (N, 1, 28, 28) in [0, 1]."""
        if len(images) == 0:
            return torch.empty(0, len(self.class_names))
        return logits_in_batches(self.classifier, images.float()).softmax(1)
