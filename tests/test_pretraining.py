"""pretrain=builtin: networks trained on the built-in pool, cached, and adapted to a folder of the user's digits."""
import pytest
import pytorch_lightning as pl
import torch
from torchvision.io import write_png

from ganaug.data.mnist import BuiltinDigits
from ganaug.pipeline.overview import export
from ganaug.models.class_transfer import transfer
from ganaug.models.classifier import Classifier
from ganaug.models.networks import CNN
from ganaug.models.gan import GAN
from ganaug.pipeline import starting_points
from ganaug.pipeline.generator_stage import gan_cache_entry
from ganaug.pipeline.runner import run, stage_settings
from ganaug.utils.errors import UserError

TINY_NETS = ({"_target_": "ganaug.models.networks.Generator", "latent_dim": 4, "embed_dim": 2, "width": 2},
             {"_target_": "ganaug.models.networks.Discriminator", "width": 2})
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


def test_a_subset_of_the_digits_keeps_their_rows_and_other_classes_get_a_new_head_or_the_mean_embedding():
    pl.seed_everything(0, verbose=False)
    digits = [str(c) for c in range(10)]
    trained_cnn = CNN(channels=2, hidden=4).state_dict()
    trained_gan = GAN(*TINY_NETS, class_names=digits).state_dict()

    subset = CNN(num_classes=2, channels=2, hidden=4)
    fitted = transfer(trained_cnn, subset, digits, ["7", "3"])
    assert torch.equal(fitted["net.10.weight"], trained_cnn["net.10.weight"][[7, 3]])
    assert torch.equal(fitted["net.0.weight"], trained_cnn["net.0.weight"])
    gan = GAN(*TINY_NETS, class_names=["7", "3"])
    fitted = transfer(trained_gan, gan, digits, ["7", "3"])
    assert torch.equal(fitted["generator.embed.weight"], trained_gan["generator.embed.weight"][[7, 3]])
    gan.load_state_dict(fitted)  # every shape fits

    letters = CNN(num_classes=3, channels=2, hidden=4)
    fresh_head = letters.state_dict()["net.10.weight"].clone()
    fitted = transfer(trained_cnn, letters, digits, ["a", "b", "7"])
    assert torch.equal(fitted["net.10.weight"][:2], fresh_head[:2])  # a new head for the letters
    assert torch.equal(fitted["net.10.weight"][2], trained_cnn["net.10.weight"][7])
    gan = GAN(*TINY_NETS, class_names=["a", "b", "7"])
    fitted = transfer(trained_gan, gan, digits, ["a", "b", "7"])
    mean = trained_gan["discriminator.embed.parametrizations.weight.original"].mean(0)
    assert torch.equal(fitted["discriminator.embed.parametrizations.weight.original"][0], mean)
    assert torch.equal(fitted["generator.embed.weight"][1], trained_gan["generator.embed.weight"].mean(0))
    gan.load_state_dict(fitted)


def test_a_folder_of_letters_starts_from_the_pool_networks(make_cfg, tmp_path):
    images = BuiltinDigits(n_per_class=3, test_per_class=2)
    images.setup()
    root = tmp_path / "letters"
    for split, x, y in (("train", images.train_x, images.train_y), ("test", images.test_x, images.test_y)):
        for i, (image, label) in enumerate(zip(x, y)):
            if label < 3:  # classes a, b, c: mirrored 0, 1, 2
                (root / split / "abc"[label]).mkdir(parents=True, exist_ok=True)
                write_png((image.flip(-1) * 255).round().byte(), str(root / split / "abc"[label] / f"{i}.png"))
    metrics = run(make_cfg("experiment=augmented", "data=folder", f"data.root={root}", *TINY), tmp_path / "run")
    assert metrics["class_names"] == ["a", "b", "c"] and metrics["status"] == "complete"


def test_a_folder_run_starts_from_the_pool_networks_and_adapts_them(make_cfg, digit_folder, tmp_path):
    cfg = make_cfg("experiment=augmented", "classifier=cnn", "data=folder", f"data.root={digit_folder}",
                   "classifier.freeze=true", *TINY)
    metrics = run(cfg, tmp_path / "run")
    assert metrics["pretrain"] == "builtin" and metrics["status"] == "complete"
    cached = list((tmp_path / "outputs" / "pretrained").glob("*.ckpt"))
    assert sorted(p.name.split("-")[0] for p in cached) == ["classifier", "gan"]
    assert 0 < metrics["time_s"]["pretrained"] and 0 < metrics["time_s"]["gan"]

    # The frozen parts end where the pool-trained networks are (so the run started there); the rest moved.
    stages = stage_settings(cfg, tmp_path / "run")
    start_gan = starting_points.gan_state(stages.pretraining, stages.work)  # read back from the cache
    adapted_gan = torch.load(tmp_path / "run" / "checkpoints" / "gan.ckpt", weights_only=True)["state_dict"]
    frozen = [k for k in start_gan if k.startswith("discriminator.features.0.") and not k.endswith(("_u", "_v"))]
    assert frozen and all(torch.equal(adapted_gan[k], start_gan[k]) for k in frozen)  # D's first block (FreezeD)
    assert not all(torch.equal(adapted_gan[k], v) for k, v in start_gan.items() if k.startswith("generator."))

    start_cnn = starting_points.classifier_state(stages.pretraining, stages.work)
    adapted_cnn = torch.load(tmp_path / "run" / "checkpoints" / "classifier.ckpt", weights_only=True)["state_dict"]
    convs = ["net.0.weight", "net.0.bias", "net.3.weight", "net.3.bias"]  # classifier.freeze=true keeps them
    assert all(torch.equal(adapted_cnn[f"net.{k}"], start_cnn[k]) for k in convs)
    assert not torch.equal(adapted_cnn["net.net.10.weight"], start_cnn["net.10.weight"])  # the head adapted

    scratch = make_cfg("experiment=augmented", "classifier=cnn", "data=folder", f"data.root={digit_folder}")
    images, labels = torch.zeros(1), torch.zeros(1, dtype=torch.long)
    entry = lambda cfg: gan_cache_entry(stage_settings(cfg, tmp_path).generation, images, labels, ["0"])  # noqa: E731
    assert entry(scratch) != entry(cfg)


def test_frozen_discriminator_blocks_do_not_move():
    gan = GAN({"_target_": "ganaug.models.networks.Generator", "latent_dim": 8, "width": 8},
              {"_target_": "ganaug.models.networks.Discriminator", "width": 8}, freeze_d_blocks=1)
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
    classifier = Classifier({"_target_": "ganaug.models.networks.CNN", "channels": 4, "hidden": 8}, freeze_features=True)
    conv = [p.detach().clone() for m in classifier.net.modules() if isinstance(m, torch.nn.Conv2d) for p in m.parameters()]
    dense = classifier.net.net[-1].weight.detach().clone()
    optimizer = classifier.configure_optimizers()
    from ganaug.data.datamodule import training_tensors

    classifier.training_step(training_tensors(torch.rand(4, 1, 28, 28), torch.arange(4), 10), 0).backward()
    optimizer.step()
    after = [p for m in classifier.net.modules() if isinstance(m, torch.nn.Conv2d) for p in m.parameters()]
    assert all(torch.equal(a, b) for a, b in zip(conv, after)) and not torch.equal(dense, classifier.net.net[-1].weight)
