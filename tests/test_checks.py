"""ganaug.data.checks: mislabelled images are flagged for a person to look at, clean ones rarely; skipped files drawn."""
import shutil

import torch
from hydra import compose, initialize_config_dir
from PIL import Image

from ganaug.data.checks import all_images, skipped_grid, suspects
from ganaug.data.folder import FolderDigits
from ganaug.data.mnist import BuiltinDigits
from ganaug.pipeline.label_check import label_issues, out_of_fold_probabilities
from ganaug.prepare import label_check_settings
from ganaug.pipeline.overview import export
from ganaug.utils.config import CONFIG_DIR


def exported(tmp_path, n_train: int, n_test: int) -> FolderDigits:
    dm = BuiltinDigits(n_per_class=n_train, test_per_class=n_test, seed=2)
    dm.setup()
    export(dm, tmp_path / "digits")
    return tmp_path / "digits"


def test_planted_mislabels_are_all_flagged_and_named(tmp_path):
    root = exported(tmp_path, 5, 5)
    planted = []
    for source, target in (("1", "7"), ("3", "8"), ("0", "6"), ("4", "9")):
        image = sorted((root / "test" / source).glob("*.png"))[0]
        shutil.move(image, root / "test" / target / image.name)
        planted.append(f"{target}/{image.name}")
    dm = FolderDigits(str(root), n_per_class=None)
    dm.setup()
    flagged = suspects(dm, tmp_path / "check_these.png")
    for name in planted:
        assert any(line.split(":")[0].endswith(name) for line in flagged), (name, flagged)
    assert (tmp_path / "check_these.png").exists()


def test_clean_held_out_digits_are_rarely_flagged(tmp_path):
    root = exported(tmp_path, 1, 100)  # 1,000 held-out digits, which the digit network never trained on
    dm = FolderDigits(str(root), n_per_class=None)
    dm.setup()
    flagged = suspects(dm, tmp_path / "check_these.png")
    assert len(flagged) <= 10  # at most 1 %


def test_non_digit_classes_are_not_checked(tmp_path):
    root = exported(tmp_path, 2, 2)
    for split in ("train", "val", "test"):
        for c in range(10):
            (root / split / str(c)).rename(root / split / f"class{c}")
    dm = FolderDigits(str(root), n_per_class=None)
    dm.setup()
    assert suspects(dm, tmp_path / "check_these.png") is None


def test_skipped_files_that_decode_are_drawn(tmp_path):
    root = exported(tmp_path, 2, 2)
    Image.new("L", (40, 40), 255).save(root / "train" / "3" / "blank.png")  # no ink: skipped
    (root / "train" / "4" / "notes.png").write_text("not an image")  # unreadable: skipped, not drawn
    dm = FolderDigits(str(root), n_per_class=None)
    dm.setup()
    assert len(dm.skipped) == 2
    assert skipped_grid(dm, tmp_path / "skipped.png") == 1 and (tmp_path / "skipped.png").exists()
    assert torch.equal(torch.tensor(dm.train_y.bincount().tolist()), torch.full((10,), 2))


def learned_check(tmp_path, root, *overrides):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("prepare", overrides=["data=folder", f"data.root={root}", "data.n_per_class=null",
                                            f"paths.root={tmp_path / 'outputs'}", *overrides])
    dm = FolderDigits(str(root), n_per_class=None)
    dm.setup()
    x, y, files = all_images(dm)
    checking, work = label_check_settings(cfg, tmp_path / "check")
    return files, label_issues(out_of_fold_probabilities(checking, work, x, y, dm.class_names), y)


def test_the_learned_check_finds_planted_mislabels_and_few_clean_images(tmp_path):
    root = exported(tmp_path, 6, 4)  # 100 digits
    planted = []
    for source, target in (("1", "7"), ("3", "8"), ("0", "6")):
        image = sorted((root / "train" / source).glob("*.png"))[0]
        shutil.move(image, root / "train" / target / image.name)
        planted.append(f"{target}/{image.name}")
    files, found = learned_check(tmp_path, root, "check.epochs=15")
    flagged = [files[i] for i in found]
    assert all(any(f.endswith(name) for f in flagged) for name in planted), flagged
    assert len(flagged) <= len(planted) + 2  # of 97 clean images, at most 2 flagged
