"""The few-shot training images a generator keeps and draws its fakes from (DAGAN, diffusion from a real digit)."""
from __future__ import annotations

import math

import torch


class SourceImages:
    """A LightningModule mix-in that keeps the training images (in [0, 1]) as `sources_x`/`sources_y` buffers, in
    the checkpoint too, so a fake can be drawn from a real image of its label wherever the checkpoint goes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.register_buffer("sources_x", torch.empty(0, 1, 28, 28))
        self.register_buffer("sources_y", torch.empty(0, dtype=torch.long))

    def set_real_images(self, x: torch.Tensor, y: torch.Tensor) -> None:
        """Keep the training images as the sources of samples."""
        self.sources_x, self.sources_y = x.to(self.device), y.to(self.device)

    def load_state_dict(self, state_dict, *args, **kwargs):
        """Size the source buffers to the saved ones before loading (a new module holds none); a state without
        sources (a pretrained starting point) keeps the ones this module has."""
        state_dict = {"sources_x": self.sources_x, "sources_y": self.sources_y, **state_dict}
        for name in ("sources_x", "sources_y"):
            setattr(self, name, torch.empty_like(state_dict[name]))
        return super().load_state_dict(state_dict, *args, **kwargs)

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

    def sources_of(self, labels: torch.Tensor, seed: int) -> torch.Tensor | None:
        """The real images (in [0, 1]) the fakes `sample(labels, seed)` are drawn from."""
        return self.sources_x[self.source_index(labels, seed).to(self.device)]
