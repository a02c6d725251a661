"""classifier=convnet: the normalised ConvNet in every normalisation and pooling, trained in a run, started from the
pool with pretrain=builtin, and read back from its checkpoint (its ONNX export, the default classifier's, is
checked in tests/test_predict.py)."""
import shutil

import pytest
import torch

from ganaug.data.mnist import BuiltinDigits
from ganaug.models.classifier import CPP_COMPILERS, Classifier
from ganaug.models.networks import ConvNet
from ganaug.pipeline.runner import run

TINY = ["classifier=convnet", "classifier.module.net.width=4", "classifier.epochs=2"]


@pytest.mark.parametrize("norm", ["instance", "group", "batch", "none"])
@pytest.mark.parametrize("pooling", ["avg", "max"])
@pytest.mark.parametrize("depth, features", [(1, 14 * 14), (3, 3 * 3), (4, 1)])
def test_every_block_halves_the_side_and_the_head_reads_what_is_left(norm, pooling, depth, features):
    net = ConvNet(num_classes=7, width=4, depth=depth, norm=norm, pooling=pooling)
    assert net.head.in_features == 4 * features
    assert net(torch.rand(3, 1, 28, 28)).shape == (3, 7)
    kinds = {type(m).__name__ for m in net.features}
    assert ("GroupNorm" in kinds) == (norm in ("instance", "group")) and ("BatchNorm2d" in kinds) == (norm == "batch")
    assert ("AvgPool2d" in kinds) == (pooling == "avg")


def test_instance_norm_normalises_each_image_and_channel_on_its_own():
    net = ConvNet(width=4, depth=1, norm="instance").eval()
    conv, norm = net.features[0], net.features[1]
    x = torch.rand(2, 1, 28, 28)
    x[1] *= 50  # a much darker image normalises to the same scale
    h = norm(conv(x))
    assert torch.allclose(h.mean((2, 3)), torch.zeros(2, 4), atol=1e-5)
    assert torch.allclose(h.std((2, 3), unbiased=False), torch.ones(2, 4), atol=1e-2)


def test_an_unknown_normalisation_is_refused_by_name():
    with pytest.raises(ValueError, match="norm='layer'"):
        ConvNet(norm="layer")
    with pytest.raises(Exception, match="classifier.module.net.norm='layer' is not allowed"):
        from ganaug.utils.config import check_overrides
        check_overrides(["classifier=convnet", "classifier.module.net.norm=layer"], "train")


@pytest.fixture(scope="module")
def convnet_run(tmp_path_factory):
    from hydra import compose, initialize_config_dir

    from ganaug.utils.config import CONFIG_DIR

    root = tmp_path_factory.mktemp("convnet")
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("train", overrides=["debug=fast", "experiment=classic", *TINY, f"paths.root={root / 'outputs'}"])
    return root / "run", run(cfg, root / "run")


def test_a_convnet_run_saves_a_checkpoint_that_loads_with_weights_only(convnet_run):
    folder, metrics = convnet_run
    assert metrics["status"] == "complete"
    assert metrics["config"]["classifier"]["module"]["net"]["_target_"] == "ganaug.models.networks.ConvNet"
    checkpoint = folder / "checkpoints" / "classifier.ckpt"
    saved = torch.load(checkpoint, weights_only=True, map_location="cpu")
    assert saved["hyper_parameters"]["net"] == {"_target_": "convnet", "width": 4, "depth": 3, "norm": "instance",
                                                "pooling": "avg"}
    model = Classifier.load_from_checkpoint(checkpoint, map_location="cpu").eval()
    assert isinstance(model.net, ConvNet)
    dm = BuiltinDigits(n_per_class=1, max_test_per_class=20)
    dm.setup()
    accuracy = (model(dm.test_x).argmax(1) == dm.test_y).float().mean().item()
    assert accuracy == pytest.approx(metrics["test_acc"], abs=1e-6)


@pytest.mark.slow  # an epoch on the 5,000 pool digits: about 40 s
def test_pretrain_builtin_starts_a_convnet_from_one_trained_on_the_pool(make_cfg, tmp_path):
    from ganaug.pipeline import starting_points
    from ganaug.pipeline.overview import export
    from ganaug.pipeline.runner import stage_settings

    cfg = make_cfg("experiment=baseline", *TINY, "pretrain=builtin", "pretrain.classifier_epochs=1",
                   "data=folder", f"data.root={tmp_path / 'digits'}")
    digits = BuiltinDigits(n_per_class=3, test_per_class=2)
    digits.setup()
    export(digits, tmp_path / "digits")
    metrics = run(cfg, tmp_path / "run")
    assert metrics["status"] == "complete" and metrics["pretrain"] == "builtin"
    stages = stage_settings(cfg, tmp_path / "run")
    start = starting_points.classifier_state(stages.pretraining, stages.work)
    assert start["features.0.weight"].shape == (4, 1, 3, 3)  # the ConvNet's, trained on the pool and cached
    assert list((tmp_path / "outputs" / "pretrained").glob("classifier-*.ckpt"))


def trained_weights(compile: bool) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """A width-4 ConvNet's weights before and after 3 seeded SGD steps on random digits, trained through
    torch.compile or not."""
    import pytorch_lightning as pl

    pl.seed_everything(0, verbose=False)
    model = Classifier({"_target_": "convnet", "width": 4}, lr=0.1, momentum=0.9, compile=compile)
    start = {key: value.clone() for key, value in model.state_dict().items()}
    x, y = torch.rand(48, 1, 28, 28), torch.arange(48) % 10
    batches = [(x[i:i + 16], torch.nn.functional.one_hot(y[i:i + 16], 10).float(), torch.ones(16),
                torch.zeros(16, dtype=torch.bool)) for i in range(0, 48, 16)]
    optimizer = model.configure_optimizers()
    for batch in batches:
        optimizer.zero_grad()
        model.training_step(batch, 0).backward()
        optimizer.step()
    return start, model.state_dict()


@pytest.mark.skipif(not any(map(shutil.which, CPP_COMPILERS)), reason="no C++ compiler")
def test_training_through_torch_compile_repeats_itself_and_matches_eager_training():
    (start, compiled), (_, again), (_, eager) = trained_weights(True), trained_weights(True), trained_weights(False)
    assert list(compiled) == list(eager)  # the compiled forward is no module: the checkpoint's keys are the same
    for key in eager:
        assert torch.equal(compiled[key], again[key]), key
        assert torch.allclose(compiled[key], eager[key], atol=1e-4), key
    assert not torch.allclose(compiled["net.head.weight"], start["net.head.weight"], atol=1e-3)  # it trained
