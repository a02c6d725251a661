"""DAGAN (Antoniou et al. 2017): a generator conditioned on a real digit that returns another plausible version of
it, trained against a discriminator that judges pairs of digits."""
from __future__ import annotations

import torch
from torch import nn

from ganaug.models.gan import GAN
from ganaug.models.registry import build, register
from ganaug.models.sources import SourceImages
from ganaug.utils.errors import UserError


def other_of_class(real: torch.Tensor, labels: torch.Tensor, sources_x: torch.Tensor,
                   sources_y: torch.Tensor) -> torch.Tensor:
    """For each image of `real` (in [-1, 1]), another image of its class from `sources_x` (in [0, 1], labels
    `sources_y`), never itself, returned in [-1, 1].

    A draw among the first n-1 images of the class that hits the image itself takes the class's last image
    instead, so the partner is uniform over the n-1 others.
    """
    counts = sources_y.bincount(minlength=int(labels.max()) + 1)
    starts = counts.cumsum(0) - counts
    by_class = sources_y.argsort(stable=True)
    draw = (torch.rand(len(labels), device=real.device) * (counts[labels] - 1)).long()
    partner = sources_x[by_class[starts[labels] + draw]] * 2 - 1
    itself = (partner == real).flatten(1).all(1)
    last = sources_x[by_class[starts[labels] + counts[labels] - 1]] * 2 - 1
    return torch.where(itself[:, None, None, None], last, partner)


@register("dagan")
class DAGAN(SourceImages, GAN):
    """The GAN's training loop with images, not labels, as the condition.

    D learns to tell (real digit, another real digit of its class) from (real digit, generated from it); G learns
    to make digits that pass as another example of their source's class. The few-shot training images are kept as
    sources (`SourceImages`), so `sample(labels)` draws each fake from a real training image of its label, spreading
    the fakes of a class evenly over that class's images.
    """

    def build_network(self, config: dict, num_classes: int) -> nn.Module:
        """A network from its config: DAGAN's networks take images, not labels, so they need no class count."""
        return build(config)

    def set_real_images(self, x: torch.Tensor, y: torch.Tensor) -> None:
        """Keep the training images (in [0, 1]) as the sources of pairs and samples."""
        counts = y.bincount(minlength=len(self.class_names))
        if (counts < 2).any():
            name = self.class_names[int(counts.argmin())]
            raise UserError(
                f"gan=dagan pairs each training image with another of its class, but class '{name}' has "
                f"{int(counts.min())}; use data.n_per_class=2 or more, or gan=dcgan"
            )
        super().set_real_images(x, y)

    def critic(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        """D's logit for candidates `x` paired with their source images `condition`, DiffAugmented together."""
        return self.discriminator(self.augment(torch.cat([condition, x], dim=1)))

    def real_pairs(self, real: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Each real image as the source, and another real image of its class as the real partner."""
        return real, other_of_class(real, labels, self.sources_x, self.sources_y)

    def sample_conditions(self, labels: torch.Tensor, seed: int) -> torch.Tensor:
        """The source images (in [-1, 1]) the fakes of `labels` are drawn from."""
        return self.sources_of(labels, seed) * 2 - 1
