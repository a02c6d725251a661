import pytest
import pytorch_lightning as pl
import torch

from ganaug.data.datamodule import training_tensors
from ganaug.data.mnist import BuiltinDigits
from ganaug.models.augmentations import RandomAffine
from ganaug.models.classifier import Classifier


def cnn(channels: int, hidden: int) -> dict:
    return {"_target_": "ganaug.models.networks.CNN", "channels": channels, "hidden": hidden}


def test_classifier_fits_a_tiny_set_and_records_history():
    pl.seed_everything(0, verbose=False)
    dm = BuiltinDigits(n_per_class=2, batch_size=20)
    dm.setup()
    model = Classifier(cnn(8, 32), momentum=0.9)
    trainer = pl.Trainer(
        max_epochs=40, check_val_every_n_epoch=20, logger=False, enable_checkpointing=False,
        enable_progress_bar=False, num_sanity_val_steps=0,
    )
    trainer.fit(model, datamodule=dm)
    assert [h["epoch"] for h in model.history] == [20, 40]
    assert model.history[-1]["train_acc"] == 1.0
    assert model.history[-1]["val_acc"] > 0.2  # 20 images already beat chance (0.1) on 900 validation digits
    assert "test_acc" not in model.history[-1] and not model.confusion  # fitting never reads the test set


def test_testing_reads_the_test_set_once_and_keeps_per_class_accuracy_and_the_misread_digits():
    pl.seed_everything(0, verbose=False)
    dm = BuiltinDigits(n_per_class=2, batch_size=20, max_test_per_class=10)
    dm.setup()
    model = Classifier(cnn(8, 32))
    trainer = pl.Trainer(max_epochs=5, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                         num_sanity_val_steps=0, limit_val_batches=0)
    trainer.fit(model, datamodule=dm)
    trainer.test(model, datamodule=dm, verbose=False)
    confusion = torch.tensor(model.confusion)
    assert confusion.sum() == 100 and confusion.sum(1).tolist() == [10] * 10
    accuracy = trainer.callback_metrics["classifier/test_acc"].item()
    assert accuracy == pytest.approx(confusion.diag().sum().item() / 100)
    assert [model.per_class[str(c)] for c in range(10)] == pytest.approx((confusion.diag() / 10).tolist())
    guesses = model(dm.test_x).argmax(1)
    assert (guesses != dm.test_y).sum() == 100 - confusion.diag().sum()


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
    classifier = Classifier(cnn(4, 8))
    x, y = torch.rand(4, 1, 28, 28), torch.tensor([0, 1, 2, 3])
    per_image = torch.nn.functional.cross_entropy(classifier(x), y, reduction="none")
    weight = torch.tensor([1.0, 1.0, 0.5, 0.0])
    x, probs, _, unlabelled = training_tensors(x, y, 10)
    loss = classifier.training_step((x, probs, weight, unlabelled), 0)
    assert loss.item() == pytest.approx(((per_image * weight).sum() / weight.sum()).item(), rel=1e-5)
    assert classifier.training_step(training_tensors(x, y, 10), 0).item() == pytest.approx(per_image.mean().item(), rel=1e-5)


def test_soft_targets_give_the_cross_entropy_to_the_probabilities():
    torch.manual_seed(0)
    classifier = Classifier(cnn(4, 8))
    x, probs = torch.rand(3, 1, 28, 28), torch.softmax(torch.randn(3, 10), 1)
    expected = -(probs * classifier(x).log_softmax(1)).sum(1).mean()
    assert classifier.training_step(training_tensors(x, probs, 10), 0).item() == pytest.approx(expected.item(), rel=1e-5)


class FixedConfidence(torch.nn.Module):
    """A network whose prediction for an image is class 3 with a probability set by the image's first pixel."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p = x[:, 0, 0, 0].clamp(1e-4, 1 - 1e-4)
        others = ((1 - p) / 9).log()[:, None].expand(len(x), 10).clone()
        others[:, 3] = p.log()
        return others


def test_an_unlabelled_image_below_the_confidence_threshold_adds_no_loss():
    classifier = Classifier(cnn(4, 8), confidence=0.9, augmentation=[], strong_augmentation=[])
    classifier.net = FixedConfidence()
    x = torch.zeros(2, 1, 28, 28)
    x[0, 0, 0, 0], x[1, 0, 0, 0] = 0.5, 0.99  # confident only about the second
    assert classifier.unlabelled_loss(x[:1]).item() == 0.0
    both = classifier.unlabelled_loss(x).item()
    assert both == pytest.approx(-torch.tensor(0.99).log().item() / 2, rel=1e-4)  # averaged over both images
    assert classifier.pass_rate.compute().item() == pytest.approx(0.25)  # 0 of 1, then 1 of 2

    real = training_tensors(torch.rand(2, 1, 28, 28), torch.tensor([1, 2]), 10)
    fakes = training_tensors(x, None, 10)
    batch = [torch.cat(parts) for parts in zip(real, fakes)]
    labelled_only = classifier.training_step(real, 0)
    assert classifier.training_step(batch, 0).item() == pytest.approx(labelled_only.item() + both, rel=1e-4)


def test_soft_labels_are_the_teachers_probabilities(make_cfg, tmp_path, monkeypatch):
    from ganaug.pipeline import generator_stage
    from ganaug.pipeline.runner import stage_settings

    class Teacher(torch.nn.Module):
        def forward(self, x):
            return torch.stack([x.flatten(1).mean(1) * k for k in range(10)], dim=1)

    calls = []
    monkeypatch.setattr(generator_stage, "side_classifier", lambda *args, **kwargs: (calls.append(args[6]), (Teacher(), 0.5))[1])
    dm = BuiltinDigits(n_per_class=2)
    dm.setup()
    fakes, labels = torch.rand(6, 1, 28, 28), torch.arange(6)

    def targets(*overrides):
        stages = stage_settings(make_cfg("experiment=augmented", *overrides), tmp_path)
        return generator_stage.training_targets(stages.generation, stages.work, fakes, labels, dm, None)

    probs, measures = targets("augment.fake_labels=soft")
    assert calls == ["teacher"]
    assert torch.allclose(probs.sum(1), torch.ones(6)) and torch.allclose(probs, Teacher()(fakes).softmax(1))
    assert measures["teacher_val_acc"] == 0.5 and 0 <= measures["teacher_agreement"] <= 1
    hard, _ = targets("augment.fake_labels=hard")
    none, _ = targets("augment.fake_labels=none")
    assert torch.equal(hard, labels) and none is None


@pytest.mark.parametrize("schedule, last_lr", [("constant", 0.05), ("cosine", 0.0)])
def test_learning_rate_schedule_ends_where_it_says(schedule, last_lr):
    pl.seed_everything(0, verbose=False)
    dm = BuiltinDigits(n_per_class=1, batch_size=10)
    dm.setup()
    model = Classifier(cnn(4, 8), lr=0.05, lr_schedule=schedule)
    trainer = pl.Trainer(max_epochs=4, check_val_every_n_epoch=4, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, num_sanity_val_steps=0)
    trainer.fit(model, datamodule=dm)
    assert trainer.optimizers[0].param_groups[0]["lr"] == pytest.approx(last_lr, abs=1e-9)
