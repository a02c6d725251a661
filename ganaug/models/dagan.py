"""DAGAN (Antoniou et al. 2017): a generator conditioned on a real digit that returns another plausible version of
it, trained against a discriminator that judges pairs of digits."""
from __future__ import annotations

import math

import torch
from hydra.utils import instantiate
from torch import nn

from ganaug.models.gan import GAN
from ganaug.utils.errors import UserError


class DAGAN(GAN):
    """The GAN's training loop with images, not labels, as the condition.

    D learns to tell (real digit, another real digit of its class) from (real digit, generated from it); G learns
    to make digits that pass as another example of their source's class. The few-shot training images are kept as
    `sources_x`/`sources_y` (in the checkpoint too), so `sample(labels)` draws each fake from a real training image
    of its label, spreading the fakes of a class evenly over that class's images.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.register_buffer("sources_x", torch.empty(0, 1, 28, 28))
        self.register_buffer("sources_y", torch.empty(0, dtype=torch.long))

    def build_network(self, config: dict, num_classes: int) -> nn.Module:
        """A network from its config: DAGAN's networks take images, not labels, so they need no class count."""
        return instantiate(config)

    def set_real_images(self, x: torch.Tensor, y: torch.Tensor) -> None:
        """Keep the training images (in [0, 1]) as the sources of pairs and samples."""
        counts = y.bincount(minlength=len(self.class_names))
        if (counts < 2).any():
            name = self.class_names[int(counts.argmin())]
            raise UserError(
                f"gan=dagan pairs each training image with another of its class, but class '{name}' has "
                f"{int(counts.min())}; use data.n_per_class=2 or more, or gan=dcgan"
            )
        self.sources_x, self.sources_y = x.to(self.device), y.to(self.device)

    def load_state_dict(self, state_dict, *args, **kwargs):
        """Size the source buffers to the saved ones before loading (a new DAGAN holds none); a state without sources
        (a pretrained starting point) keeps the ones this DAGAN has."""
        state_dict = {"sources_x": self.sources_x, "sources_y": self.sources_y, **state_dict}
        for name in ("sources_x", "sources_y"):
            setattr(self, name, torch.empty_like(state_dict[name]))
        return super().load_state_dict(state_dict, *args, **kwargs)

    def critic(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        """D's logit for candidates `x` paired with their source images `condition`, DiffAugmented together."""
        return self.discriminator(self.augment(torch.cat([condition, x], dim=1)))

    def real_pairs(self, real: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Each real image as the source, and another real image of its class (never itself) as the real partner.

        A draw among the first n-1 images of the class that hits the image itself takes the class's last image
        instead, so the partner is uniform over the n-1 others.
        """
        counts = self.sources_y.bincount(minlength=int(labels.max()) + 1)
        starts = counts.cumsum(0) - counts
        by_class = self.sources_y.argsort(stable=True)
        draw = (torch.rand(len(labels), device=self.device) * (counts[labels] - 1)).long()
        partner = self.sources_x[by_class[starts[labels] + draw]] * 2 - 1
        itself = (partner == real).flatten(1).all(1)
        last = self.sources_x[by_class[starts[labels] + counts[labels] - 1]] * 2 - 1
        return real, torch.where(itself[:, None, None, None], last, partner)

    def source_index(self, labels: torch.Tensor, seed: int) -> torch.Tensor:
        """For each label, the index of the training image its fake is drawn from: a seeded order of the class's
        images, cycled, so each image is the source of as many fakes as the others (±1)."""
        rng = torch.Generator().manual_seed(seed)
        index = torch.empty_like(labels)
        for c in labels.unique():
            members = (self.sources_y.cpu() == c).nonzero().flatten()
            wanted = (labels == c).nonzero().flatten()
            order = members[torch.randperm(len(members), generator=rng)]
            index[wanted] = order.repeat(math.ceil(len(wanted) / len(members)))[: len(wanted)]
        return index

    def sample_conditions(self, labels: torch.Tensor, seed: int) -> torch.Tensor:
        """The source images (in [-1, 1]) the fakes of `labels` are drawn from."""
        return self.sources_x[self.source_index(labels, seed).to(self.device)] * 2 - 1
