"""The small digit set: the built-in MNIST split into a pool and a held-out test set, held as tensors."""
from __future__ import annotations

import gzip
from importlib import resources
from pathlib import Path

import numpy as np
import pytorch_lightning as pl
import torch
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset

from ganaug.errors import UserError

BUILTIN_DIR = Path(str(resources.files("ganaug") / "assets" / "mnist"))
NUM_CLASSES = 10


def read_idx(path: Path) -> np.ndarray:
    """Read a gzipped IDX file (MNIST's format) into a uint8 array."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], "big")
    ndim = magic & 0xFF
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_builtin(directory: Path = BUILTIN_DIR) -> tuple[torch.Tensor, torch.Tensor]:
    """The 10,000 MNIST test digits as (N, 1, 28, 28) uint8 images and (N,) int64 labels."""
    images = read_idx(directory / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(directory / "t10k-labels-idx1-ubyte.gz")
    return torch.from_numpy(images.copy()).unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


def builtin_split(labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices of the pool (even positions) and the held-out test set (odd positions).

    The rule is fixed so every run and every user sees the same 5,000 held-out digits; alternating
    positions puts both MNIST writer groups (Census staff, students) in both halves.
    """
    index = torch.arange(len(labels))
    return index[0::2], index[1::2]


def per_class_subset(labels: torch.Tensor, n_per_class: int, seed: int, what: str) -> torch.Tensor:
    """Indices of a class-balanced random subset with `n_per_class` of each label, chosen by `seed`."""
    generator = torch.Generator().manual_seed(seed)
    chosen = []
    for c in labels.unique(sorted=True).tolist():
        members = (labels == c).nonzero().flatten()
        if len(members) < n_per_class:
            raise UserError(
                f"{what}: class {c} has {len(members)} images, fewer than n_per_class={n_per_class}; "
                f"lower data.n_per_class or add images"
            )
        chosen.append(members[torch.randperm(len(members), generator=generator)[:n_per_class]])
    return torch.cat(chosen).sort().values


def tensor_loader(x: torch.Tensor, y: torch.Tensor, batch_size: int, shuffle: bool) -> DataLoader:
    """A DataLoader that indexes in-memory tensors a whole batch at a time: no workers, no per-sample collate."""
    dataset = TensorDataset(x, y)
    sampler = RandomSampler(dataset) if shuffle else SequentialSampler(dataset)
    return DataLoader(dataset, sampler=BatchSampler(sampler, batch_size, drop_last=False), batch_size=None)


class DigitsDataModule(pl.LightningDataModule):
    """A seeded few-shot training set and a held-out test set of 28×28 digits, as float tensors in [0, 1].

    Fakes from a GAN can be added with `add_fakes`; they go into the training loader only.
    """

    def __init__(
        self,
        n_per_class: int = 30,
        seed: int = 0,
        test_per_class: int | None = None,
        batch_size: int = 32,
        eval_batch_size: int = 1000,
    ) -> None:
        super().__init__()
        self.n_per_class = n_per_class
        self.seed = seed
        self.test_per_class = test_per_class
        self.batch_size = batch_size
        self.eval_batch_size = eval_batch_size
        self.class_names = [str(c) for c in range(NUM_CLASSES)]
        self.fake_x = torch.empty(0, 1, 28, 28)
        self.fake_y = torch.empty(0, dtype=torch.long)

    def setup(self, stage: str | None = None) -> None:
        if hasattr(self, "train_x"):
            return
        images, labels = load_builtin()
        pool, test = builtin_split(labels)
        train = pool[per_class_subset(labels[pool], self.n_per_class, self.seed, "built-in pool")]
        if self.test_per_class is not None:
            test = test[per_class_subset(labels[test], self.test_per_class, self.seed, "built-in test set")]
        self.train_index, self.test_index = train, test
        self.train_x, self.train_y = images[train].float() / 255, labels[train]
        self.test_x, self.test_y = images[test].float() / 255, labels[test]

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def add_fakes(self, x: torch.Tensor, y: torch.Tensor) -> None:
        """Add labelled generated images (in [0, 1]) to the training loader."""
        self.fake_x, self.fake_y = x, y

    def real_loader(self, shuffle: bool = True, batch_size: int | None = None) -> DataLoader:
        """The real training images only (what the GAN trains on)."""
        return tensor_loader(self.train_x, self.train_y, batch_size or self.batch_size, shuffle)

    def train_dataloader(self) -> DataLoader:
        x = torch.cat([self.train_x, self.fake_x])
        y = torch.cat([self.train_y, self.fake_y])
        return tensor_loader(x, y, self.batch_size, shuffle=True)

    def val_dataloader(self) -> list[DataLoader]:
        """Held-out test set, then the real training images (for train accuracy in eval mode)."""
        return [
            tensor_loader(self.test_x, self.test_y, self.eval_batch_size, shuffle=False),
            tensor_loader(self.train_x, self.train_y, self.eval_batch_size, shuffle=False),
        ]

    def test_dataloader(self) -> DataLoader:
        return tensor_loader(self.test_x, self.test_y, self.eval_batch_size, shuffle=False)
