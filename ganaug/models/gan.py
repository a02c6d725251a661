"""The conditional GAN as a LightningModule: alternating discriminator and generator Adam steps."""
from __future__ import annotations

from typing import Callable

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn
from torchmetrics import MeanMetric

from ganaug.models.augmentations import DiffAugment
from ganaug.models.generator import Generator
from ganaug.models.registry import build, register, spec
from ganaug.utils.plain import plain
from ganaug.utils.errors import ensure_finite


@register("dcgan")
class GAN(Generator, pl.LightningModule):
    """Conditional GAN trained with manual optimisation, one D step then one G step per batch.

    `freeze_d_blocks` keeps D's first convolutions fixed (FreezeD, for adapting a pretrained GAN to new images).
    `generator` and `discriminator` are the networks' configs (`_target_` and arguments), kept in the checkpoint's
    hyperparameters with `class_names`, so a checkpoint alone rebuilds the GAN.
    Images enter and leave in [0, 1]; the networks work in [-1, 1]. Against within-class collapse it
    offers DiffAugment before D, a mode-seeking term for G (MSGAN) and an EMA copy of G for sampling.
    The losses and D's outputs are averaged over each epoch and logged once per epoch as `gan/<name>`.
    """

    optimizer_steps = 2  # Lightning's steps per D/G iteration
    trained, averaged = "generator", "generator_ema"

    def __init__(
        self,
        generator: dict,
        discriminator: dict,
        class_names: list[str] | None = None,
        lr: float = 3e-4,
        betas: tuple[float, float] = (0.5, 0.999),
        diffaugment: str = "translation",
        mode_seeking: float = 0.03,
        ema_decay: float | None = 0.999,
        grad_clip: float | None = None,
        freeze_d_blocks: int = 0,
    ) -> None:
        super().__init__()
        self.automatic_optimization = False
        betas = tuple(float(b) for b in betas)  # a plain tuple, not a config list, so checkpoints load with weights_only
        generator, discriminator = spec(generator), spec(discriminator)  # registered parts only
        class_names = plain(class_names) or [str(c) for c in range(discriminator.get("num_classes", 10))]
        # Network configs, not modules, so `GAN.load_from_checkpoint(path)` rebuilds it; named explicitly, so a
        # subclass's own __init__ arguments (still configs) are not collected from its frame.
        self.save_hyperparameters(dict(
            generator=generator, discriminator=discriminator, class_names=class_names, lr=lr, betas=betas,
            diffaugment=diffaugment, mode_seeking=mode_seeking, ema_decay=ema_decay, grad_clip=grad_clip,
            freeze_d_blocks=freeze_d_blocks,
        ))
        self.generator = self.build_network(generator, len(class_names))
        self.discriminator = self.build_network(discriminator, len(class_names))
        convolutions = [m for m in self.discriminator.modules() if isinstance(m, nn.Conv2d)]
        for block in convolutions[:freeze_d_blocks]:  # FreezeD: an adapted D keeps its first feature blocks
            block.requires_grad_(False)
        self.class_names = class_names
        self.augment = DiffAugment(diffaugment)
        curves = ["d_loss", "D(x)", "D(G(z))", "g_adv", "g_loss"] + (["mode_seeking_ratio"] if mode_seeking else [])
        self.curves = nn.ModuleDict({name: MeanMetric() for name in curves})
        self.generator_ema = self.average_of(self.generator, ema_decay)

    def build_network(self, config: dict, num_classes: int) -> nn.Module:
        """A network from its config, told the class count: both of the conditional GAN's networks embed the labels."""
        return build(config, num_classes=num_classes)

    def configure_optimizers(self) -> list[torch.optim.Optimizer]:
        betas = self.hparams.betas
        return [
            torch.optim.Adam([p for p in self.discriminator.parameters() if p.requires_grad], lr=self.hparams.lr, betas=betas),
            torch.optim.Adam(self.generator.parameters(), lr=self.hparams.lr, betas=betas),
        ]

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return torch.randn(n, self.generator.latent_dim, generator=generator).to(self.device)

    def _step(self, optimizer: torch.optim.Optimizer, loss_of: Callable[[], torch.Tensor], name: str) -> None:
        """One optimizer's step on the loss `loss_of()` computes, with only that optimizer's parameters trainable.

        The loss is computed inside the toggle, so its graph holds no gradient path to the other network's weights:
        computed before it, the generator's backward also worked out every discriminator weight gradient, which
        no step uses (the README's main job ran 1.09x faster without them, docs/performance.md)."""
        with self.toggled_optimizer(optimizer):
            loss = loss_of()
            ensure_finite(loss, f"GAN {name}", self.global_step // 2, "lower gan.module.lr or set gan.module.grad_clip")
            optimizer.zero_grad()
            self.manual_backward(loss)
            if self.hparams.grad_clip:
                self.clip_gradients(optimizer, gradient_clip_val=self.hparams.grad_clip, gradient_clip_algorithm="norm")
            optimizer.step()

    def critic(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        """D's logit for images `x` (in [-1, 1], DiffAugmented here) under `condition` (the class labels)."""
        return self.discriminator(self.augment(x), condition)

    def discriminator_loss(
        self, real: torch.Tensor, condition: torch.Tensor, fake: torch.Tensor, fake_condition: torch.Tensor
    ) -> torch.Tensor:
        """BCE with real labelled 1 and the fakes, detached (G fixed), labelled 0; tracks D(x) and D(G(z))."""
        d_real = self.critic(real, condition)
        d_fake = self.critic(fake.detach(), fake_condition)
        loss = F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real)) + F.binary_cross_entropy_with_logits(
            d_fake, torch.zeros_like(d_fake)
        )
        self.track(**{"d_loss": loss, "D(x)": d_real.sigmoid().mean(), "D(G(z))": d_fake.sigmoid().mean()})
        return loss

    def generator_loss(self, fake: torch.Tensor, z: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        """BCE asking D to call the fakes real, plus the mode-seeking term over the pairs of noises `fake_batch` made."""
        d_fake = self.critic(fake, condition)
        loss = F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))
        self.track(g_adv=loss)
        if self.hparams.mode_seeking:
            f1, f2 = fake.chunk(2)
            z1, z2 = z.chunk(2)
            ratio = (f1 - f2).abs().mean() / (z1 - z2).abs().mean()
            loss = loss + self.hparams.mode_seeking / (ratio + 1e-5)
            self.track(mode_seeking_ratio=ratio)
        self.track(g_loss=loss)
        return loss

    def fake_batch(self, condition: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Fakes, their noise and conditions for one iteration: the batch's first half of conditions twice, so the
        two halves are pairs of noises with the same condition (the mode-seeking term compares them)."""
        half = condition[: max(len(condition) // 2, 1)]
        condition = torch.cat([half, half])
        z = self.noise(len(condition))
        return self.generator(z, condition), z, condition

    def real_pairs(self, real: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """What G and D are conditioned on for this batch, and the real images D is to call real under it."""
        return labels, real

    def track(self, **values: torch.Tensor) -> None:
        """Add this iteration's values to the epoch means in `curves`."""
        for name, value in values.items():
            self.curves[name].update(value.detach())

    def on_train_epoch_end(self) -> None:
        self.log_dict({f"gan/{name}": metric for name, metric in self.curves.items()})

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> None:
        real, labels = batch
        condition, real = self.real_pairs(real * 2 - 1, labels)
        # One generator forward serves both steps: D's sees the fakes detached, G's backpropagates through them.
        fake, z, fake_condition = self.fake_batch(condition)
        d_opt, g_opt = self.optimizers()
        self._step(d_opt, lambda: self.discriminator_loss(real, condition, fake, fake_condition), "discriminator")
        self._step(g_opt, lambda: self.generator_loss(fake, z, fake_condition), "generator")
        self.update_average()

    def sample_conditions(self, labels: torch.Tensor, seed: int) -> torch.Tensor:
        """What the generator is conditioned on to draw fakes of `labels`: the labels themselves."""
        return labels

    @torch.no_grad()
    def sample(self, labels: torch.Tensor, seed: int = 0, batch_size: int = 1000) -> torch.Tensor:
        """Generated images in [0, 1] for `labels`, reproducible for a given `seed`; leaves training mode as it was."""
        rng = torch.Generator().manual_seed(seed)
        was_training = self.sampler.training
        self.sampler.eval()
        out = [
            self.sampler(self.noise(len(chunk), rng), chunk.to(self.device)).cpu()
            for chunk in self.sample_conditions(labels, seed).split(batch_size)
        ]
        self.sampler.train(was_training)
        return (torch.cat(out) + 1) / 2 if out else torch.empty(0, 1, 28, 28)
