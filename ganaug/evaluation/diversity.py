"""Measures of generated samples: within-class diversity relative to real images."""
from __future__ import annotations

import torch


def mean_pairwise_distance(x: torch.Tensor) -> float:
    """Mean L2 distance between all pairs of images in `x` (pixels in [0, 1])."""
    if len(x) < 2:
        return float("nan")
    return torch.pdist(x.flatten(1).double()).mean().item()


def diversity_ratios(
    fake_x: torch.Tensor, fake_y: torch.Tensor, real_x: torch.Tensor, real_y: torch.Tensor, num_classes: int
) -> list[float]:
    """Per class: mean pairwise distance of fakes over that of the real images of the class (1 ≈ as varied)."""
    return [
        mean_pairwise_distance(fake_x[fake_y == c]) / mean_pairwise_distance(real_x[real_y == c])
        for c in range(num_classes)
    ]
