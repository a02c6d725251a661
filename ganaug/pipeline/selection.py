"""Choosing which fakes join the training set: for each one wanted, the best of several drawn for its label,
judged by a classifier trained on the real images only."""
from __future__ import annotations

import torch
from torch import nn

from ganaug.models.generator import Generator
from ganaug.models.networks import logits_in_batches


def label_probability(classifier: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The probability `classifier` gives each image of being its label `y`."""
    probs = logits_in_batches(classifier.eval(), x).softmax(1)
    return probs[torch.arange(len(y)), y]


def best_of(gan: Generator, labels: torch.Tensor, judge: nn.Module, pool: int, seed: int) -> torch.Tensor:
    """One fake per entry of `labels`: of `pool` drawn for that label, the one `judge` finds likeliest to be it."""
    candidate_labels = labels.repeat_interleave(pool)
    candidates = gan.sample(candidate_labels, seed=seed)
    score = label_probability(judge, candidates, candidate_labels).view(len(labels), pool)
    return candidates.view(len(labels), pool, *candidates.shape[1:])[torch.arange(len(labels)), score.argmax(1)]
