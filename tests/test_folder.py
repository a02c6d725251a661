"""data=folder and data=mnist: layouts, the round trip of an export, and every kind of bad input."""
import os
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from hydra import compose, initialize_config_dir
from PIL import Image

from ganaug.data.folder import FolderDigits
from ganaug.prepare import cli as prepare_cli
from ganaug.data.mnist import BuiltinDigits, MNISTDigits, load_builtin
from ganaug.pipeline.overview import export, look_at_data
from ganaug.prepare import label_check_settings
from rendering import photo_folder
from ganaug.pipeline.runner import run
from ganaug.utils.config import CONFIG_DIR, check_overrides
from ganaug.utils.errors import UserError


def folder(root: Path, **kwargs) -> FolderDigits:
    dm = FolderDigits(str(root), **{"n_per_class": 2, **kwargs})
    dm.setup()
    return dm


def digit_file(path: Path, index: int = 0) -> None:
    """Write one built-in digit as a 28×28 PNG."""
    images, _ = load_builtin()
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(images[index, 0].numpy()).save(path)


def digit_classes(root: Path, classes: str = "012", per_class: int = 3) -> None:
    for c in classes:
        for i in range(per_class):
            digit_file(root / c / f"{i}.png", index=int(c) * 10 + i)


def test_export_of_the_builtin_split_reads_back_as_the_same_tensors(tmp_path):
    builtin = BuiltinDigits(n_per_class=4, seed=3, test_per_class=5)
    builtin.setup()
    export(builtin, tmp_path / "exported")
    read = folder(tmp_path / "exported", n_per_class=4, seed=3)
    assert read.class_names == builtin.class_names and read.skipped == []
    for c in range(10):  # same images in the same order within each class
        assert torch.equal(read.train_x[read.train_y == c], builtin.train_x[builtin.train_y == c])
        assert torch.equal(read.test_x[read.test_y == c], builtin.test_x[builtin.test_y == c])
        assert torch.equal(read.val_x[read.val_y == c], builtin.val_x[builtin.val_y == c])  # val/: the same validation


def test_single_folder_layout_is_split_per_class_the_same_way_for_every_seed(tmp_path):
    digit_classes(tmp_path, per_class=5)
    a, b = folder(tmp_path, seed=0, test_fraction=0.4), folder(tmp_path, seed=1, test_fraction=0.4)
    assert a.test_y.bincount().tolist() == [2, 2, 2] and a.train_y.bincount().tolist() == [2, 2, 2]
    assert torch.equal(a.test_x, b.test_x)  # the held-out images do not move with the run's seed
    assert a.pool_counts == [3, 3, 3]


def test_folder_default_trains_on_every_image_left_after_the_split(tmp_path, make_cfg):
    assert make_cfg("data=folder").data.n_per_class is None
    digit_classes(tmp_path, per_class=5)
    (tmp_path / "0" / "4.png").unlink()
    dm = folder(tmp_path, n_per_class=None, test_fraction=0.4)
    # of the 2, 3 and 3 images left after the test split, a fifth of each class (at least one) validates
    assert dm.train_y.bincount().tolist() == [1, 2, 2] and dm.val_y.bincount().tolist() == [1, 1, 1]
    assert dm.test_y.bincount().tolist() == [2, 2, 2]
    assert not set(dm.train_files) & set(dm.val_files) and not set(dm.val_files) & set(dm.test_files)


def test_any_class_names_are_sorted_and_kept(tmp_path):
    for name, index in (("zebra", 0), ("apple", 1), ("mango", 2)):
        for i in range(3):
            digit_file(tmp_path / name / f"{i}.png", index * 10 + i)
    dm = folder(tmp_path, n_per_class=1, test_fraction=0.34)
    assert dm.class_names == ["apple", "mango", "zebra"]
    images, _ = load_builtin()
    apples = {tuple(images[i].flatten().tolist()) for i in (10, 11, 12)}
    labelled_apple = torch.cat([dm.train_x[dm.train_y == 0], dm.test_x[dm.test_y == 0]])
    assert len(labelled_apple) == 2
    assert all(tuple((x * 255).round().byte().flatten().tolist()) in apples for x in labelled_apple)


def test_odd_file_names_just_work(tmp_path):
    root = tmp_path / "my digits"
    digit_classes(root, per_class=3)
    latin1 = os.fsencode(root / "1") + b"/caf\xe9 7.png"  # not valid UTF-8
    digit_file(Path(os.fsdecode(latin1)), index=11)
    digit_file(root / "2" / "été №3 (copy).png", index=21)
    dm = folder(root, n_per_class=1, test_fraction=0.25)
    assert dm.pool_counts[1] + (dm.test_y == 1).sum().item() == 4 and dm.skipped == []


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda root: None, "does not exist; point data.root at a folder"),
        (lambda root: root.write_text("x"), "is a file, not a folder"),
        (lambda root: root.mkdir(), "is empty"),
        (lambda root: digit_file(root / "a.png"), "holds files but no class folders"),
        (lambda root: (digit_classes(root), (root / "3").mkdir()), "class folder .*/3 has no images"),
        (lambda root: digit_classes(root / "train"), "has train/ but no test/"),
        (
            lambda root: (digit_classes(root / "train", "012"), digit_classes(root / "test", "013")),
            r"different classes \(only in train: \['2'\], only in test: \['3'\]\)",
        ),
        (lambda root: digit_classes(root, per_class=3),
         r"class '0' has 2 images \(1 after the 1 held for validation\), too few for n_per_class=3; use data.n_per_class=1"),
        (lambda root: digit_classes(root, per_class=1), "class '0' has 1 usable images: too few to split"),
    ],
)
def test_bad_folders_are_one_line_errors(tmp_path, build, message):
    root = tmp_path / "digits"
    build(root)
    with pytest.raises(UserError, match=message) as error:
        folder(root, n_per_class=3, test_fraction=0.34)
    assert "\n" not in str(error.value)


def test_unreadable_and_blank_images_are_skipped_by_name_or_stop_the_run(tmp_path):
    digit_classes(tmp_path, per_class=4)
    (tmp_path / "1" / "notes.txt").write_text("not an image")
    digit_file(tmp_path / "2" / "cut.png")
    (tmp_path / "2" / "cut.png").write_bytes((tmp_path / "2" / "cut.png").read_bytes()[:60])
    Image.new("L", (40, 30), 0).save(tmp_path / "0" / "blank.png")
    dm = folder(tmp_path, test_fraction=0.25)
    assert len(dm.skipped) == 3 and dm.pool_counts == [3, 3, 3]
    reasons = " ".join(dm.skipped)
    assert "notes.txt: not a readable image" in reasons and "cut.png: not a readable image" in reasons
    assert "blank.png: no ink found" in reasons
    with pytest.raises(UserError, match=r"blank.png: no ink found .*set data.skip_bad=true"):
        folder(tmp_path, test_fraction=0.25, skip_bad=False, cache_dir=str(tmp_path / "cache"))


def test_preprocessing_is_cached_and_redone_when_a_file_changes(tmp_path, caplog):
    digit_classes(tmp_path / "d", per_class=4)
    cache = tmp_path / "cache"
    first = folder(tmp_path / "d", test_fraction=0.25, cache_dir=str(cache))
    [entry] = list(cache.glob("*.pt"))
    cached = torch.load(entry, weights_only=True)
    cached["all"] = (torch.zeros_like(cached["all"][0]), *cached["all"][1:])
    torch.save(cached, entry)  # the next run reads the cache, not the files
    assert folder(tmp_path / "d", test_fraction=0.25, cache_dir=str(cache)).train_x.sum() == 0
    entry.write_bytes(b"damaged")
    again = folder(tmp_path / "d", test_fraction=0.25, cache_dir=str(cache))
    assert torch.equal(first.train_x, again.train_x) and "is unreadable" in caplog.text
    digit_file(tmp_path / "d" / "0" / "0.png", index=5)  # an edited image: new key, new entry
    os.utime(tmp_path / "d" / "0" / "0.png", ns=(1, 1))
    folder(tmp_path / "d", test_fraction=0.34, cache_dir=str(cache))
    assert len(list(cache.glob("*.pt"))) == 2


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write an uncompressed IDX file, MNIST's format, as torchvision expects it in MNIST/raw/."""
    header = (0x0800 | array.ndim).to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_mnist_source_reads_torchvision_raw_files_without_downloading(tmp_path):
    images, labels = load_builtin()
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, part in (("train", slice(0, 600)), ("t10k", slice(600, 800))):
        write_idx(raw / f"{prefix}-images-idx3-ubyte", images[part, 0].numpy())
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", labels[part].numpy())
    dm = MNISTDigits(str(tmp_path), download=False, n_per_class=5)
    dm.setup()
    assert dm.train_y.bincount().tolist() == [5] * 10 and len(dm.test_y) == 200
    assert torch.equal(dm.test_x, images[600:800].float() / 255)
    assert dm.pool_counts == labels[:600].bincount().tolist()


def test_mnist_missing_or_failing_download_is_one_line(tmp_path, monkeypatch):
    with pytest.raises(UserError, match="MNIST is not in data.root=.*set data.download=true"):
        MNISTDigits(str(tmp_path), download=False).setup()
    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "mirrors", [f"file://{tmp_path}/nowhere/"])  # fails at once, offline
    with pytest.raises(UserError, match="could not download MNIST into data.root=.*check the connection"):
        MNISTDigits(str(tmp_path), download=True).setup()


def test_a_run_on_a_photo_folder_counts_skipped_files_and_names_its_classes(make_cfg, tmp_path):
    photo_folder(tmp_path / "photos", per_class=5)
    (tmp_path / "photos" / "3" / "broken.jpg").write_bytes(b"\xff\xd8 truncated")
    cfg = make_cfg("experiment=augmented", "data=folder", f"data.root={tmp_path / 'photos'}", "data.n_per_class=2")
    metrics = run(cfg, tmp_path / "run")
    assert metrics["data"] == "folder:photos" and metrics["class_names"] == [str(c) for c in range(10)]
    assert metrics["n_skipped"] == 1 and "broken.jpg: not a readable image" in metrics["skipped"][0]
    assert metrics["n_train_real"] == 20 and metrics["n_test"] == 20 and metrics["label_fidelity"] is not None
    assert (tmp_path / "run" / "real.png").exists()


def test_prepare_prints_counts_and_writes_previews(tmp_path, command):
    photo_folder(tmp_path / "photos", per_class=3)
    result = command(prepare_cli, "data=folder", f"data.root={tmp_path / 'photos'}", "data.n_per_class=1",
                     f"paths.root={tmp_path / 'out'}", f"export={tmp_path / 'exported'}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"total +20 +10 +10 +10\n", result.stdout)  # available, training, validation, test
    assert len(list((tmp_path / "out").glob("prepare/*/preview_train.png"))) == 1
    assert len(list((tmp_path / "exported").glob("train/*/*.png"))) == 10


def test_prepare_on_a_missing_folder_or_without_data_folder_is_one_line(tmp_path, capsys):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("prepare", overrides=["data=folder", f"data.root={tmp_path / 'nope'}", f"paths.root={tmp_path}"])
    with pytest.raises(SystemExit) as stopped:
        look_at_data(cfg.data, *label_check_settings(cfg, tmp_path), export_to=None)
    error = capsys.readouterr().err
    assert stopped.value.code == 2 and error.count("\n") == 1 and "does not exist" in error
    with pytest.raises(UserError, match="add data=folder"):
        check_overrides([f"data.root={tmp_path}", f"paths.root={tmp_path}"], "prepare")
