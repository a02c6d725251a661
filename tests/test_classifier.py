import pytest
import pytorch_lightning as pl
import torch

from ganaug.augment import RandomAffine
from ganaug.classifier import Classifier
from ganaug.data import BuiltinDigits
from ganaug.networks import CNN


def test_classifier_fits_a_tiny_set_and_records_history():
    pl.seed_everything(0, verbose=False)
    dm = BuiltinDigits(n_per_class=2, batch_size=20)
    dm.setup()
    model = Classifier(CNN(channels=8, hidden=32), momentum=0.9)
    trainer = pl.Trainer(
        max_epochs=40, check_val_every_n_epoch=20, logger=False, enable_checkpointing=False,
        enable_progress_bar=False, num_sanity_val_steps=0,
    )
    trainer.fit(model, datamodule=dm)
    assert [h["epoch"] for h in model.history] == [20, 40]
    assert model.history[-1]["train_acc"] == 1.0
    assert model.history[-1]["test_acc"] > 0.2  # 20 images already beat chance (0.1) on 5,000 held-out


def test_random_affine_changes_each_image_differently_in_training_only():
    torch.manual_seed(0)
    x = torch.zeros(4, 1, 28, 28)
    x[:, :, 8:20, 12:16] = 1.0
    aug = RandomAffine(degrees=20, translate=0.1, scale=(0.8, 1.2), shear=10)
    out = aug(x)
    assert out.shape == x.shape and not torch.equal(out, x)
    assert not torch.allclose(out[0], out[1])
    assert torch.equal(aug.eval()(x), x)


def test_random_affine_with_zero_ranges_is_identity():
    x = torch.rand(3, 1, 28, 28)
    out = RandomAffine(degrees=0, translate=0, scale=(1, 1), shear=0)(x)
    assert torch.allclose(out, x, atol=1e-5)


def test_weighted_batch_loss_is_the_weighted_mean_of_per_image_losses():
    torch.manual_seed(0)
    classifier = Classifier(CNN(channels=4, hidden=8))
    x, y = torch.rand(4, 1, 28, 28), torch.tensor([0, 1, 2, 3])
    per_image = torch.nn.functional.cross_entropy(classifier(x), y, reduction="none")
    weight = torch.tensor([1.0, 1.0, 0.5, 0.0])
    loss = classifier.training_step((x, y, weight), 0)
    assert loss.item() == pytest.approx(((per_image * weight).sum() / weight.sum()).item(), rel=1e-5)
    assert classifier.training_step((x, y), 0).item() == pytest.approx(per_image.mean().item(), rel=1e-5)
