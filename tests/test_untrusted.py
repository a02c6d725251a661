"""Files from others run no code: checkpoints crafted from real ones, naming callables outside the registry in every
field that holds a config, are refused by every command that opens them with one line, exit status 2 and nothing
written; class names and labels never become paths; a sheet's YAML is plain data."""
import json
import struct
import zlib
from pathlib import Path

import pytest
import torch

from ganaug import demo, evaluate, export, generate, predict
from ganaug.data.mnist import DIGITS
from ganaug.models.checkpoints import checkpoint_of, load_classifier
from ganaug.models.generator import load_gan
from ganaug.models.classifier import Classifier
from ganaug.models.dagan import DAGAN
from ganaug.models.gan import GAN
from ganaug.utils.config import CONFIG_DIR
from ganaug.utils.errors import UserError

CNN = {"_target_": "cnn"}
DCGAN_NETS = {"generator": {"_target_": "ganaug.models.networks.Generator"},
              "discriminator": {"_target_": "ganaug.models.networks.Discriminator"}}
DAGAN_NETS = {"generator": {"_target_": "dagan_generator"}, "discriminator": {"_target_": "dagan_discriminator"}}


def writes(marker) -> dict:
    """The config that wrote a file on loading before parts were registered: Path(marker).write_text("pwned")."""
    return {"_target_": "pathlib.Path.write_text", "_args_": [{"_target_": "pathlib.Path", "_args_": [str(marker)]}, "pwned"]}


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> dict:
    """Real checkpoints, as `checkpoint_of` and a run write them: a classifier, a conditional GAN and a DAGAN."""
    classifier = Classifier(CNN, class_names=DIGITS, augmentation=[{"_target_": "elastic_distortion"}])
    dagan = DAGAN(**DAGAN_NETS, class_names=DIGITS)
    dagan.set_real_images(torch.rand(20, 1, 28, 28), torch.arange(10).repeat(2))
    return {"classifier": checkpoint_of(classifier), "gan": checkpoint_of(GAN(**DCGAN_NETS, class_names=DIGITS)),
            "dagan": checkpoint_of(dagan)}


# (checkpoint, where in its hyperparameters, the crafted value: MARK is the file it would write)
CRAFTED = [
    ("classifier", ["net"], "WRITE"),
    ("classifier", ["net", "channels"], "WRITE"),
    ("classifier", ["augmentation"], ["WRITE"]),
    ("classifier", ["strong_augmentation"], [{"_target_": "cutout", "ratio": {"x": "WRITE"}}]),
    ("classifier", ["net"], {"_target_": "os.system", "_args_": ["touch MARK"]}),
    ("classifier", ["net"], {"_target_": "subprocess.run", "args": ["touch", "MARK"]}),
    ("classifier", ["net"], {"_target_": "builtins.exec", "_args_": ["open('MARK', 'w')"]}),
    ("classifier", ["net"], {"_target_": "cnn", "_partial_": True}),
    ("classifier", ["net"], {"_target_": "cnn", "_args_": ["WRITE"]}),
    ("gan", ["generator"], "WRITE"),
    ("gan", ["discriminator", "width"], ["WRITE"]),
    ("dagan", ["generator"], {"_target_": "dagan_generator", "width": {"_target_": "builtins.eval", "_args_": ["1"]}}),
    ("gan", [], {"ganaug_generator": "builtins.eval"}),
]


def crafted(real, tmp_path, kind, where, value):
    """A copy of a real checkpoint with `value` put at `where` in its hyperparameters; and the file it would write."""
    marker = tmp_path / "MARK"
    text = json.dumps(value).replace('"WRITE"', json.dumps(writes(marker))).replace("MARK", str(marker))
    saved = json.loads(json.dumps({k: v for k, v in real[kind].items() if k != "state_dict"}))
    saved["state_dict"] = real[kind]["state_dict"]
    if not where:
        saved.update(json.loads(text))
    else:
        node = saved["hyper_parameters"]
        for key in where[:-1]:
            node = node[key]
        node[where[-1]] = json.loads(text)
    path = tmp_path / f"their_{kind}.ckpt"
    torch.save(saved, path)
    return path, marker


def commands_for(kind: str, path, tmp_path) -> list:
    if kind == "classifier":
        return [(predict.cli, [str(path), str(tmp_path)]), (export.cli, [str(path), f"out={tmp_path / 'm.onnx'}"]),
                (demo.cli, [str(path), "port=1"])]
    return [(generate.cli, [str(path), f"out={tmp_path / 'fakes'}"]), (evaluate.cli, [str(path)])]


@pytest.mark.parametrize("kind, where, value", CRAFTED, ids=[f"{k}-{'.'.join(w) or 'name'}-{i}" for i, (k, w, _) in enumerate(CRAFTED)])
def test_every_command_refuses_a_checkpoint_naming_a_callable_outside_the_registry(real, tmp_path, capsys, kind, where, value):
    path, marker = crafted(real, tmp_path, kind, where, value)
    for cli, args in commands_for(kind, path, tmp_path):
        with pytest.raises(SystemExit) as stopped:
            cli(args)
        err = capsys.readouterr().err
        assert stopped.value.code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
        assert f"{path} names " in err and "which is not a part of ganaug; refusing to load it" in err, err
        assert not marker.exists() and not (tmp_path / "fakes").exists() and not (tmp_path / "m.onnx").exists()


def test_a_refused_checkpoint_names_what_it_names(real, tmp_path):
    path, _ = crafted(real, tmp_path, "classifier", ["augmentation"], ["WRITE"])
    with pytest.raises(UserError, match=r"names 'pathlib.Path.write_text', which is not a part of ganaug; refusing"):
        load_classifier(path)


@pytest.mark.parametrize("name", ["../x", "a/b", "..", "ok\x00", "x" * 101])
def test_class_names_that_are_paths_are_refused_and_nothing_is_written(real, tmp_path, capsys, name):
    saved = dict(real["gan"])
    saved["hyper_parameters"] = {**saved["hyper_parameters"], "class_names": [name] + DIGITS[1:]}
    torch.save(saved, tmp_path / "their.ckpt")
    with pytest.raises(SystemExit) as stopped:
        generate.cli([str(tmp_path / "their.ckpt"), f"out={tmp_path / 'fakes'}"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.count("\n") == 1 and "cannot be a folder name" in err
    assert not (tmp_path / "fakes").exists() and not (tmp_path / "x").exists()


def test_checkpoints_written_now_name_their_parts_by_registered_name(real, tmp_path):
    assert real["classifier"]["hyper_parameters"]["net"]["_target_"] == "cnn"
    assert real["classifier"]["hyper_parameters"]["augmentation"] == [{"_target_": "elastic_distortion"}]
    assert real["gan"]["hyper_parameters"]["generator"]["_target_"] == "dcgan_generator"
    assert (real["gan"]["ganaug_generator"], real["dagan"]["ganaug_generator"]) == ("dcgan", "dagan")
    torch.save(real["dagan"], tmp_path / "dagan.ckpt")
    assert type(load_gan(tmp_path / "dagan.ckpt")) is DAGAN


def test_a_sheet_yaml_is_plain_data(tmp_path, monkeypatch):
    from ganaug.data.sheets import sheet_settings

    monkeypatch.setenv("GANAUG_TEST_SECRET", "leaked")
    photo = tmp_path / "page.jpg"
    for text, error in [("out: ${oc.env:GANAUG_TEST_SECRET}\n", "is an interpolation"),
                        ("labels: \"${oc.env:GANAUG_TEST_SECRET}\"\n", "is an interpolation"),
                        ("out: /etc/cron.d\n", "leaves the working directory"),
                        ("out: ../../elsewhere\n", "leaves the working directory"),
                        ("rows: !!python/object/apply:os.system ['true']\n", "not readable YAML"),
                        ("shell: true\n", "shell is not a sheet setting")]:
        photo.with_suffix(".yaml").write_text(text)
        with pytest.raises(UserError, match=error):
            sheet_settings({"sheet": str(photo)}, required=())
    photo.with_suffix(".yaml").write_text("rows: 2\ncols: 5\nlabels: \"0.\"\nout: digits\n")
    settings = sheet_settings({"sheet": str(photo)}, required=())
    from ganaug.data.sheets import cell_labels
    with pytest.raises(UserError, match="labels= holds the label '.', which cannot be a folder name"):
        cell_labels(settings["labels"], settings["rows"], settings["cols"])


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` pixels (a decompression bomb's header) and holds one compressed row."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1))) + chunk(b"IEND", b""))


def test_the_page_refuses_an_oversized_image_from_its_header(tmp_path):
    pytest.importorskip("gradio", reason="the demo extra (pip install 'ganaug[demo]')")
    from ganaug.inference.demo_app import Demo
    from ganaug.inference.predictor import Predictor

    torch.save(checkpoint_of(Classifier(CNN, class_names=DIGITS)), tmp_path / "c.ckpt")
    page = Demo(Predictor.load(tmp_path / "c.ckpt"))
    for side, told in [(20_000, "The image is too large; send one"), (5_000, "The image is too large (5000 × 5000 pixels)")]:
        (tmp_path / "bomb.png").write_bytes(png_header(side, side))
        seen, probabilities, message = page.read_upload(str(tmp_path / "bomb.png"))
        assert seen is None and probabilities == {} and message.startswith(told)
    (tmp_path / "not_an_image.png").write_bytes(b"plain text")
    assert page.read_upload(str(tmp_path / "not_an_image.png"))[2].startswith("That file is not an image")


def test_evaluate_refuses_a_results_file_whose_config_names_a_callable(real, tmp_path, capsys, make_cfg):
    """evaluate rebuilds a run from the metrics.json beside the checkpoint: that file is checked as a checkpoint is."""
    from omegaconf import OmegaConf

    run_dir = tmp_path / "their_run"
    (run_dir / "checkpoints").mkdir(parents=True)
    torch.save(real["gan"], run_dir / "checkpoints" / "gan.ckpt")
    config = OmegaConf.to_container(make_cfg("experiment=augmented", "gan=dcgan"), resolve=True)
    config["data"] = writes(tmp_path / "MARK")
    (run_dir / "metrics.json").write_text(json.dumps({"status": "complete", "test_acc": 0.5, "config": config}))
    with pytest.raises(SystemExit) as stopped:
        evaluate.cli([str(run_dir / "checkpoints" / "gan.ckpt")])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.count("\n") == 1
    assert "metrics.json names 'pathlib.Path.write_text', which is not a part of ganaug; refusing to use it" in err
    assert not (tmp_path / "MARK").exists() and not (run_dir / "evaluation.json").exists()


@pytest.mark.parametrize("logger", sorted(path.stem for path in (Path(CONFIG_DIR) / "logger").glob("*.yaml")))
def test_evaluate_takes_a_run_of_every_shipped_logger(logger, real, tmp_path, capsys, make_cfg):
    """What a run names besides its parts (its trainer, each shipped logger) is not refused as untrusted code."""
    from omegaconf import OmegaConf

    run_dir = tmp_path / "run"
    (run_dir / "checkpoints").mkdir(parents=True)
    torch.save(real["gan"], run_dir / "checkpoints" / "gan.ckpt")
    config = OmegaConf.to_container(make_cfg("experiment=augmented", "gan=dcgan", f"logger={logger}",
                                             "gan.cas_epochs=0"), resolve=True)
    (run_dir / "metrics.json").write_text(json.dumps({"status": "complete", "test_acc": 0.5, "config": config}))
    evaluate.cli([str(run_dir / "checkpoints" / "gan.ckpt")])
    assert "fid" in json.loads(capsys.readouterr().out) and (run_dir / "evaluation.json").exists()
