"""The commands that take a checkpoint first accept one inside a sweep's run folder, whose name holds `=`."""
import pytest

from ganaug import demo, export, generate, predict
from ganaug.utils.errors import UserError


@pytest.fixture
def swept(tmp_path, monkeypatch):
    """A checkpoint where `-m` puts it: outputs/multirun/<sweep>/<overrides>/checkpoints/, as a relative path."""
    monkeypatch.chdir(tmp_path)
    run = tmp_path / "multirun" / "experiment=classic,seed=0" / "checkpoints"
    run.mkdir(parents=True)
    (run / "classifier.ckpt").write_bytes(b"")
    return "multirun/experiment=classic,seed=0/checkpoints/classifier.ckpt"


def test_a_checkpoint_in_a_sweep_folder_is_a_checkpoint_not_an_option(swept):
    assert str(predict.parse([swept, "sheet=page.jpg", "rows=10"])[0]) == swept
    assert str(demo.parse([swept, "port=7861"])[0]) == swept
    assert str(export.parse([swept, "out=m.onnx"])[0]) == swept
    assert str(generate.parse([swept, "n_per_class=3", "out=fakes"])[0]) == swept


@pytest.mark.parametrize("parse", [predict.parse, demo.parse, export.parse, generate.parse],
                         ids=["predict", "demo", "export", "generate"])
def test_an_option_first_is_still_told_the_usage(parse):
    with pytest.raises(UserError, match="^usage: python -m ganaug"):
        parse(["out=fakes"])


def test_generate_names_an_argument_that_is_no_option(swept):
    with pytest.raises(UserError, match="^fakes: not an option; usage"):
        generate.parse([swept, "n_per_class=3", "fakes"])
