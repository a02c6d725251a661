"""ganaug.predict: a trained classifier reads files, folders, class-folder trees and sheets, as its run read its
images; bad inputs are listed or refused in one line."""
import csv

import pytest
import torch
from hydra import compose, initialize_config_dir
from PIL import Image

from ganaug.data.mnist import BuiltinDigits
from ganaug.pipeline.overview import export
from rendering import sheet_photo
from ganaug.pipeline.runner import run
from ganaug.predict import cli
from ganaug.utils.config import CONFIG_DIR


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A short baseline run's folder and metrics, and its training and held-out digits exported as PNG trees."""
    root = tmp_path_factory.mktemp("predict")
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("train", overrides=["debug=fast", "experiment=baseline", "classifier.epochs=4",
                                          f"paths.root={root / 'outputs'}"])
    metrics = run(cfg, root / "run")
    dm = BuiltinDigits(n_per_class=30, max_test_per_class=20)  # the run's digits: seed 0, debug=fast's held-out cap
    dm.setup()
    export(dm, root / "exported")
    return root, metrics


def table(out):
    with open(out / "predictions.csv") as f:
        return list(csv.DictReader(f))


def test_a_class_tree_is_read_with_the_accuracy_of_the_runs_own_evaluation(trained, capsys):
    root, metrics = trained
    cli([str(root / "run" / "checkpoints" / "classifier.ckpt"), str(root / "exported"), f"out={root / 'tree'}"])
    printed = capsys.readouterr().out
    rows = table(root / "tree")
    assert len(rows) == 200 and list(rows[0])[:7] == ["file", "predicted", "probability", "runner_up",
                                                      "runner_up_probability", "unsure", "true"]
    assert [k for k in rows[0] if k.startswith("p_")] == [f"p_{c}" for c in range(10)]
    accuracy = sum(r["predicted"] == r["true"] for r in rows) / 200
    assert abs(accuracy - metrics["test_acc"]) <= 1 / 200  # exported/test/, the run's own held-out digits
    assert f"accuracy {accuracy:.4f}" in printed and printed.count("\n  7: ") == 1
    assert all((root / "tree" / name).exists() for name in ("inputs.png", "confusion.png"))
    assert all(abs(sum(float(r[f"p_{c}"]) for c in range(10)) - 1) < 1e-3 for r in rows)


def test_unreadable_and_blank_files_are_listed_and_the_rest_read(trained, capsys, tmp_path):
    root, _ = trained
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "notes.png").write_text("not an image")
    Image.new("L", (40, 40), 255).save(folder / "blank.png")
    for i, path in enumerate(sorted((root / "exported" / "test" / "3").glob("*.png"))[:3]):
        (folder / f"three{i}.png").write_bytes(path.read_bytes())
    cli([str(root / "run" / "checkpoints" / "classifier.ckpt"), str(folder), f"out={tmp_path / 'out'}"])
    printed = capsys.readouterr().out
    assert len(table(tmp_path / "out")) == 3 and "skipped 2 file(s)" in printed
    assert "notes.png: not a readable image" in printed and "blank.png: no ink found" in printed
    assert "accuracy" not in printed  # not a class-folder tree: nothing to compare with


def test_a_sheet_is_read_cell_by_cell(trained, capsys, tmp_path):
    root, _ = trained
    dm = BuiltinDigits(n_per_class=1, test_per_class=10, seed=3)
    dm.setup()
    digits = (dm.test_x[torch.argsort(dm.test_y, stable=True)] * 255).round().byte()
    sheet_photo(digits, 10, 10, ruled=True, seed=2).save(tmp_path / "sheet.jpg", quality=85)
    (tmp_path / "sheet.yaml").write_text("rows: 10\ncols: 10\n")
    cli([str(root / "run" / "checkpoints" / "classifier.ckpt"), f"sheet={tmp_path / 'sheet.jpg'}", f"out={tmp_path / 'o'}"])
    rows = table(tmp_path / "o")
    assert [r["file"].rsplit(" ", 2)[1:] for r in rows] == [[f"r{r}", f"c{c}"] for r in range(10) for c in range(10)]


@pytest.mark.parametrize("args, message", [
    (["missing.ckpt", "x.png"], "no checkpoint at missing.ckpt; pass a run's checkpoints/classifier.ckpt"),
    (["CKPT", "nowhere/"], "no such file or folder: nowhere"),
    (["CKPT", "exported", "batch=64"], "batch is not a setting; the settings are checkpoint, inputs, out, sheet, rows, cols"),
    (["CKPT", "exported", "row=2"], "row is not a setting; did you mean rows?"),
    (["CKPT", "exported", "rows=two"], "rows='two' is not allowed: use null or an integer >= 1"),
    (["CKPT"], "no images given"),
    (["GAN", "exported"], "cannot read"),
])
def test_bad_arguments_end_with_one_line(trained, capsys, monkeypatch, args, message):
    root, _ = trained
    monkeypatch.chdir(root)
    fixtures = {"CKPT": str(root / "run" / "checkpoints" / "classifier.ckpt"),
                "GAN": str(__import__("pathlib").Path(__file__).parent / "fixtures" / "b2c5e19" / "gan.ckpt")}
    with pytest.raises(SystemExit) as stopped:
        cli([fixtures.get(arg, arg) for arg in args])
    error = capsys.readouterr().err
    assert stopped.value.code == 2 and error.count("\n") == 1 and error.startswith("ganaug.predict: error: ")
    assert message in error


def test_the_onnx_export_gives_the_models_probabilities_without_torch(trained, tmp_path):
    import json

    import numpy as np
    import onnxruntime

    from ganaug.export import cli as export
    from ganaug.inference.predictor import Predictor

    root, _ = trained
    checkpoint = root / "run" / "checkpoints" / "classifier.ckpt"
    export([str(checkpoint), f"out={tmp_path / 'digits.onnx'}"])
    model = onnxruntime.InferenceSession(str(tmp_path / "digits.onnx"))
    assert json.loads(model.get_modelmeta().custom_metadata_map["class_names"]) == [str(c) for c in range(10)]
    dm = BuiltinDigits(n_per_class=1, max_test_per_class=20)
    dm.setup()
    expected = Predictor.load(checkpoint).probabilities(dm.test_x).numpy()
    (got,) = model.run(None, {"image": dm.test_x.numpy().astype(np.float32)})
    assert got.shape == (200, 10) and np.abs(got - expected).max() < 1e-4
    (one,) = model.run(None, {"image": dm.test_x[:1].numpy()})  # any batch size
    assert np.abs(one - expected[:1]).max() < 1e-4


@pytest.mark.parametrize("args, message", [
    (["CKPT"], "out is required; usage: python -m ganaug.export CHECKPOINT out=FILE.onnx"),
    (["CKPT", "out=model.pt"], "out='model.pt' is not allowed: use a file name ending in .onnx"),
    (["missing.ckpt", "out=m.onnx"], "no checkpoint at missing.ckpt"),
])
def test_export_bad_arguments_end_with_one_line(trained, capsys, args, message):
    from ganaug.export import cli as export

    root, _ = trained
    with pytest.raises(SystemExit) as stopped:
        export([str(root / "run" / "checkpoints" / "classifier.ckpt") if a == "CKPT" else a for a in args])
    error = capsys.readouterr().err
    assert stopped.value.code == 2 and error.count("\n") == 1 and message in error
