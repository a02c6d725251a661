"""What every generator's training shares: an EMA copy of the trained network that draws the fakes, and a learning
rate a diverged training is retried at."""
from __future__ import annotations

from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn


class AveragedSampler:
    """A generator LightningModule mix-in. The network in the attribute named `trained` is averaged into the one
    named `averaged` (an EMA copy, None without a decay) by `update_average()`, which the module calls after each
    update of the network (before callbacks, so a checkpoint holds the two in step); the average draws the fakes.
    `lr_scale` below 1 retries a diverged training at a lower learning rate (`hparams.lr` times it)."""

    trained: str
    averaged: str
    lr_scale = 1.0

    @staticmethod
    def average_of(network: nn.Module, decay: float | None) -> AveragedModel | None:
        """The EMA copy of `network` with `decay`; None without one."""
        return AveragedModel(network, multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=True) if decay else None

    def update_average(self) -> None:
        average = getattr(self, self.averaged)
        if average is not None:
            average.update_parameters(getattr(self, self.trained))

    @property
    def sampler(self) -> nn.Module:
        """The network fakes are drawn from: the EMA copy when there is one."""
        average = getattr(self, self.averaged)
        return average.module if average is not None else getattr(self, self.trained)

    def on_train_start(self) -> None:
        """Apply `lr_scale` after Lightning may have restored the optimizers' state from a checkpoint."""
        optimizers = self.optimizers()
        for optimizer in optimizers if isinstance(optimizers, list) else [optimizers]:
            for group in optimizer.param_groups:
                group["lr"] = self.hparams.lr * self.lr_scale
