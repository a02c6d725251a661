"""The caches of trained networks: what the GAN's key depends on, corrupt entries, and two runs racing for one entry."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from conftest import FAST

from ganaug.pipeline import cache
from ganaug.pipeline.generator_stage import gan_cache_entry
from ganaug.pipeline.runner import run, stage_settings


def entry(cfg, images=torch.zeros(3, 1, 28, 28), labels=torch.tensor([0, 1, 2]), classes=("0", "1", "2")):
    return gan_cache_entry(stage_settings(cfg, Path("run")).generation, images, labels, list(classes))


def test_key_depends_on_what_changes_the_gan_only(make_cfg):
    key = entry(make_cfg())
    assert entry(make_cfg("augment.ratio=4", "classifier.epochs=7", "gan.sample_every=1")) == key
    assert entry(make_cfg("experiment=augmented_classic", "data.test_per_class=20", "classifier.batch_size=8")) == key
    assert entry(make_cfg("seed=1")) != key
    assert entry(make_cfg("gan.steps=7")) != key
    assert entry(make_cfg("gan.module.mode_seeking=0.5")) != key
    changed = torch.zeros(3, 1, 28, 28)
    changed[0, 0, 0, 0] = 1  # the same folder with an edited image, or another draw of them, trains a new GAN
    assert entry(make_cfg(), changed) != key
    assert entry(make_cfg(), labels=torch.tensor([0, 2, 1])) != key  # relabelled images
    assert entry(make_cfg(), classes=("a", "b", "c")) != key  # renamed class folders


def test_key_changes_with_the_training_version(make_cfg, monkeypatch):
    key = entry(make_cfg())
    monkeypatch.setattr(cache, "TRAINING_VERSION", cache.TRAINING_VERSION + 1)
    assert entry(make_cfg()) != key


def test_corrupt_entry_is_named_and_retrained_to_the_same_numbers(make_cfg, tmp_path, caplog):
    first = run(make_cfg("experiment=augmented_classic"), tmp_path / "a")
    entry = Path(first["gan_cache_entry"])
    entry.write_bytes(entry.read_bytes()[:100])  # truncated, as by a full disk
    second = run(make_cfg("experiment=augmented_classic"), tmp_path / "b")
    assert second["gan_cached"] is False and f"GAN cache entry {entry} is unreadable" in caplog.text
    # the same seed trains the same GAN and classifier again: every random source is seeded
    assert (second["diversity"], second["test_acc"], second["curve"]) == (first["diversity"], first["test_acc"], first["curve"])


@pytest.mark.slow  # two processes that each start torch and train: about 45 s here
def test_two_runs_racing_for_one_entry_train_it_once(tmp_path):
    common = ["-m", "ganaug.train", "experiment=augmented", *FAST, f"paths.gan_cache={tmp_path / 'cache'}"]
    procs = [
        subprocess.Popen([sys.executable, *common, f"hydra.run.dir={tmp_path / name}"], cwd=tmp_path,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for name in ("one", "two")
    ]
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read()[-2000:]
    cached = sorted(json.loads((tmp_path / name / "metrics.json").read_text())["gan_cached"] for name in ("one", "two"))
    assert cached == [False, True]
    assert len(list((tmp_path / "cache").glob("*.ckpt"))) == 1
