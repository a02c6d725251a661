"""The commands that read a trained network or finished runs take their paths first (`CHECKPOINT INPUT...`) as
their settings, also from inside a sweep's run folder, whose name holds `=`."""
import re

import pytest

from ganaug.utils.commands import hydra_arguments
from ganaug.utils.errors import UserError


@pytest.fixture
def swept(tmp_path, monkeypatch):
    """A checkpoint where `-m` puts it: outputs/multirun/<sweep>/<overrides>/checkpoints/, as a relative path."""
    monkeypatch.chdir(tmp_path)
    run = tmp_path / "multirun" / "experiment=classic,seed=0" / "checkpoints"
    run.mkdir(parents=True)
    (run / "classifier.ckpt").write_bytes(b"")
    return "multirun/experiment=classic,seed=0/checkpoints/classifier.ckpt"


def test_a_checkpoint_in_a_sweep_folder_is_a_checkpoint_not_a_setting(swept):
    assert hydra_arguments("predict", [swept, "sheet=page.jpg", "rows=10"]) == [f"checkpoint='{swept}'", "sheet=page.jpg", "rows=10"]
    assert hydra_arguments("export", [swept, "out=m.onnx"]) == [f"checkpoint='{swept}'", "out=m.onnx"]


def test_paths_after_the_first_are_the_commands_list():
    assert hydra_arguments("predict", ["run.ckpt", "a b.png", "it's/", "out=x"]) == [
        "checkpoint='run.ckpt'", "inputs=['a b.png','it\\'s/']", "out=x"]
    assert hydra_arguments("report", ["sweep1", "sweep2", "curve=true"]) == ["sweeps=['sweep1','sweep2']", "curve=true"]


def test_hydras_flags_and_their_values_pass_through():
    assert hydra_arguments("generate", ["--config-dir", "mine", "run.ckpt", "--cfg", "job"]) == [
        "checkpoint='run.ckpt'", "--config-dir", "mine", "--cfg", "job"]


@pytest.mark.parametrize("name, argv, error", [
    ("generate", ["run.ckpt", "n_per_class=3", "fakes"], "fakes: not a setting (KEY=VALUE) and generate takes one path only"),
    ("report", ["sweep", "--plot"], "--plot is not a flag of ganaug.report; its settings are KEY=VALUE"),
])
def test_a_stray_argument_is_one_line_saying_what_the_command_takes(name, argv, error):
    with pytest.raises(UserError, match=f"^{re.escape(error)}"):
        hydra_arguments(name, argv)


def test_the_reports_old_flags_are_still_read():
    assert hydra_arguments("report", ["a", "b", "--out", "docs/x", "--curve"]) == ["sweeps=['a','b']", "out='docs/x'", "curve=true"]
    assert hydra_arguments("report", ["a", "--out=y"]) == ["sweeps=['a']", "out='y'"]


@pytest.mark.parametrize("path", ["C:\\digits\\run.ckpt", "it's.ckpt", "ends\\", "x\\'y", "a,b=c [d]"])
def test_a_path_reaches_the_command_as_written(path):
    from hydra.core.override_parser.overrides_parser import OverridesParser

    setting = hydra_arguments("export", [path, "out=m.onnx"])[0]
    assert OverridesParser.create().parse_overrides([setting])[0].value() == path
