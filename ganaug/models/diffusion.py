"""A class-conditional denoising diffusion model as a LightningModule, on diffusers' UNet2DModel and schedulers."""
from __future__ import annotations

import importlib

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn
from torchmetrics import MeanMetric

from ganaug.models.generator import Generator
from ganaug.models.registry import build, register, spec
from ganaug.models.sources import SourceImages
from ganaug.utils.plain import plain
from ganaug.utils.errors import UserError, ensure_finite


def diffusers():
    """The diffusers package, or a one-line error saying how to install it."""
    try:
        return importlib.import_module("diffusers")
    except ImportError:
        raise UserError("gan=diffusion needs the diffusers package: pip install 'ganaug[diffusion]'") from None


@register("unet2d", "diffusers.UNet2DModel")
def unet2d(**arguments) -> nn.Module:
    """diffusers' UNet2DModel, the diffusion generator's network."""
    return diffusers().UNet2DModel(**arguments)


@register("diffusion")
class Diffusion(SourceImages, Generator, pl.LightningModule):
    """DDPM training (predict the noise added at a random step) and DDIM sampling with classifier-free guidance.

    `unet` is the config of a `diffusers.UNet2DModel` (kept in the checkpoint's hyperparameters with `class_names`,
    so a checkpoint alone rebuilds the model); it embeds the classes plus one more row meaning "no class", which
    replaces the label of `label_dropout` of the training images. Sampling runs `sampling_steps` DDIM steps, each
    one batched forward of the conditional and the no-class inputs, mixed as uncond + `guidance` × (cond − uncond).
    With `strength` set, a fake starts from a real training image of its label noised to that share of the schedule
    and only the rest of the schedule is run (as DA-Fusion edits real images); without it, from pure noise.
    The EMA copy of the UNet (`ema_decay`) is the one sampled. Images enter and leave in [0, 1].
    """

    optimizer_steps = 1  # Lightning's steps per training iteration
    trained, averaged = "unet", "unet_ema"
    # Rows per class for starting from a model trained on other classes (ganaug.models.class_transfer).
    class_rows = ("unet.class_embedding.weight", "unet_ema.module.class_embedding.weight")
    new_class_row = "mean"

    def __init__(
        self,
        unet: dict,
        class_names: list[str] | None = None,
        lr: float = 1e-3,
        train_timesteps: int = 1000,
        beta_schedule: str = "squaredcos_cap_v2",
        sampling_steps: int = 20,
        guidance: float = 2.0,
        label_dropout: float = 0.1,
        strength: float | None = None,
        ema_decay: float | None = 0.995,
    ) -> None:
        super().__init__()
        unet, class_names = spec(unet), plain(class_names) or [str(c) for c in range(10)]  # registered parts only
        self.save_hyperparameters(dict(
            unet=unet, class_names=class_names, lr=lr, train_timesteps=train_timesteps, beta_schedule=beta_schedule,
            sampling_steps=sampling_steps, guidance=guidance, label_dropout=label_dropout, strength=strength,
            ema_decay=ema_decay,
        ))
        library = diffusers()
        self.class_names = class_names
        self.unet: nn.Module = build(unet, num_class_embeds=len(class_names) + 1)
        self.unet_ema = self.average_of(self.unet, ema_decay)
        self.noise_schedule = library.DDPMScheduler(num_train_timesteps=train_timesteps, beta_schedule=beta_schedule)
        self.sampling_schedule = library.DDIMScheduler.from_config(self.noise_schedule.config)
        self.loss_mean = MeanMetric()

    @property
    def no_class(self) -> int:
        """The class index that means "no class" (the unconditional input of guidance)."""
        return len(self.class_names)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.unet.parameters(), lr=self.hparams.lr)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> torch.Tensor:
        real, labels = batch
        clean = real * 2 - 1
        noise = torch.randn_like(clean)
        t = torch.randint(0, self.hparams.train_timesteps, (len(clean),), device=self.device)
        dropped = torch.rand(len(labels), device=self.device) < self.hparams.label_dropout
        condition = torch.where(dropped, torch.full_like(labels, self.no_class), labels)
        predicted = self.unet(self.noise_schedule.add_noise(clean, noise, t), t, class_labels=condition).sample
        loss = F.mse_loss(predicted, noise)
        ensure_finite(loss, "diffusion", self.global_step, "lower gan.module.lr")
        self.loss_mean.update(loss.detach())
        return loss

    def optimizer_step(self, *args, **kwargs) -> None:
        super().optimizer_step(*args, **kwargs)
        self.update_average()

    def on_train_epoch_end(self) -> None:
        self.log("gan/loss", self.loss_mean)

    def guided_noise(self, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """The noise predicted in `x` at step `t` for `labels`, guided: both inputs in one forward pass."""
        if self.hparams.guidance == 1:
            return self.sampler(x, t, class_labels=labels).sample
        both = self.sampler(torch.cat([x, x]), t, class_labels=torch.cat([labels, torch.full_like(labels, self.no_class)]))
        conditional, unconditional = both.sample.chunk(2)
        return unconditional + self.hparams.guidance * (conditional - unconditional)

    def sources_of(self, labels: torch.Tensor, seed: int) -> torch.Tensor | None:
        """The real images the fakes of `labels` start from with `strength` set; None when they start from noise."""
        return super().sources_of(labels, seed) if self.hparams.strength else None

    @torch.no_grad()
    def sample(self, labels: torch.Tensor, seed: int = 0, batch_size: int = 500) -> torch.Tensor:
        """Generated images in [0, 1] for `labels`, reproducible for a given `seed`; leaves training mode as it was."""
        rng = torch.Generator().manual_seed(seed)
        scheduler = self.sampling_schedule
        scheduler.set_timesteps(self.hparams.sampling_steps)
        timesteps = scheduler.timesteps
        sources = self.sources_of(labels, seed)
        if sources is not None:  # the last `strength` of the schedule, from the noised real image
            timesteps = timesteps[len(timesteps) - max(round(len(timesteps) * self.hparams.strength), 1):]
        was_training = self.sampler.training
        self.sampler.eval()
        out = []
        for start in range(0, len(labels), batch_size):
            chunk = labels[start:start + batch_size].to(self.device)
            x = torch.randn(len(chunk), 1, 28, 28, generator=rng).to(self.device)
            if sources is not None:
                x = scheduler.add_noise(sources[start:start + batch_size] * 2 - 1, x, timesteps[:1])
            for t in timesteps:
                x = scheduler.step(self.guided_noise(x, t, chunk), t, x).prev_sample
            out.append(x.clamp(-1, 1).cpu())
        self.sampler.train(was_training)
        return (torch.cat(out) + 1) / 2 if out else torch.empty(0, 1, 28, 28)
