"""The small digit set: a seeded few-shot training set, a validation set and a held-out test set, held as tensors.

`DigitsDataModule` does the subsetting and the loaders; each source (the built-in MNIST test set,
torchvision's MNIST, a folder of the user's own images in `ganaug.data.folder`) only implements `load`. Training
and validation images come from the source's pool, never the same image in both; test images are the source's
held-out set, read once at the end of a run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    RandomSampler,
    SequentialSampler,
    TensorDataset,
)

from ganaug.utils.errors import UserError


@dataclass
class Fakes:
    """Generated images (in [0, 1]) for the classifier's training set: `targets` are the class indices they were drawn
    for, a teacher's probabilities, or None (unlabelled); each one's loss is weighted by `weight` (a real image's is 1)."""

    images: torch.Tensor
    targets: torch.Tensor | None
    weight: float = 1.0


@dataclass
class Split:
    """What a source provides: uint8 (N, 1, 28, 28) images, light ink on black, with int64 labels. A source with a
    validation set of its own (a folder's val/) gives it as `val_x`/`val_y`; otherwise it is carved from the pool."""

    pool_x: torch.Tensor
    pool_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    class_names: list[str]
    skipped: list[str] = field(default_factory=list)  # "file: reason" for every unusable input file
    pool_files: list[str] = field(default_factory=list)  # the file of each pool / test image, for sources that have files
    test_files: list[str] = field(default_factory=list)
    val_x: torch.Tensor | None = None
    val_y: torch.Tensor | None = None
    val_files: list[str] = field(default_factory=list)


def shuffled_classes(labels: torch.Tensor, num_classes: int, seed: int) -> list[torch.Tensor]:
    """For each class, the indices of its members in an order drawn with `seed`."""
    generator = torch.Generator().manual_seed(seed)
    members = [(labels == c).nonzero().flatten() for c in range(num_classes)]
    return [m[torch.randperm(len(m), generator=generator)] for m in members]


def per_class_subset(labels: torch.Tensor, n_per_class: int | None, seed: int, what: str, names: list[str]) -> torch.Tensor:
    """Indices of a class-balanced random subset with `n_per_class` of each label, chosen by `seed`; all of
    them when `n_per_class` is None."""
    if n_per_class is None:
        return torch.arange(len(labels))
    counts = labels.bincount(minlength=len(names)).tolist()
    short = [(name, count) for name, count in zip(names, counts) if count < n_per_class]
    if short:
        name, count = short[0]
        raise UserError(
            f"{what}: class '{name}' has {count} images, fewer than n_per_class={n_per_class}; "
            f"use data.n_per_class={min(counts)} or less (or null for all images), or add images"
        )
    return torch.cat([order[:n_per_class] for order in shuffled_classes(labels, len(names), seed)]).sort().values


def train_val_split(labels: torch.Tensor, n_per_class: int | None, n_val: Callable[[int], int], seed: int,
                    what: str, names: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices of the training and the validation images of a pool, disjoint: of each class (in an order drawn with
    `seed`) the first `n_per_class` train (None: all but the validation images) and the last `n_val(count)` validate.

    The training images are those `per_class_subset` draws with the same seed, with or without validation.
    """
    counts = labels.bincount(minlength=len(names)).tolist()
    largest = min(count - n_val(count) for count in counts)  # the most training images every class can give
    train, val = [], []
    for name, count, order in zip(names, counts, shuffled_classes(labels, len(names), seed)):
        held = n_val(count)
        wanted = count - held if n_per_class is None else n_per_class
        if wanted < 1 or wanted + held > count:
            usable = f"{count - held} after the {held} held for validation" if held else f"{count} to train on"
            raise UserError(
                f"{what}: class '{name}' has {count} images ({usable}), too few for "
                f"{'training' if n_per_class is None else f'n_per_class={n_per_class}'}; "
                + (f"use data.n_per_class={largest} or less, " if largest >= 1 else "")
                + "hold fewer for validation (data.val_per_class, data.val_fraction), or add images"
            )
        train.append(order[:wanted])
        val.append(order[count - held:])
    return torch.cat(train).sort().values, torch.cat(val).sort().values


def at_most_per_class(labels: torch.Tensor, index: torch.Tensor, limit: int, num_classes: int, seed: int) -> torch.Tensor:
    """Of the images `index` picks, at most `limit` of each class (all of a class that has fewer), chosen by `seed`."""
    kept = [index[order[:limit]] for order in shuffled_classes(labels[index], num_classes, seed)]
    return torch.cat(kept).sort().values


def tensor_loader(*tensors: torch.Tensor, batch_size: int, shuffle: bool) -> DataLoader:
    """A DataLoader that indexes in-memory tensors a whole batch at a time: no workers, no per-sample collate."""
    dataset = TensorDataset(*tensors)
    sampler = RandomSampler(dataset) if shuffle else SequentialSampler(dataset)
    return DataLoader(dataset, sampler=BatchSampler(sampler, batch_size, drop_last=False), batch_size=None)


def training_tensors(
    x: torch.Tensor, targets: torch.Tensor | None, num_classes: int, weight: float = 1.0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """What the classifier trains on: images, target probabilities, loss weights and unlabelled flags.

    `targets` are class indices (N,) or probabilities (N, C); None marks the images as unlabelled.
    """
    n = len(x)
    if targets is None:
        probs, unlabelled = torch.zeros(n, num_classes), torch.ones(n, dtype=torch.bool)
    else:
        probs = F.one_hot(targets, num_classes).float() if targets.dim() == 1 else targets.float()
        unlabelled = torch.zeros(n, dtype=torch.bool)
    return x, probs, torch.full((n,), float(weight)), unlabelled


def training_loader(x: torch.Tensor, y: torch.Tensor, num_classes: int, batch_size: int) -> DataLoader:
    """Shuffled batches of labelled images in the classifier's training format."""
    return tensor_loader(*training_tensors(x, y, num_classes), batch_size=batch_size, shuffle=True)


class DigitsDataModule(pl.LightningDataModule):
    """A seeded few-shot training set (`n_per_class` per class from the source's pool, or the whole pool but the
    validation images when it is None), a validation set from the rest of the pool (`val_per_class` per class, or
    `val_fraction` of each class when that is None) and the source's test set, as float tensors in [0, 1].
    Subclasses implement `load`; generated images join the classifier's training set through `fakes`, set before fit.

    Everything that chooses (a ratio, a step count, a default) reads validation; test is read once, at the end.
    """

    name = "digits"

    def __init__(
        self,
        n_per_class: int | None = 30,
        seed: int = 0,
        val_per_class: int | None = None,
        val_fraction: float | None = 0.2,
        test_per_class: int | None = None,
        max_test_per_class: int | None = None,
        batch_size: int = 32,
        eval_batch_size: int = 1000,
    ) -> None:
        super().__init__()
        self.n_per_class = n_per_class
        self.seed = seed
        self.val_per_class = val_per_class
        self.val_fraction = val_fraction
        self.test_per_class = test_per_class
        self.max_test_per_class = max_test_per_class
        self.batch_size = batch_size
        self.eval_batch_size = eval_batch_size
        self.fakes: Fakes | None = None

    def load(self) -> Split:
        """The source's pool and test set."""
        raise NotImplementedError

    def validation_count(self, pool_count: int) -> int:
        """How many of a class's `pool_count` pool images are held for validation."""
        if self.val_per_class is not None:
            return self.val_per_class
        held = round(pool_count * (self.val_fraction or 0.0))
        return max(held, 1) if self.val_fraction else 0

    def setup(self, stage: str | None = None) -> None:
        if hasattr(self, "train_x"):
            return
        split = self.load()
        self.class_names, self.skipped = split.class_names, split.skipped
        names = split.class_names
        self.pool_counts = split.pool_y.bincount(minlength=len(names)).tolist()
        if split.val_x is None:
            self.train_index, self.val_index = train_val_split(
                split.pool_y, self.n_per_class, self.validation_count, self.seed, f"{self.name} pool", names)
            val_x, val_y = split.pool_x[self.val_index], split.pool_y[self.val_index]
            self.val_files = [split.pool_files[i] for i in self.val_index.tolist()] if split.pool_files else []
        else:  # the source's own validation set
            self.train_index = per_class_subset(split.pool_y, self.n_per_class, self.seed, f"{self.name} training images", names)
            self.val_index = torch.arange(len(split.val_y))
            val_x, val_y, self.val_files = split.val_x, split.val_y, split.val_files
        self.test_index = torch.arange(len(split.test_y))
        if self.test_per_class is not None:
            self.test_index = per_class_subset(split.test_y, self.test_per_class, self.seed, f"{self.name} test set", names)
        if self.max_test_per_class is not None:
            self.test_index = at_most_per_class(split.test_y, self.test_index, self.max_test_per_class, len(names), self.seed)
        self.train_x, self.train_y = split.pool_x[self.train_index].float() / 255, split.pool_y[self.train_index]
        self.val_x, self.val_y = val_x.float() / 255, val_y
        self.test_x, self.test_y = split.test_x[self.test_index].float() / 255, split.test_y[self.test_index]
        self.train_files = [split.pool_files[i] for i in self.train_index.tolist()] if split.pool_files else []
        self.test_files = [split.test_files[i] for i in self.test_index.tolist()] if split.test_files else []

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def preprocessing(self) -> dict:
        """How an image file becomes one of this data set's digits (`ganaug.data.preprocessing.prepare_file`'s
        options): what a trained model needs to read new images the same way."""
        return {"invert": "auto", "keep_28x28": True}

    def real_loader(self, shuffle: bool = True, batch_size: int | None = None) -> DataLoader:
        """The real training images and labels only (what the GAN trains on)."""
        return tensor_loader(self.train_x, self.train_y, batch_size=batch_size or self.batch_size, shuffle=shuffle)

    def train_dataloader(self) -> DataLoader:
        """The real training images, then `fakes` if set, in the classifier's training format (`training_tensors`)."""
        parts = [training_tensors(self.train_x, self.train_y, self.num_classes)]
        if self.fakes is not None:
            parts.append(training_tensors(self.fakes.images, self.fakes.targets, self.num_classes, self.fakes.weight))
        return tensor_loader(*(torch.cat(tensors) for tensors in zip(*parts)), batch_size=self.batch_size, shuffle=True)

    def val_dataloader(self) -> list[DataLoader]:
        """The validation set, then the real training images (for train accuracy in eval mode)."""
        return [
            tensor_loader(self.val_x, self.val_y, batch_size=self.eval_batch_size, shuffle=False),
            tensor_loader(self.train_x, self.train_y, batch_size=self.eval_batch_size, shuffle=False),
        ]

    def test_dataloader(self) -> DataLoader:
        """The held-out test set."""
        return tensor_loader(self.test_x, self.test_y, batch_size=self.eval_batch_size, shuffle=False)
