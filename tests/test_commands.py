"""Every command as a user runs it: `--help`, an unknown option, the `ganaug` console script, configs kept in the
user's own folder, and output free of library chatter the user cannot act on."""
import importlib
import json
import re
import sys
import warnings

from pathlib import Path

import pytest
from conftest import FAST
from omegaconf import DictConfig, OmegaConf

from ganaug.__main__ import main as ganaug_main
from ganaug.prepare import cli as prepare_cli
from ganaug.train import cli as train_cli
from ganaug.utils.config import CONFIG_DIR

READING_COMMANDS = ["predict", "export", "demo", "generate", "evaluate", "report"]


@pytest.mark.parametrize("name", READING_COMMANDS)
def test_help_is_hydras_and_names_every_setting(name, capsys):
    """Hydra's `--help` (the command's usage, then each setting and the defaults) and `--cfg job`, as for train."""
    command = importlib.import_module(f"ganaug.{name}")
    with pytest.raises(SystemExit) as stopped:
        command.cli(["--help"])
    out = capsys.readouterr().out
    assert stopped.value.code == 0 and out.startswith(f"usage: python -m ganaug.{name}") and "--hydra-help" in out
    settings = OmegaConf.load(Path(CONFIG_DIR) / f"{name}.yaml")
    for key in (k for k in settings if k not in ("defaults", "hydra")):
        assert re.search(rf"^  {key}=", out, re.M), f"{name} --help does not describe {key}"
    command.cli(["--cfg", "job"])
    assert OmegaConf.create(capsys.readouterr().out).keys() == settings.keys() - {"defaults", "hydra"}


@pytest.mark.parametrize("name, typo, error", [
    ("predict", "row=2", "row is not a setting; did you mean rows?"),
    ("export", "output=m.onnx", "output is not a setting; did you mean out?"),
    ("demo", "prot=8000", "prot is not a setting; did you mean port?"),
    ("demo", "port=70000", "port=70000 is not allowed: use a port number between 1 and 65535"),
    ("generate", "n_per_clas=3", "n_per_clas is not a setting; did you mean n_per_class?"),
    ("evaluate", "seed=1", "seed is not a setting; the settings are checkpoint"),
    ("report", "curve=maybe", "curve='maybe' is not allowed: use true or false"),
])
def test_an_unknown_or_bad_setting_is_one_line_naming_it(name, typo, error, tmp_path, command):
    args = ["some.ckpt", "in.png", typo] if name == "predict" else ["sweep", typo] if name == "report" else ["some.ckpt", typo]
    result = command(importlib.import_module(f"ganaug.{name}").cli, *args, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"ganaug.{name}: error: {error}")


@pytest.mark.parametrize("name", READING_COMMANDS)
def test_a_command_that_reads_leaves_no_folder_behind(name, tmp_path, command):
    """A missing checkpoint (or sweep) is one line, and neither Hydra nor the command writes anything in the
    working folder."""
    args = ["missing.ckpt", "in.png"] if name == "predict" else ["missing.ckpt", "out=m.onnx"] if name == "export" \
        else ["missing.ckpt", "out=fakes"] if name == "generate" else ["missing"] if name == "report" else ["missing.ckpt"]
    result = command(importlib.import_module(f"ganaug.{name}").cli, *args, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "missing" in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


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


@pytest.mark.parametrize("name, args", [
    ("train", ["experiment=baseline", "seed=[0,1"]),
    ("predict", ["some.ckpt", "in.png", "out=it's"]),
    ("report", ["sweep", "out=a=b"]),
])
def test_a_setting_hydras_grammar_cannot_read_is_one_line_saying_how_to_quote(name, args, tmp_path, command):
    result = command(importlib.import_module(f"ganaug.{name}").cli, *args, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"{args[-1]}: not a setting Hydra can read (" in result.stderr and "KEY='...'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_pretrain_with_the_shipped_networks_says_where_they_are_and_leaves_no_folder(tmp_path, command):
    from ganaug.pretrain import cli as pretrain_cli

    result = command(pretrain_cli, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "classifier: shipped with the package" in result.stdout and "GAN: shipped with the package" in result.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["train", "prepare"])
def test_help_names_every_option_of_every_group_the_command_has(name, capsys):
    """Its usage, every option of each of its config groups (the schemas Hydra also holds are not options)."""
    command = importlib.import_module(f"ganaug.{name}")
    with pytest.raises(SystemExit) as stopped:
        command.cli(["--help"])
    out = capsys.readouterr().out
    assert stopped.value.code == 0 and out.startswith(f"usage: python -m ganaug.{name}") and "schema" not in out
    defaults = OmegaConf.load(Path(CONFIG_DIR) / f"{name}.yaml").defaults
    # a group whose option the config derives from other choices (${...}) is not one the user picks
    groups = [key for entry in defaults if isinstance(entry, DictConfig)
              for key, option in entry.items_ex(resolve=False) if "${" not in str(option)]
    for group in (g for g in groups if not g.startswith(("hydra", "override"))):
        line = re.search(rf"^  {group} +(.*)$", out, re.M)
        assert line, f"{name} --help does not list {group}"
        for option in (path.stem for path in (Path(CONFIG_DIR) / group).glob("*.yaml")):
            assert re.search(rf"\b{option}\b", line[1]), f"{name} --help does not name {group}={option}"


@pytest.mark.slow  # an epoch of the pool classifier and a few GAN iterations: about a minute
def test_pretrain_ship_writes_the_networks_with_the_network_they_are(tmp_path, command, monkeypatch):
    import torch

    from ganaug.models.registry import build
    from ganaug.pipeline import starting_points
    from ganaug.pretrain import cli as pretrain_cli

    monkeypatch.setattr(starting_points, "SHIPPED_DIR", tmp_path / "assets")
    (tmp_path / "assets").mkdir()
    result = command(pretrain_cli, "--ship", "classifier.module.net.width=4", "pretrain.classifier_epochs=1",
                     "pretrain.gan_steps=2", f"paths.root={tmp_path / 'out'}", "gan.cas_epochs=0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    shipped = {path.name.split("-")[0]: torch.load(path, weights_only=True) for path in (tmp_path / "assets").glob("*.pt")}
    assert sorted(shipped) == ["classifier", "gan"]
    assert shipped["classifier"]["net"] == {"_target_": "convnet", "width": 4, "depth": 3, "norm": "instance",
                                            "pooling": "avg"}
    build(shipped["classifier"]["net"]).load_state_dict({k: v.float() for k, v in shipped["classifier"]["state_dict"].items()})
    assert shipped["classifier"]["command"].endswith("--ship")
