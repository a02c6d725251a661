"""pretrain=builtin: networks trained on the built-in pool, cached, and adapted to a folder of the user's digits."""
import pytest
import pytorch_lightning as pl
import torch

from ganaug import pretraining
from ganaug.cache import cache_key
from ganaug.classifier import Classifier
from ganaug.classifier_stage import build
from ganaug.errors import UserError
from ganaug.gan import GAN
from ganaug.pipeline import run
from ganaug.preparation import export
from ganaug.data import BuiltinDigits

TINY = ["pretrain=builtin", "pretrain.classifier_epochs=1", "pretrain.gan_steps=2", "gan.adapt_steps=2"]


@pytest.fixture
def digit_folder(tmp_path):
    """A folder of 3 training and 2 test digits per class, exported from the built-in data."""
    dm = BuiltinDigits(n_per_class=3, test_per_class=2)
    dm.setup()
    export(dm, tmp_path / "digits")
    return tmp_path / "digits"


def test_pretraining_on_the_builtin_data_itself_is_refused(make_cfg, tmp_path):
    with pytest.raises(UserError, match=r"^pretrain=builtin with data=builtin would train on the pool"):
        run(make_cfg(*TINY), tmp_path / "x")


def test_pretraining_needs_digit_classes(make_cfg, tmp_path):
    cfg = make_cfg("data=folder", f"data.root={tmp_path}", *TINY)
    with pytest.raises(UserError, match=r"^pretrain=builtin starts from networks that know the digits 0-9, but the classes are \['a', 'b'\]"):
        pretraining.check(cfg, ["a", "b"])


def test_a_folder_run_starts_from_the_pool_networks_and_adapts_them(make_cfg, digit_folder, tmp_path):
    cfg = make_cfg("experiment=augmented", "data=folder", f"data.root={digit_folder}", *TINY)
    metrics = run(cfg, tmp_path / "run")
    assert metrics["pretrain"] == "builtin" and metrics["status"] == "complete"
    pretrained = list((tmp_path / "outputs" / "pretrained").glob("*.ckpt"))
    assert sorted(p.name.split("-")[0] for p in pretrained) == ["classifier", "gan"]
    assert 0 < metrics["time_s"]["gan"]

    cfg.num_classes = 10
    dm = type("DM", (), {"class_names": metrics["class_names"]})()
    start = build(cfg, dm, [], pretrained=True).net.state_dict()
    assert all(torch.equal(start[k], v) for k, v in pretraining.classifier_state(cfg).items())
    scratch = make_cfg("experiment=augmented", "data=folder", f"data.root={digit_folder}")
    assert cache_key(scratch, torch.zeros(1)) != cache_key(cfg, torch.zeros(1))


def test_frozen_discriminator_blocks_do_not_move():
    gan = GAN({"_target_": "ganaug.networks.Generator", "latent_dim": 8, "width": 8},
              {"_target_": "ganaug.networks.Discriminator", "width": 8}, freeze_d_blocks=1)
    first, second = [m for m in gan.discriminator.modules() if isinstance(m, torch.nn.Conv2d)]
    before = [p.detach().clone() for p in (*first.parameters(), *second.parameters())]
    pl.seed_everything(0, verbose=False)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.rand(8, 1, 28, 28), torch.arange(8)), batch_size=8)
    pl.Trainer(max_steps=2, logger=False, enable_checkpointing=False, enable_progress_bar=False).fit(gan, loader)
    after = [p.detach() for p in (*first.parameters(), *second.parameters())]
    n = len(list(first.parameters()))
    assert all(torch.equal(a, b) for a, b in zip(before[:n], after[:n]))  # first block frozen
    assert not all(torch.equal(a, b) for a, b in zip(before[n:], after[n:]))  # the next one trained


def test_frozen_classifier_features_keep_their_convolutions():
    classifier = Classifier({"_target_": "ganaug.networks.CNN", "channels": 4, "hidden": 8}, freeze_features=True)
    conv = [p.detach().clone() for m in classifier.net.modules() if isinstance(m, torch.nn.Conv2d) for p in m.parameters()]
    dense = classifier.net.net[-1].weight.detach().clone()
    optimizer = classifier.configure_optimizers()
    from ganaug.data import training_tensors

    classifier.training_step(training_tensors(torch.rand(4, 1, 28, 28), torch.arange(4), 10), 0).backward()
    optimizer.step()
    after = [p for m in classifier.net.modules() if isinstance(m, torch.nn.Conv2d) for p in m.parameters()]
    assert all(torch.equal(a, b) for a, b in zip(conv, after)) and not torch.equal(dense, classifier.net.net[-1].weight)
