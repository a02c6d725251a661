"""Batched image augmentations on tensors: DiffAugment for the GAN's discriminator, random affine for the CNN.

Both draw different random parameters for every image of a batch in one tensor operation; torchvision's
transforms draw one set of parameters per call, which would mean a Python loop over the batch.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.transforms.v2.functional import gaussian_blur

from ganaug.models.registry import register


def translate(x: torch.Tensor, ratio: float = 0.125, fill: float = -1.0) -> torch.Tensor:
    """Shift each image by a random whole number of pixels, up to `ratio` of its size, filling with `fill`."""
    b, _, h, w = x.shape
    sh, sw = round(h * ratio), round(w * ratio)
    dy = torch.randint(-sh, sh + 1, (b, 1), device=x.device)
    dx = torch.randint(-sw, sw + 1, (b, 1), device=x.device)
    rows = torch.arange(h, device=x.device) + sh + dy  # (b, h) rows of the padded image
    cols = torch.arange(w, device=x.device) + sw + dx
    # A gather over each image's pixels (channels last): its backward is a scatter-add, twice as fast here as
    # advanced indexing's, whose backward sorts the indices; the result and its gradient are the same.
    padded = F.pad(x, (sw, sw, sh, sh), value=fill).permute(0, 2, 3, 1).reshape(b, -1, x.shape[1])
    index = (rows[:, :, None] * (w + 2 * sw) + cols[:, None, :]).reshape(b, h * w, 1).expand(-1, -1, x.shape[1])
    return padded.gather(1, index).view(b, h, w, -1).permute(0, 3, 1, 2)


def cutout(x: torch.Tensor, ratio: float = 0.5, fill: float = -1.0) -> torch.Tensor:
    """Blank one random square of side `ratio` × size in each image (the square may overhang the edge)."""
    b, _, h, w = x.shape
    sh, sw = round(h * ratio), round(w * ratio)
    top = torch.randint(-(sh // 2), h - sh // 2 + 1, (b, 1, 1), device=x.device)
    left = torch.randint(-(sw // 2), w - sw // 2 + 1, (b, 1, 1), device=x.device)
    rows = torch.arange(h, device=x.device).view(1, h, 1)
    cols = torch.arange(w, device=x.device).view(1, 1, w)
    mask = (rows >= top) & (rows < top + sh) & (cols >= left) & (cols < left + sw)
    return x.masked_fill(mask[:, None], fill)


@register("diffaugment")
class DiffAugment(nn.Module):
    """Differentiable augmentation (Zhao et al. 2020) applied to real and fake images before the discriminator."""

    OPS = {"translation": translate, "cutout": cutout}

    def __init__(self, policy: str = "translation,cutout", fill: float = -1.0) -> None:
        super().__init__()
        self.ops = [name for name in policy.split(",") if name]
        unknown = [name for name in self.ops if name not in self.OPS]
        if unknown:
            raise ValueError(f"unknown DiffAugment op(s) {unknown}; choose from {sorted(self.OPS)}")
        self.fill = fill

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for name in self.ops:
            x = self.OPS[name](x, fill=self.fill)
        return x


@register("random_affine")
class RandomAffine(nn.Module):
    """Classic augmentation: a random rotation, translation, scale and shear per image, active in training only."""

    def __init__(
        self,
        degrees: float = 10.0,
        translate: float = 0.1,
        scale: tuple[float, float] = (0.9, 1.1),
        shear: float = 10.0,
    ) -> None:
        super().__init__()
        self.degrees, self.translate, self.shear = degrees, translate, shear
        self.scale = tuple(scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        b = x.shape[0]

        def uniform(low: float, high: float) -> torch.Tensor:
            return torch.empty(b, device=x.device).uniform_(low, high)

        angle = uniform(-self.degrees, self.degrees) * math.pi / 180
        shear = uniform(-self.shear, self.shear) * math.pi / 180
        scale = uniform(*self.scale)
        tx, ty = uniform(-self.translate, self.translate) * 2, uniform(-self.translate, self.translate) * 2
        cos, sin, tan = torch.cos(angle), torch.sin(angle), torch.tan(shear)
        # Inverse map from output to input coordinates: rotation·shear, divided by scale, then shifted.
        theta = torch.stack(
            [
                torch.stack([cos, -sin + cos * tan, tx], dim=1),
                torch.stack([sin, cos + sin * tan, ty], dim=1),
            ],
            dim=1,
        )
        theta[:, :, :2] /= scale[:, None, None]
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)
        return F.grid_sample(x, grid, padding_mode="zeros", align_corners=False)


def displace(x: torch.Tensor, field: torch.Tensor, padding: str = "zeros") -> torch.Tensor:
    """Images `x` resampled at each pixel's position moved by `field` (N, 2, H, W: x then y, in pixels)."""
    b, _, h, w = x.shape
    scale = torch.tensor([2 / w, 2 / h], device=x.device)  # pixels → grid_sample's [-1, 1] coordinates
    identity = F.affine_grid(torch.eye(2, 3, device=x.device).expand(b, 2, 3), list(x.shape), align_corners=False)
    return F.grid_sample(x, identity + field.permute(0, 2, 3, 1) * scale, padding_mode=padding, align_corners=False)


@register("elastic_distortion")
class ElasticDistortion(nn.Module):
    """Elastic distortion (Simard et al. 2003), per image: a random displacement field in [-1, 1] pixels,
    smoothed by a Gaussian of `sigma` pixels and scaled by `alpha`; active in training only."""

    def __init__(self, alpha: float = 34.0, sigma: float = 4.0) -> None:
        super().__init__()
        self.alpha, self.sigma = alpha, sigma

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        b, _, h, w = x.shape
        field = torch.empty(b, 2, h, w, device=x.device).uniform_(-1, 1)
        kernel = 2 * math.ceil(3 * self.sigma) + 1
        return displace(x, gaussian_blur(field, [kernel, kernel], [self.sigma, self.sigma]) * self.alpha)


@register("cutout")
class Cutout(nn.Module):
    """Blank one random square of side `ratio` × size in each image (value 0: no ink); active in training only."""

    def __init__(self, ratio: float = 0.5) -> None:
        super().__init__()
        self.ratio = ratio

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return cutout(x, self.ratio, fill=0.0) if self.training else x
