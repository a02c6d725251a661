"""The digit feature network: a small CNN trained once on the built-in *pool* (never on the held-out half) by
`python -m ganaug.featnet` and shipped as `ganaug/assets/digit_features.pt`. Its penultimate activations are the
features of FID and KID; its readings check labels and pick a tiny scan's polarity."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import torch
from torch import nn

from ganaug.models.networks import CNN, logits_in_batches

FEATURES_PATH = Path(str(resources.files("ganaug") / "assets" / "digit_features.pt"))
FEATURE_NET = {"channels": 16, "hidden": 64}


class DigitFeatures(nn.Module):
    """A trained digit CNN; `forward` gives its penultimate activations, `classify` its predicted labels."""

    def __init__(self, cnn: CNN) -> None:
        super().__init__()
        self.cnn = cnn.eval().requires_grad_(False)
        self.num_features = cnn.net[-1].in_features

    @classmethod
    def load(cls, path: Path = FEATURES_PATH) -> "DigitFeatures":
        cnn = CNN(**FEATURE_NET)
        cnn.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        return cls(cnn)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.cnn.net[:-1](x.float())

    def classify(self, x: torch.Tensor) -> torch.Tensor:
        return logits_in_batches(self.cnn, x).argmax(1)

    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        return logits_in_batches(self.cnn, x.float()).softmax(1)
