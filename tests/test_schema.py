"""Every setting of a command is held to its schema before any work starts: a wrong type, a value out of range, a
word not allowed or a key that does not exist ends with one line naming the key, and nothing is written."""
import copy
import string
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from omegaconf import DictConfig, OmegaConf, ValidationError

from ganaug.schema.groups import Train
from ganaug.schema import store
from ganaug.schema.validation import HYDRA_KEYS, field_of, refused
from ganaug.train import cli
from ganaug.utils.config import CONFIG_DIR, check_overrides, validate
from ganaug.utils.errors import UserError

# The settings that once ended in a traceback from deep inside a constructor, or were taken as they were.
ONCE_FELL_THROUGH = [
    "trainer.devices=abc", "trainer.devices=-5", "trainer.strategy=no_such_value_42", "threads=no_such_value_42",
    "classifier.module.net.width=abc", "classifier.module.net.norm=x1", "classifier.module.net.depth=-5",
    "+classifier.module.no_such_key=1", "+classifier.module.net.no_such_key=1",
    "gan.dagan_networks.generator.latent_dim=abc", "gan.dagan_networks.discriminator.width=abc",
    "gan.dagan_networks.generator.width=-5", "gan.dagan_networks.generator.max_ink=-1.5",
    "classifier.module.channels_last=perhaps", "logger.tensorboard.default_hp_metric=perhaps",
    "trainer.log_every_n_steps=-5", "+gan.no_such_key=1", "+augment.no_such_key=1",
    "augment.ratio=abc", "gan.steps=-1", "+gan.unknown=1", "classifier.module.lr=x", "augment.ratio=0.5,abc",
    "+augment._recursive_=1",  # Hydra's own key, where nothing is built
]


@pytest.mark.parametrize("bad", ONCE_FELL_THROUGH)
def test_a_bad_setting_is_one_line_naming_it_and_nothing_is_written(tmp_path, command, bad):
    result = command(cli, "experiment=baseline", "debug=fast", "-m", bad, f"paths.root={tmp_path / 'out'}",
                     "hydra/launcher=basic", cwd=tmp_path)
    key = bad.lstrip("+").split("=")[0]
    assert result.returncode == 2 and result.stderr.startswith(f"ganaug: error: {key}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("launcher, bad, message", [
    ("parallel", "hydra.launcher.n_jobs=abc", "hydra.launcher.n_jobs='abc' is not allowed: Value 'abc' of type 'str' "
                                              "could not be converted"),
    ("parallel", "+hydra.launcher.no_such=1", "hydra.launcher.no_such is not a setting; hydra.launcher has"),
    ("slurm", "hydra.launcher.timeout_min=abc", "hydra.launcher.timeout_min='abc' is not allowed: Value 'abc'"),
    ("parallel", "hydra.launcher.no_such=1", "hydra.launcher.no_such is not a setting; hydra.launcher has"),
])
def test_a_launchers_bad_setting_is_one_line_too(tmp_path, command, launcher, bad, message):
    result = command(cli, "experiment=baseline", "debug=fast", "-m", "seed=0,1", f"hydra/launcher={launcher}", bad,
                     f"paths.root={tmp_path / 'out'}", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr
    assert not (tmp_path / "out").exists()


def composed(*overrides: str) -> DictConfig:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("train", overrides=list(overrides))


CONFIGS = {name: composed(*overrides) for name, overrides in {
    "dagan": ["experiment=augmented_classic", "pretrain=builtin", "data=folder", "data.root=x"],
    "dcgan": ["gan=dcgan", "logger=[tensorboard,csv,mlflow,wandb]", "trainer=gpu"],
    "diffusion": ["gan=diffusion", "data=mnist"],
}.items()}


def leaves(node: DictConfig, prefix: str = "") -> list[tuple[str, object]]:
    """Every setting set in the config itself (not by interpolation), with its value."""
    found = []
    for key in node:
        value, raw = node[key], node._get_node(key)._value()
        if isinstance(raw, str) and raw.startswith("${"):
            continue
        if isinstance(value, DictConfig):
            found += leaves(value, f"{prefix}{key}.")
        elif not str(key).startswith("_"):
            found.append((f"{prefix}{key}", value))
    return found


def kind(value: object) -> str | None:
    """What a setting's default says it is, independently of its schema: a number, a switch, or one of some words."""
    if isinstance(value, bool):
        return "switch"
    if isinstance(value, (int, float)):
        return "number"
    return None


SETTINGS = sorted({(name, key) for name, cfg in CONFIGS.items() for key, value in leaves(cfg) if kind(value)})
NODES = sorted({(name, key.rsplit(".", 1)[0]) for name, cfg in CONFIGS.items() for key, _ in leaves(cfg) if "." in key})
words = st.text(string.ascii_lowercase + "_", min_size=3, max_size=12).filter(
    lambda w: w not in ("true", "false", "yes", "off", "null", "none", "auto", "nan", "inf"))  # OmegaConf reads
# yes and off as switches


def refusal(cfg: DictConfig, key: str, value: object) -> str:
    """The one line a value gets where it is wrong: OmegaConf's refusal for its field's type, or the schema's."""
    try:
        OmegaConf.update(cfg, key, value)
    except ValidationError as error:
        return refused(error)
    with pytest.raises(UserError) as error:
        validate(cfg)
    return str(error.value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setting=st.sampled_from(SETTINGS), word=words)
def test_numbers_and_switches_refuse_words(setting, word):
    """Drawn from every config: a number or a switch set to a word is refused, in one line naming it."""
    name, key = setting
    message = refusal(copy.deepcopy(CONFIGS[name]), key, word)
    assert message.startswith(f"{key}=") and "\n" not in message


@settings(max_examples=100, deadline=None)
@given(node=st.sampled_from(NODES), name=words)
def test_no_group_of_settings_takes_a_key_it_does_not_have(node, name):
    config, path = node
    cfg = copy.deepcopy(CONFIGS[config])
    node = OmegaConf.select(cfg, path)
    if name in node or (name in HYDRA_KEYS and "_target_" in node):  # Hydra's own, where Hydra builds the node
        return
    OmegaConf.update(cfg, f"{path}.{name}", 1, force_add=True)
    with pytest.raises(UserError) as error:
        validate(cfg)
    assert f"{path}.{name} is not a setting" in str(error.value)


@settings(max_examples=100, deadline=None)
@given(setting=st.sampled_from(SETTINGS))
def test_every_setting_of_every_config_has_a_check_in_the_schema(setting):
    """No setting falls through to Python: each has its schema field, and that field a check."""
    name, key = setting
    field = field_of(OmegaConf.to_container(CONFIGS[name], resolve=True), Train, key)
    assert field is not None and field.metadata.get("check") is not None, key


def test_the_shipped_configs_pass_their_own_schema():
    for cfg in CONFIGS.values():
        validate(cfg)


SHIPPED_OPTIONS = sorted((path.parent.name, path.stem) for group in {name.partition("/")[0] for name in store.OPTIONS}
                         for path in (Path(CONFIG_DIR) / group).glob("*.yaml"))


@pytest.mark.parametrize("group, option", SHIPPED_OPTIONS)
def test_every_group_option_extends_its_schema(group, option):
    """OmegaConf holds each shipped option's settings to their types (the composed group is of its schema's type),
    and the option's YAML gives every setting of its schema a value."""
    cfg = composed(f"{group}={option}")
    node = cfg[group]
    for part in node.values() if group == "logger" else [node]:  # a logger option is one named entry
        assert OmegaConf.get_type(part) in store.OPTIONS.values(), f"{group}={option}"
    assert not OmegaConf.missing_keys(cfg)


@pytest.mark.parametrize("name", store.CONFIGS)
def test_every_commands_config_extends_its_schema(name):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        assert OmegaConf.get_type(compose(name)) is store.CONFIGS[name]


def test_a_wrong_type_in_a_users_config_file_is_one_line_naming_the_file(tmp_path):
    (tmp_path / "experiment").mkdir()
    (tmp_path / "experiment" / "mine.yaml").write_text(
        "# @package _global_\ndefaults:\n  - augmented\n  - _self_\nexperiment_name: mine\naugment:\n  ratio: lots\n")
    with pytest.raises(UserError) as error:
        check_overrides(["--config-dir", str(tmp_path), "experiment=mine"], "train")
    assert str(error.value) == ("augment.ratio='lots' is not allowed in experiment/mine.yaml: use a number > 0 (fakes "
                                "per real image)")


def test_a_users_own_data_class_keeps_its_own_settings(tmp_path):
    """A group option of the user's that extends no schema (their own data set class) is not held to ours."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "own.yaml").write_text("_target_: mine.OwnDigits\nn_per_class: 30\ncolor: blue\n")
    cfg = composed("data=own", f"hydra.searchpath=[file://{tmp_path}]", "data.color=red")
    assert OmegaConf.to_container(cfg.data) == {"_target_": "mine.OwnDigits", "n_per_class": 30, "color": "red"}
