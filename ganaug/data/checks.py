"""Checks of a prepared data set a person should look at: images the digit network reads as another digit, and
the files that were skipped."""
from __future__ import annotations

from pathlib import Path

import torch
from torchvision.transforms.functional import resize

from ganaug.data.datamodule import DigitsDataModule
from ganaug.data.mnist import DIGITS
from ganaug.data.preprocessing import NotADigit, read_gray
from ganaug.models.digit_features import DigitFeatures
from ganaug.utils.grids import save_grid

CONFIDENT = 0.95  # a reading at least this sure, of another digit than the folder's, makes an image a suspect


def all_images(dm: DigitsDataModule) -> tuple[torch.Tensor, torch.Tensor, list[str]]:
    """Every prepared image of the data set (training, validation and test images), its label and its file."""
    y = torch.cat([dm.train_y, dm.val_y, dm.test_y])
    files = dm.train_files + dm.val_files + dm.test_files
    return torch.cat([dm.train_x, dm.val_x, dm.test_x]), y, files or [f"image {i}" for i in range(len(y))]


def suspects(dm: DigitsDataModule, out: Path) -> list[str] | None:
    """The quick check: the prepared images the shipped digit network reads, with probability ≥ CONFIDENT, as another
    digit than their folder says, listed and drawn into `out`. None when the classes are not the digits 0–9 (the
    network knows nothing else). Nothing is moved or dropped."""
    if dm.class_names != DIGITS:
        return None
    x, y, _ = all_images(dm)
    probs = DigitFeatures.load().probabilities(x)
    confidence, reading = probs.max(1)
    return listed(dm, ((reading != y) & (confidence >= CONFIDENT)).nonzero().flatten().tolist(), probs, out)


def listed(dm: DigitsDataModule, flagged: list[int], probs: torch.Tensor, out: Path) -> list[str]:
    """The flagged images as `file: folder 7, reads 1 (0.97)`, drawn into `out` (one row per folder class)."""
    x, y, files = all_images(dm)
    confidence, reading = probs.max(1)
    if flagged:
        save_grid(out, x[flagged], y[flagged], dm.class_names)
    return [f"{files[i]}: folder {dm.class_names[y[i]]}, reads {dm.class_names[reading[i]]} ({confidence[i]:.2f})"
            for i in flagged]


def skipped_grid(dm: DigitsDataModule, out: Path) -> int:
    """Draw the skipped files that can still be decoded (e.g. found blank) into `out`, one row per class, as they
    were on disk; returns how many."""
    images, labels = [], []
    for entry in dm.skipped:
        path = Path(entry.split(": ", 1)[0])  # "file: reason", the reason may hold ": " too
        label = dm.class_names.index(path.parent.name) if path.parent.name in dm.class_names else None
        try:
            gray = read_gray(path)
        except (NotADigit, OSError):
            continue
        if label is not None:
            images.append(resize(gray[None], [28, 28], antialias=True).clamp(0, 1))
            labels.append(label)
    if images:
        save_grid(out, torch.stack(images), torch.tensor(labels), dm.class_names)
    return len(images)
