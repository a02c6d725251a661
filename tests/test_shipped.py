"""The pretrained networks shipped in ganaug/assets/pretrained/: they fit the code's default networks (a stale file
fails here), were trained on the built-in pool only, do what their records say, and spare a first
`pretrain=builtin` run any training on the pool."""
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from ganaug.data.mnist import DIGITS, BuiltinDigits
from ganaug.pipeline.overview import export
from ganaug.models.networks import logits_in_batches
from ganaug.models.registry import build
from ganaug.pipeline import starting_points
from ganaug.pipeline.runner import run, stage_settings
from ganaug.pipeline.starting_points import CLASSIFIER_KEYS, GAN_KEYS, SHIPPED_DIR
from ganaug.utils.config import CONFIG_DIR


def config(*overrides: str):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("train", overrides=["pretrain=builtin", *overrides])


def pretraining(*overrides: str):
    """The pool-trained networks' settings, and a workspace that could train them."""
    stages = stage_settings(config(*overrides), Path("unused"))
    return stages.pretraining, stages.work


@pytest.mark.parametrize("gan", ["dcgan", "dagan", "diffusion"])
def test_the_shipped_networks_fit_the_default_networks(gan):
    cfg, (settings, work) = config(f"gan={gan}"), pretraining(f"gan={gan}")
    for what, keys in (("classifier", CLASSIFIER_KEYS), ("gan", GAN_KEYS)):
        path = starting_points.shipped(settings, what, *keys)
        assert path.is_file(), f"no shipped {what} for the default gan={gan}: stale? rebuild it with " \
                               f"python -m ganaug.pretrain gan={gan} --ship"
    net = instantiate(cfg.classifier.module.net, num_classes=10)
    net.load_state_dict(starting_points.classifier_state(settings, work))  # strict: every name and shape fits
    gan_module = instantiate(cfg.gan.module, class_names=DIGITS)
    gan_module.load_state_dict(starting_points.gan_state(settings, work))


def test_the_learning_rate_schedule_does_not_change_the_starting_network():
    shipped = lambda *overrides: starting_points.shipped(pretraining(*overrides)[0], "classifier", *CLASSIFIER_KEYS)  # noqa: E731
    assert shipped("classifier.module.lr_schedule=cosine", "classifier.module.lr=0.1", "classifier.batch_size=64") == shipped()
    assert shipped("classifier.module.net.width=48") != shipped()


def test_the_shipped_networks_saw_the_pool_only_and_read_as_recorded():
    files = sorted(SHIPPED_DIR.glob("*.pt"))
    assert files and sum(f.stat().st_size for f in files) < 20e6
    pool = starting_points.pool_fingerprint()
    held_out = BuiltinDigits(n_per_class=None)
    held_out.setup()
    for path in files:
        saved = torch.load(path, map_location="cpu", weights_only=True)
        assert saved["pool"] == pool and "sources_x" not in saved["state_dict"]
        if path.name.startswith("classifier-"):
            net = build(saved["net"])
            net.load_state_dict(starting_points.load_shipped(path))
            accuracy = (logits_in_batches(net.eval(), held_out.test_x).argmax(1) == held_out.test_y).double().mean()
            assert accuracy == pytest.approx(saved["measures"]["held_out_acc"], abs=0.003)  # float16 weights


def test_a_first_pretrained_run_trains_nothing_on_the_pool(make_cfg, tmp_path):
    dm = BuiltinDigits(n_per_class=3, test_per_class=2)
    dm.setup()
    export(dm, tmp_path / "digits")
    metrics = run(make_cfg("experiment=augmented", "data=folder", f"data.root={tmp_path / 'digits'}", "pretrain=builtin",
                           "gan=dagan"), tmp_path / "run")
    assert metrics["status"] == "complete" and not (tmp_path / "outputs" / "pretrained").exists()
    assert metrics["time_s"]["pretrained"] < 5
