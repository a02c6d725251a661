"""The generator contract: a toy generator, registered here and configured in a user's own config folder, plugs into
a run with no edit to the package: it trains, is cached, is saved as gan.ckpt, loads with load_gan and generates."""
import json

import pytest
import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn

from ganaug import Generator, load_gan, register
from ganaug.generate import cli as generate_cli
from ganaug.pipeline.runner import run
from ganaug.utils.plain import plain


@register("toy_generator")
class ToyGenerator(Generator, pl.LightningModule):
    """A learnt image per class plus seeded noise: the least the contract asks for."""

    trained, averaged = "images", "images_ema"

    def __init__(self, class_names: list[str] | None = None, lr: float = 0.05) -> None:
        super().__init__()
        self.class_names = plain(class_names) or [str(c) for c in range(10)]
        self.save_hyperparameters(dict(class_names=self.class_names, lr=lr))
        self.images = nn.Linear(len(self.class_names), 28 * 28)
        self.images_ema = None

    def forward(self, labels: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.images(F.one_hot(labels, len(self.class_names)).float())).view(-1, 1, 28, 28)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> torch.Tensor:
        x, y = batch
        return F.mse_loss(self(y), x)

    @torch.no_grad()
    def sample(self, labels: torch.Tensor, seed: int = 0) -> torch.Tensor:
        noise = torch.randn(len(labels), 1, 28, 28, generator=torch.Generator().manual_seed(seed))
        return (self(labels) + 0.05 * noise).clamp(0, 1)


TOY_CONFIG = """# the toy generator, kept in the user's folder
steps: 4
batch_size: 32
sample_every: 0
monitor_per_class: 5
on_nan: stop
collapse_below: 0.0
checkpoint_every: 500
cas_epochs: 0
adapt_steps: 4
module:
  _target_: test_generator_contract.ToyGenerator
  lr: 0.05
"""


def test_a_registered_generator_plugs_into_a_run_through_its_config_alone(make_cfg, tmp_path):
    (tmp_path / "mine" / "gan").mkdir(parents=True)
    (tmp_path / "mine" / "gan" / "toy.yaml").write_text(TOY_CONFIG)
    toy = ("experiment=augmented", "gan=toy", f"hydra.searchpath=[file://{tmp_path / 'mine'}]")
    first = run(make_cfg(*toy, "augment.ratio=1"), tmp_path / "r1")
    assert first["gan"] == "ToyGenerator" and first["n_fake"] == 300 and first["gan_cached"] is False
    second = run(make_cfg(*toy, "augment.ratio=0.5"), tmp_path / "r2")
    assert second["gan_cached"] is True and second["n_fake"] == 150
    checkpoint = tmp_path / "r2" / "checkpoints" / "gan.ckpt"
    assert torch.load(checkpoint, weights_only=True)["ganaug_generator"] == "toy_generator"
    loaded = load_gan(checkpoint)
    assert type(loaded) is ToyGenerator and loaded.class_names == first["class_names"]
    generate_cli([str(checkpoint), "n_per_class=2", f"out={tmp_path / 'fakes'}", "seed=3"])
    assert len(list((tmp_path / "fakes" / "7").glob("*.png"))) == 2 and (tmp_path / "fakes" / "grid.png").is_file()
    assert json.loads((tmp_path / "r1" / "metrics.json").read_text())["config"]["gan"]["module"]["lr"] == 0.05


def test_any_generator_class_loads_a_checkpoint_as_the_generator_it_holds():
    """`GAN.load_from_checkpoint` on a DAGAN's file gives that DAGAN (Lightning's own raised a TypeError from the
    wrong __init__); a class the file's generator is not is one line naming ganaug.load_gan."""
    from pathlib import Path

    from ganaug.models.dagan import DAGAN
    from ganaug.models.diffusion import Diffusion
    from ganaug.models.gan import GAN
    from ganaug.utils.errors import UserError

    checkpoint = Path(__file__).resolve().parent / "fixtures" / "b2c5e19" / "dagan.ckpt"
    gan = GAN.load_from_checkpoint(checkpoint)
    assert type(gan) is DAGAN and gan.class_names == [str(c) for c in range(10)]
    assert type(DAGAN.load_from_checkpoint(str(checkpoint))) is DAGAN
    with pytest.raises(UserError, match=r"holds a DAGAN, not a Diffusion: load it with ganaug.load_gan\("):
        Diffusion.load_from_checkpoint(checkpoint)
