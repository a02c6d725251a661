"""Every command as a user runs it: `--help`, an unknown option, the `ganaug` console script, configs kept in the
user's own folder, and output free of library chatter the user cannot act on."""
import importlib
import json
import re
import sys
import warnings

import pytest
from conftest import FAST

from ganaug.__main__ import main as ganaug_main
from ganaug.prepare import cli as prepare_cli
from ganaug.train import cli as train_cli

CHECKPOINT_COMMANDS = ["predict", "export", "demo", "generate", "evaluate"]


@pytest.mark.parametrize("name", CHECKPOINT_COMMANDS)
def test_help_lists_every_key_with_its_default(name, capsys):
    command = importlib.import_module(f"ganaug.{name}")
    with pytest.raises(SystemExit) as stopped:
        command.main(["--help"])
    out = capsys.readouterr().out
    assert stopped.value.code == 0 and out.startswith(f"usage: python -m ganaug.{name} CHECKPOINT")
    for key, option in command.COMMAND.options.items():
        line = next(line for line in out.splitlines() if line.strip().startswith(f"{key}="))
        assert ("(required)" if option.required else f"(default: {option.default or 'none'})") in line


@pytest.mark.parametrize("name, typo, error", [
    ("predict", "row=2", "row= is not an option of ganaug.predict; did you mean rows=?"),
    ("export", "output=m.onnx", "output= is not an option of ganaug.export; did you mean out=?"),
    ("demo", "prot=8000", "prot= is not an option of ganaug.demo; did you mean port=?"),
    ("generate", "n_per_clas=3", "n_per_clas= is not an option of ganaug.generate; did you mean n_per_class=?"),
    ("evaluate", "seed=1", "seed= is not an option of ganaug.evaluate; it takes none; usage: python -m ganaug.evaluate"),
])
def test_an_unknown_option_is_one_line_naming_the_closest(name, typo, error, capsys):
    with pytest.raises(SystemExit) as stopped:
        importlib.import_module(f"ganaug.{name}").main(["some.ckpt", "in.png", typo] if name == "predict" else ["some.ckpt", typo])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.count("\n") == 1 and err.startswith(f"ganaug.{name}: error: {error}")


def test_report_gives_an_unknown_option_one_line(capsys):
    from ganaug.report import main as report_main

    with pytest.raises(SystemExit) as stopped:
        report_main(["sweep", "--plot"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err == "ganaug.report: error: unrecognized arguments: --plot; see python -m ganaug.report --help\n"


def test_the_console_script_runs_the_commands_and_names_a_mistyped_one(monkeypatch, capsys):
    """`ganaug COMMAND ARGS` runs `python -m ganaug.COMMAND ARGS` (.ci/wheel_check runs the installed script)."""
    monkeypatch.setattr(sys, "argv", ["ganaug"])
    monkeypatch.delitem(sys.modules, "ganaug.evaluate", raising=False)  # run as __main__, as in a new process
    with pytest.raises(SystemExit) as stopped:
        ganaug_main(["evaluate", "--help"])
    assert stopped.value.code == 0 and capsys.readouterr().out.startswith("usage: python -m ganaug.evaluate CHECKPOINT")
    with pytest.raises(SystemExit) as stopped:
        ganaug_main(["predcit", "x.ckpt"])
    assert stopped.value.code == 2 and capsys.readouterr().err == "ganaug: error: predcit is not a command; did you mean predict?\n"


@pytest.fixture
def my_configs(tmp_path):
    """A user's own folder of configs: an experiment built on `baseline` and a data config built on `builtin`."""
    mine = tmp_path / "my_configs"
    (mine / "experiment").mkdir(parents=True)
    (mine / "data").mkdir()
    (mine / "experiment" / "few.yaml").write_text(
        "# @package _global_\ndefaults:\n  - baseline\n  - override /data: three\nexperiment_name: few\n")
    (mine / "data" / "three.yaml").write_text("defaults:\n  - builtin\nn_per_class: 3\n")
    return mine


@pytest.mark.parametrize("how", ["--config-dir", "hydra.searchpath"])
def test_an_experiment_and_data_config_in_the_users_folder_are_used(my_configs, tmp_path, command, how):
    flag = ["--config-dir", str(my_configs)] if how == "--config-dir" else [f"hydra.searchpath=[file://{my_configs}]"]
    run_dir = tmp_path / "run"
    result = command(train_cli, *flag, "experiment=few", *FAST, "data.batch_size=8", f"hydra.run.dir={run_dir}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["experiment"] == "few" and metrics["n_train_real"] == 30 and metrics["config"]["data"]["batch_size"] == 8


def test_a_typo_is_still_caught_with_the_users_folder(my_configs, tmp_path, command):
    result = command(train_cli, "--config-dir", str(my_configs), "experiment=few", "data.batch_sise=8", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == "ganaug: error: data.batch_sise is not a setting; did you mean data.batch_size?\n"
    result = command(train_cli, "--config-dir", str(tmp_path / "nowhere"), "experiment=few", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("ganaug: error: ") and result.stderr.count("\n") == 1


def test_a_learned_label_check_prints_no_library_tips_or_warnings(tmp_path, command):
    """One Lightning trainer per fold, each without validation; every warning shown, as in a new process (the suite's
    own filters are set aside; .ci/wheel_check looks for the same chatter in every command's output)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = command(prepare_cli, "data.n_per_class=4", "check.folds=2", "check.epochs=1",
                         f"hydra.run.dir={tmp_path / 'prepared'}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    chatter = [line for line in (result.stdout + result.stderr).splitlines() if re.search(r"warn|\btip\b", line, re.I)]
    assert not chatter and not [str(w.message) for w in caught] and "check these" in result.stdout, chatter
