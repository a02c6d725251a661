import json

import pytest
import torch
from torchvision.io import read_image

from ganaug.evaluate import main as evaluate_main
from ganaug.generate import main
from ganaug.train import run


def test_generate_writes_pngs_per_class_that_match_the_gan(make_cfg, tmp_path, capsys):
    out = tmp_path / "run"
    metrics = run(make_cfg("experiment=augmented"), out)
    checkpoint = out / "checkpoints" / "gan.ckpt"
    assert main([str(checkpoint), "n_per_class=3", f"out={tmp_path / 'fakes'}", "seed=4"]) == 0
    files = sorted((tmp_path / "fakes").glob("*/*.png"))
    assert len(files) == 30 and {f.parent.name for f in files} == {str(c) for c in range(10)}
    assert (tmp_path / "fakes" / "grid.png").exists()
    again = tmp_path / "again"
    assert main([str(checkpoint), "n_per_class=3", f"out={again}", "seed=4"]) == 0
    assert torch.equal(read_image(str(files[0])), read_image(str(again / "0" / "00000.png")))
    assert metrics["gan_cached"] is False


def test_generate_bad_arguments_are_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "missing.ckpt"), f"out={tmp_path}"]) == 2
    assert main(["n_per_class=3"]) == 2
    assert main([str(tmp_path / "x.ckpt"), "n_per_class=0", f"out={tmp_path}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and "no checkpoint at" in err[0] and "usage" in err[1] and "n_per_class=0" in err[2]


def test_evaluate_recomputes_the_runs_gan_measures(make_cfg, tmp_path, capsys):
    out = tmp_path / "run"
    metrics = run(make_cfg("experiment=augmented", "gan.cas_epochs=2"), out)
    assert evaluate_main([str(out / "checkpoints" / "gan.ckpt")]) == 0
    again = json.loads((out / "evaluation.json").read_text())
    for key in ("fid", "kid", "cas", "label_fidelity", "diversity", "near_copy_rate"):
        assert again[key] == pytest.approx(metrics[key], rel=1e-6), key
    assert 0 <= metrics["cas"] <= 1 and json.loads(capsys.readouterr().out)["cas"] == again["cas"]
    assert evaluate_main([]) == 2
