"""`data=folder`: the user's own digit images, one sub-folder per class, preprocessed once and cached.

Layouts: `ROOT/train/<class>/*` and `ROOT/test/<class>/*` (and `ROOT/val/<class>/*`, the validation set, if
there is one: otherwise it is carved from train/), or only `ROOT/<class>/*`, which is then split per class with
`test_fraction` (seeded by `split_seed`, so every run of a sweep tests on the same images).
"""
from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import torch

from ganaug.data.datamodule import DigitsDataModule, Split, shuffled_classes
from ganaug.data.preprocessing import NotADigit, prepare_file
from ganaug.models.registry import register
from ganaug.utils.errors import UserError
from ganaug.utils.files import atomic_write, load_entry

log = logging.getLogger(__name__)
PREPROCESS_VERSION = 5  # bump when preprocessing changes, so cached tensors are rebuilt
LAYOUT_HELP = ("one sub-folder of images per class (ROOT/0/, ROOT/1/, ...) or ROOT/train/<class>/ and ROOT/test/<class>/ "
               "(and ROOT/val/<class>/)")


def shown(path: Path) -> str:
    """A path as printable text, whatever bytes its name holds (non-UTF-8 names are escaped, not fatal)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def visible(path: Path) -> bool:
    return not path.name.startswith(".")


def split_dirs(root: Path) -> dict[str, Path]:
    """{"train": dir, "test": dir} (and "val") for the train/test layout, {"all": root} for class folders directly in
    root."""
    where = shown(root)
    if not root.exists():
        raise UserError(f"data.root={where} does not exist; point data.root at a folder with {LAYOUT_HELP}")
    if not root.is_dir():
        raise UserError(f"data.root={where} is a file, not a folder; point it at a folder with {LAYOUT_HELP}")
    entries = [e for e in root.iterdir() if visible(e)]
    if not entries:
        raise UserError(f"data.root={where} is empty; put {LAYOUT_HELP} in it")
    dirs = {e.name for e in entries if e.is_dir()}
    if not dirs:
        raise UserError(f"data.root={where} holds files but no class folders; move the images into {LAYOUT_HELP}")
    if {"train", "test"} <= dirs:
        return {split: root / split for split in ("train", "val", "test") if split in dirs}
    for have, lack in (("train", "test"), ("test", "train")):
        if have in dirs:
            raise UserError(
                f"data.root={where} has {have}/ but no {lack}/; add {where}/{lack}/<class>/ "
                f"or put the class folders directly in {where} (split by data.test_fraction)"
            )
    return {"all": root}


def class_files(directory: Path) -> dict[str, list[Path]]:
    """Class name → its image files (all visible files below the class folder), classes sorted by name."""
    classes = sorted(d for d in directory.iterdir() if d.is_dir() and visible(d))
    if not classes:
        raise UserError(f"{shown(directory)} has no class folders; put {LAYOUT_HELP} in it")
    files = {}
    for d in classes:
        found = sorted(f for f in d.rglob("*") if f.is_file() and all(p[0] != "." for p in f.relative_to(d).parts))
        if not found:
            raise UserError(f"class folder {shown(d)} has no images; add images or remove the folder")
        files[shown(Path(d.name))] = found
    return files


def fingerprint(files: dict[str, dict[str, list[Path]]], options: tuple) -> str:
    """A hash of every file's name, size and modification time, and the preprocessing options."""
    digest = hashlib.sha256(repr((PREPROCESS_VERSION, options)).encode())
    for split, classes in sorted(files.items()):
        for name, paths in classes.items():
            for path in paths:
                stat = path.stat()
                digest.update(os.fsencode(path) + f"|{split}|{name}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


CACHE_FORMAT = 2  # raise when what a preprocessed-image cache entry holds changes (2: the files' names)


@register("folder_digits")
class FolderDigits(DigitsDataModule):
    """Digits from a folder of the user's images, each turned into an MNIST-like 28×28 digit (`ganaug.data.preprocessing`)."""

    name = "folder"

    def __init__(
        self,
        root: str,
        test_fraction: float = 0.4,
        split_seed: int = 0,
        invert: str = "auto",
        keep_28x28: bool = True,
        skip_bad: bool = True,
        cache_dir: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.root = Path(root).expanduser()
        self.test_fraction, self.split_seed = test_fraction, split_seed
        self.invert, self.keep_28x28, self.skip_bad = str(invert).lower(), keep_28x28, skip_bad
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.name = f"folder:{self.root.name}"

    @property
    def preprocessing(self) -> dict:
        return {"invert": self.invert, "keep_28x28": self.keep_28x28}

    def decode(self, files: dict[str, dict[str, list[Path]]]) -> dict:
        """Preprocess every file: per split the images and labels, and the files that were skipped, with why."""
        decoded: dict = {"skipped": [], "format": CACHE_FORMAT}
        for split, classes in files.items():
            images, labels, kept = [], [], []
            for label, paths in enumerate(classes.values()):
                for path in paths:
                    try:
                        images.append(prepare_file(path, self.invert, self.keep_28x28))
                        labels.append(label)
                        kept.append(shown(path))
                    except NotADigit as error:
                        if not self.skip_bad:
                            raise UserError(
                                f"{shown(path)}: {error}; fix or remove the file, or set data.skip_bad=true to skip it"
                            ) from None
                        decoded["skipped"].append(f"{shown(path)}: {error}")
            decoded[split] = (torch.stack(images) if images else torch.empty(0, 1, 28, 28, dtype=torch.uint8),
                              torch.tensor(labels, dtype=torch.long), kept)
        return decoded

    def decode_cached(self, files: dict[str, dict[str, list[Path]]]) -> dict:
        """`decode`, read from / written to `cache_dir` when set (keyed by the files and the options)."""
        if self.cache_dir is None:
            return self.decode(files)
        entry = self.cache_dir / f"{fingerprint(files, (self.invert, self.keep_28x28, self.skip_bad))}.pt"
        cached = load_entry(entry, "preprocessed-image cache",
                            lambda saved: isinstance(saved, dict) and saved.get("format") == CACHE_FORMAT)
        if cached is not None:
            return cached
        decoded = self.decode(files)
        atomic_write(entry, lambda tmp: torch.save(decoded, tmp))
        return decoded

    def stratified_split(self, x: torch.Tensor, y: torch.Tensor, names: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Indices of the pool and the test images: `test_fraction` of each class, drawn with `split_seed`."""
        pool, test = [], []
        for name, order in zip(names, shuffled_classes(y, len(names), self.split_seed)):
            n_test = round(len(order) * self.test_fraction)
            if n_test < 1 or n_test >= len(order):
                raise UserError(
                    f"class '{name}' has {len(order)} usable images: too few to split into training and test "
                    f"with data.test_fraction={self.test_fraction}; add images, change data.test_fraction, "
                    f"or give ROOT/train/ and ROOT/test/ folders"
                )
            test.append(order[:n_test])
            pool.append(order[n_test:])
        return torch.cat(pool).sort().values, torch.cat(test).sort().values

    def load(self) -> Split:
        files = {split: class_files(d) for split, d in split_dirs(self.root).items()}
        for other in ("test", "val"):
            if "train" in files and other in files and list(files["train"]) != list(files[other]):
                only_train = sorted(set(files["train"]) - set(files[other]))
                only_other = sorted(set(files[other]) - set(files["train"]))
                raise UserError(
                    f"train/ and {other}/ in data.root={shown(self.root)} have different classes "
                    f"(only in train: {only_train}, only in {other}: {only_other}); give both the same class folders"
                )
        names = list(next(iter(files.values())))
        decoded = self.decode_cached(files)
        for skipped in decoded["skipped"]:
            log.warning("skipped %s", skipped)
        if "all" in decoded:
            x, y, kept = decoded["all"]
            pool, test = self.stratified_split(x, y, names)
            return Split(x[pool], y[pool], x[test], y[test], names, decoded["skipped"],
                         [kept[i] for i in pool.tolist()], [kept[i] for i in test.tolist()])
        (pool_x, pool_y, pool_files), (test_x, test_y, test_files) = decoded["train"], decoded["test"]
        val_x, val_y, val_files = decoded.get("val", (None, None, []))
        return Split(pool_x, pool_y, test_x, test_y, names, decoded["skipped"], pool_files, test_files,
                     val_x, val_y, val_files)
