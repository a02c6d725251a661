"""The diffusion generator: it learns (loss falls, samples carry their label), samples reproducibly from noise or from a
real digit, is cached and reloaded like the GANs, starts from a pool-trained state, and says when diffusers is missing."""
import importlib

import pytest
import pytorch_lightning as pl
import torch

from ganaug.data.datamodule import tensor_loader
from ganaug.data.mnist import load_builtin
from ganaug.models.checkpoints import checkpoint_of
from ganaug.models.generator import load_gan
from ganaug.models.class_transfer import transfer
from ganaug.models.diffusion import Diffusion
from ganaug.models.digit_features import DigitFeatures
from ganaug.pipeline.generator_stage import gan_cache_entry
from ganaug.pipeline.runner import run, stage_settings
from ganaug.utils.errors import UserError

TINY_UNET = dict(_target_="diffusers.UNet2DModel", sample_size=28, in_channels=1, out_channels=1,
                 block_out_channels=[8, 16, 32], layers_per_block=1, down_block_types=["DownBlock2D"] * 3,
                 up_block_types=["UpBlock2D"] * 3, norm_num_groups=4)
# Runs of the pipeline with the configured UNet and few sampling steps, a sample grid at the end only and no CAS:
# seconds each.
QUICK = ["experiment=augmented", "gan=diffusion", "gan.module.sampling_steps=4", "gan.monitor_per_class=2",
         "gan.sample_every=0", "gan.cas_epochs=0"]


class Losses(pl.Callback):
    def __init__(self) -> None:
        self.values: list[float] = []

    def on_train_batch_end(self, trainer, module, outputs, *args) -> None:
        self.values.append(outputs["loss"].item())


@pytest.fixture(scope="module")
def trained():
    """A small diffusion model trained 200 steps on 20 zeros and 20 ones (seeded), from noise, and its losses."""
    x, y = load_builtin()
    keep = torch.cat([(y == c).nonzero().flatten()[:20] for c in (0, 1)])
    x = x.float() / 255
    pl.seed_everything(0, verbose=False)
    model = Diffusion(TINY_UNET, class_names=["0", "1"], lr=3e-3, sampling_steps=10, strength=None, ema_decay=None)
    losses = Losses()
    trainer = pl.Trainer(max_steps=200, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                         enable_model_summary=False, callbacks=[losses])
    trainer.fit(model, tensor_loader(x[keep], y[keep], batch_size=40, shuffle=True))
    model.set_real_images(x[keep], y[keep])
    return model, losses.values


def test_its_loss_falls(trained):
    _, losses = trained
    assert sum(losses[-20:]) / 20 < 0.5 * sum(losses[:20]) / 20


def test_its_samples_from_noise_are_read_as_their_label_far_above_chance(trained):
    model, _ = trained
    labels = torch.arange(2).repeat_interleave(50)
    read = DigitFeatures.load().classify(model.sample(labels, seed=0))
    # The feature network reads one of ten digits: chance is 10 %; this seeded model's samples reach 56 %.
    assert (read == labels).double().mean() >= 0.3


class Averages(pl.Callback):
    """What a checkpoint saved after each batch would hold: optimizer steps taken, updates averaged into the EMA."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []

    def on_train_batch_end(self, trainer, module, *args) -> None:
        self.seen.append((trainer.global_step, int(module.unet_ema.n_averaged)))


def test_its_average_is_in_step_with_the_network_when_callbacks_run():
    """The EMA takes each update as the optimizer makes it, so a checkpoint saved by a callback (and a run resumed
    from it) holds network and average of the same step."""
    x, y = load_builtin()
    averages = Averages()
    model = Diffusion(TINY_UNET, class_names=[str(c) for c in range(10)], ema_decay=0.9)
    trainer = pl.Trainer(max_steps=3, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                         enable_model_summary=False, callbacks=[averages])
    trainer.fit(model, tensor_loader(x[:32].float() / 255, y[:32], batch_size=8, shuffle=False))
    assert averages.seen == [(1, 1), (2, 2), (3, 3)]


def test_samples_repeat_for_a_seed_and_start_from_real_digits_with_a_strength(trained):
    model, _ = trained
    labels = torch.tensor([0, 1, 1, 0])
    first = model.sample(labels, seed=3)
    assert torch.equal(first, model.sample(labels, seed=3)) and not torch.equal(first, model.sample(labels, seed=4))
    assert model.sources_of(labels, seed=3) is None  # from noise
    model.hparams.strength = 0.2  # the last fifth of the schedule from a lightly noised real digit
    try:
        sources = model.sources_of(labels, seed=3)
        edited = model.sample(labels, seed=3)
    finally:
        model.hparams.strength = None
    assert (model.sources_y[model.source_index(labels, 3)] == labels).all()
    # close to its source, further from the other class's digits
    near = (edited - sources).abs().mean().item()
    assert near < 0.15 and near < (edited - sources.flip(0)).abs().mean().item()


def test_a_checkpoint_rebuilds_it_alone(trained, tmp_path):
    model, _ = trained
    torch.save(checkpoint_of(model), tmp_path / "gan.ckpt")
    loaded = load_gan(tmp_path / "gan.ckpt")
    labels = torch.tensor([1, 0, 1])
    assert isinstance(loaded, Diffusion) and loaded.class_names == ["0", "1"]
    assert torch.equal(loaded.sample(labels, seed=5), model.sample(labels, seed=5))


def test_a_state_for_other_classes_keeps_the_known_rows_and_the_no_class_row(trained):
    model, _ = trained
    letters = Diffusion(TINY_UNET, class_names=["1", "x", "0"], ema_decay=None)
    fitted = transfer(model.state_dict(), letters, ["0", "1"], ["1", "x", "0"])
    rows, trained_rows = fitted["unet.class_embedding.weight"], model.state_dict()["unet.class_embedding.weight"]
    assert rows.shape == (4, trained_rows.shape[1])
    assert torch.equal(rows[0], trained_rows[1]) and torch.equal(rows[2], trained_rows[0])
    assert torch.allclose(rows[1], trained_rows[:2].mean(0)) and torch.equal(rows[3], trained_rows[2])


def test_a_run_trains_it_once_and_a_new_strength_reuses_it(make_cfg, tmp_path):
    first = run(make_cfg(*QUICK), tmp_path / "a")
    assert first["gan"] == "Diffusion" and first["gan_cached"] is False and first["n_fake"] == 150
    assert 0 < first["source_distance"] and first["near_copy_rate"] is not None and first["diversity_min"] > 0
    assert (tmp_path / "a" / "samples.png").exists() and (tmp_path / "a" / "nearest.png").exists()
    other = run(make_cfg(*QUICK, "gan.module.strength=null", "gan.module.guidance=3"), tmp_path / "b")
    assert other["gan_cached"] is True and "source_distance" not in other  # sampling settings: the same model
    images, labels = torch.zeros(3, 1, 28, 28), torch.tensor([0, 1, 2])
    entry = lambda cfg: gan_cache_entry(stage_settings(cfg, tmp_path).generation, images, labels, ["0", "1", "2"])  # noqa: E731
    assert entry(make_cfg(*QUICK, "gan.module.label_dropout=0.2")) != entry(make_cfg(*QUICK))


def test_without_diffusers_it_is_one_line_naming_the_extra(monkeypatch):
    real_import = importlib.import_module

    def missing(name, *args):
        if name == "diffusers":
            raise ImportError(name)
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", missing)
    with pytest.raises(UserError, match=r"gan=diffusion needs the diffusers package: pip install 'ganaug\[diffusion\]'"):
        Diffusion(TINY_UNET)
