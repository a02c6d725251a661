"""The built-in digits (the MNIST test set shipped in the package, split into a pool and a held-out half) and
torchvision's MNIST, as data modules."""
from __future__ import annotations

import gzip
from importlib import resources
from pathlib import Path

import numpy as np
import torch

from ganaug.data.datamodule import DigitsDataModule, Split
from ganaug.models.registry import register
from ganaug.utils.errors import UserError

BUILTIN_DIR = Path(str(resources.files("ganaug") / "assets" / "mnist"))
DIGITS = [str(c) for c in range(10)]


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



@register("builtin_digits")
class BuiltinDigits(DigitsDataModule):
    """The MNIST test set shipped in the package: 5,000 pool digits and 5,000 held-out digits."""

    name = "builtin"

    def load(self) -> Split:
        images, labels = load_builtin()
        pool, test = builtin_split(labels)
        return Split(images[pool], labels[pool], images[test], labels[test], DIGITS)


@register("mnist_digits")
class MNISTDigits(DigitsDataModule):
    """torchvision's MNIST under `root`: the 60,000 training digits are the pool, the 10,000 test digits held out."""

    name = "mnist"

    def __init__(self, root: str, download: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.root, self.download = str(Path(root).expanduser()), download

    def load(self) -> Split:
        from torchvision.datasets import MNIST

        try:
            train = MNIST(self.root, train=True, download=self.download)
            test = MNIST(self.root, train=False, download=self.download)
        except (RuntimeError, OSError) as error:  # torchvision raises RuntimeError for a missing set and a failed download
            if "not found" in str(error):
                raise UserError(
                    f"MNIST is not in data.root={self.root} (expected {self.root}/MNIST/raw/); "
                    f"set data.download=true to download it (needs internet)"
                ) from None
            if self.download:
                reason = str(error).strip().splitlines()[0]
                raise UserError(
                    f"could not download MNIST into data.root={self.root} ({reason}); check the connection, "
                    f"or copy MNIST's raw files into {self.root}/MNIST/raw/"
                ) from None
            raise
        return Split(train.data[:, None], train.targets, test.data[:, None], test.targets, DIGITS)
