"""A GAN whose loss turns NaN: the run stops with a named step, or retries once at a lower learning rate."""
import pytest
import torch

from ganaug.models.gan import GAN
from ganaug.pipeline.runner import run
from ganaug.utils.errors import Diverged

GAN_OVERRIDES = ("experiment=augmented", "gan.steps=10", "gan.checkpoint_every=4", "classifier.epochs=1")


@pytest.fixture
def nan_once_at_iteration_6(monkeypatch):
    """The discriminator loss is NaN the first time iteration 6 is reached, as a blow-up would make it."""
    original = GAN.discriminator_loss
    fired = []

    def loss(self, *args):
        value = original(self, *args)
        if self.global_step // 2 == 6 and not fired:
            fired.append(True)
            return value * float("nan")
        return value

    monkeypatch.setattr(GAN, "discriminator_loss", loss)


def test_nan_stops_the_run_naming_phase_and_step(make_cfg, tmp_path, nan_once_at_iteration_6):
    with pytest.raises(Diverged, match=r"GAN discriminator loss is nan at step 6; lower gan.module.lr"):
        run(make_cfg(*GAN_OVERRIDES), tmp_path / "run")


def test_retry_resumes_from_last_checkpoint_at_a_tenth_of_the_rate(make_cfg, tmp_path, caplog, nan_once_at_iteration_6):
    with caplog.at_level("INFO", logger="ganaug"):
        metrics = run(make_cfg(*GAN_OVERRIDES, "gan.on_nan=retry"), tmp_path / "run")
    assert metrics["status"] == "complete" and metrics["gan_cached"] is False
    assert "retrying once from the last checkpoint" in caplog.text and "resuming gan from" in caplog.text
    checkpoint = torch.load(tmp_path / "run" / "checkpoints" / "gan.ckpt", weights_only=False)
    assert checkpoint["global_step"] == 20  # all 10 iterations done, 4 of them before the blow-up
    assert [s["param_groups"][0]["lr"] for s in checkpoint["optimizer_states"]] == pytest.approx([3e-5, 3e-5])
