"""Checkpoints that stand alone: GAN and Classifier load from the file only; generate and evaluate use them."""
import json
import shutil

import pytest
import torch
from torchvision.io import read_image

from ganaug.evaluate import cli as evaluate_cli
from ganaug.generate import cli
from ganaug.models.generator import load_gan
from ganaug.models.classifier import Classifier
from ganaug.pipeline.runner import run


def exit_code(command, *args) -> int:
    with pytest.raises(SystemExit) as stopped:
        command(*args)
    return stopped.value.code


def test_checkpoints_copied_away_from_their_run_load_with_no_other_argument(make_cfg, tmp_path):
    out = tmp_path / "run"
    metrics = run(make_cfg("experiment=augmented", "data.n_per_class=3"), out)
    away = tmp_path / "elsewhere"
    away.mkdir()
    for name in ("gan.ckpt", "classifier.ckpt"):
        shutil.copy(out / "checkpoints" / name, away / name)
    shutil.rmtree(out)

    gan = load_gan(away / "gan.ckpt")
    fakes = gan.sample(torch.tensor([0, 7, 7]), seed=1)
    assert fakes.shape == (3, 1, 28, 28) and 0 <= fakes.min() and fakes.max() <= 1
    assert gan.class_names == metrics["class_names"]

    classifier = Classifier.load_from_checkpoint(away / "classifier.ckpt", map_location="cpu").eval()
    from ganaug.data.mnist import BuiltinDigits

    dm = BuiltinDigits(n_per_class=3, max_test_per_class=20)  # the held-out digits of debug=fast
    dm.setup()
    accuracy = (classifier(dm.test_x).argmax(1) == dm.test_y).double().mean().item()
    assert accuracy == pytest.approx(metrics["test_acc"], abs=1e-6)
    assert classifier.class_names == metrics["class_names"]


def test_generate_writes_pngs_per_class_that_match_the_gan(make_cfg, tmp_path, capsys):
    out = tmp_path / "run"
    metrics = run(make_cfg("experiment=augmented"), out)
    checkpoint = tmp_path / "gan.ckpt"
    shutil.copy(out / "checkpoints" / "gan.ckpt", checkpoint)
    cli([str(checkpoint), "n_per_class=3", f"out={tmp_path / 'fakes'}", "seed=4"])
    files = sorted((tmp_path / "fakes").glob("*/*.png"))
    assert len(files) == 30 and {f.parent.name for f in files} == {str(c) for c in range(10)}
    assert (tmp_path / "fakes" / "grid.png").exists()
    again = tmp_path / "again"
    cli([str(checkpoint), "n_per_class=3", f"out={again}", "seed=4"])
    assert torch.equal(read_image(str(files[0])), read_image(str(again / "0" / "00000.png")))
    assert metrics["gan_cached"] is False


def test_generate_bad_arguments_are_one_line(tmp_path, capsys):
    (tmp_path / "x.ckpt").write_text("not a checkpoint")
    assert exit_code(cli, [str(tmp_path / "missing.ckpt"), f"out={tmp_path}"]) == 2
    assert exit_code(cli, ["n_per_class=3"]) == 2
    assert exit_code(cli, [str(tmp_path / "x.ckpt"), "n_per_class=0", f"out={tmp_path}"]) == 2
    assert exit_code(cli, [str(tmp_path / "x.ckpt"), f"out={tmp_path}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(line.startswith("ganaug.generate: error: ") for line in err)
    assert "no checkpoint at" in err[0] and "usage" in err[1] and "n_per_class=0" in err[2]
    assert "cannot read" in err[3]


def test_evaluate_recomputes_the_runs_gan_measures(make_cfg, tmp_path, capsys):
    out = tmp_path / "run"
    metrics = run(make_cfg("experiment=augmented", "gan.cas_epochs=2"), out)
    evaluate_cli([str(out / "checkpoints" / "gan.ckpt")])
    again = json.loads((out / "evaluation.json").read_text())
    for key in ("fid", "kid", "cas", "label_fidelity", "diversity", "near_copy_rate"):
        assert again[key] == pytest.approx(metrics[key], rel=1e-6), key
    assert 0 <= metrics["cas"] <= 1 and json.loads(capsys.readouterr().out)["cas"] == again["cas"]
    assert exit_code(evaluate_cli, []) == 2


def test_a_dagan_checkpoint_generates_from_the_sources_it_keeps(make_cfg, tmp_path):
    out = tmp_path / "run"
    metrics = run(make_cfg("experiment=augmented", "gan=dagan", "data.n_per_class=3"), out)
    assert 0 < metrics["source_distance"] and metrics["gan"] == "DAGAN"
    cli([str(out / "checkpoints" / "gan.ckpt"), "n_per_class=2", f"out={tmp_path / 'fakes'}"])
    assert len(list((tmp_path / "fakes").glob("*/*.png"))) == 20
