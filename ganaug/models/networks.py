"""The networks as plain modules: the conditional DCGAN generator and discriminator, DAGAN's image-conditioned
generator and pair discriminator, and the classifiers: the study's small CNN and a normalised ConvNet."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from ganaug.models.augmentations import displace
from ganaug.models.registry import register


@register("dcgan_generator")
class Generator(nn.Module):
    """Noise and a class label to a 1×28×28 image in [-1, 1] (label embedding concatenated with noise)."""

    class_rows = ("embed.weight",)  # state entries with one row per class (see ganaug.models.class_transfer)
    new_class_row = "mean"

    def __init__(self, latent_dim: int = 64, num_classes: int = 10, embed_dim: int = 16, width: int = 32) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.embed = nn.Embedding(num_classes, embed_dim)
        self.project = nn.Sequential(
            nn.Linear(latent_dim + embed_dim, 2 * width * 7 * 7, bias=False),
            nn.BatchNorm1d(2 * width * 7 * 7),
            nn.ReLU(inplace=True),
            nn.Unflatten(1, (2 * width, 7, 7)),
        )
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1, bias=False),  # 14×14
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1),  # 28×28
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.upsample(self.project(torch.cat([z, self.embed(labels)], dim=1)))


class MinibatchStdDev(nn.Module):
    """Appends the batch's mean feature standard deviation as one more channel, so D can see a collapsed batch."""

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        # h.std(dim=0, unbiased=False) written out (torch's reduction over dim 0 is 5× slower here); the epsilon
        # keeps the gradient finite for a batch of one image, whose std is 0.
        var = (h - h.mean(dim=0)).square().mean(dim=0)
        std = (var + 1e-8).sqrt().mean().expand(h.shape[0], 1, *h.shape[2:])
        return torch.cat([h, std], dim=1)


def critic_features(channels: int, width: int, norm, minibatch_std: bool) -> nn.Sequential:
    """A discriminator's trunk: two strided convolutions (28 → 14 → 7), `norm` on each, optional minibatch std."""
    return nn.Sequential(
        norm(nn.Conv2d(channels, width, 4, stride=2, padding=1)),  # 14×14
        nn.LeakyReLU(0.2, inplace=True),
        norm(nn.Conv2d(width, 2 * width, 4, stride=2, padding=1)),  # 7×7
        nn.LeakyReLU(0.2, inplace=True),
        MinibatchStdDev() if minibatch_std else nn.Identity(),
        nn.Flatten(),
    )


@register("dcgan_discriminator")
class Discriminator(nn.Module):
    """A 1×28×28 image and its label to a real/fake logit (projection discriminator, optional spectral norm)."""

    class_rows = ("embed.weight", "embed.parametrizations.weight.original", "embed.parametrizations.weight.0._u")
    new_class_row = "mean"

    def __init__(
        self, num_classes: int = 10, width: int = 32, spectral: bool = True, minibatch_std: bool = True
    ) -> None:
        super().__init__()
        norm = spectral_norm if spectral else (lambda m: m)
        self.features = critic_features(1, width, norm, minibatch_std)
        features = (2 * width + int(minibatch_std)) * 7 * 7
        self.head = norm(nn.Linear(features, 1))
        self.embed = norm(nn.Embedding(num_classes, features))

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        h = self.features(x)
        return (self.head(h) + (self.embed(labels) * h).sum(dim=1, keepdim=True)).flatten()


@register("cnn")
class CNN(nn.Module):
    """The small convolutional classifier: two conv-pool blocks and two linear layers."""

    class_rows = ("net.10.weight", "net.10.bias")  # the head
    new_class_row = "fresh"

    def __init__(self, num_classes: int = 10, channels: int = 16, hidden: int = 128, dropout: float = 0.0) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),  # 14×14
            nn.Conv2d(channels, 2 * channels, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),  # 7×7
            nn.Flatten(),
            nn.Linear(2 * channels * 7 * 7, hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def normalisation(kind: str, channels: int) -> nn.Module:
    """A 2-d normalisation layer by name: instance (GroupNorm with a group per channel, affine), group (4 groups),
    batch, or none."""
    if kind == "instance":
        return nn.GroupNorm(channels, channels)
    if kind == "group":
        return nn.GroupNorm(min(4, channels), channels)
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"norm={kind!r}: use instance, group, batch or none")


@register("convnet")
class ConvNet(nn.Module):
    """The normalised ConvNet of the dataset-condensation literature: `depth` blocks of a 3×3 convolution of `width`
    channels, normalisation, ReLU and 2×2 pooling (28 → 14 → 7 → 3), then one linear layer."""

    class_rows = ("head.weight", "head.bias")
    new_class_row = "fresh"

    def __init__(self, num_classes: int = 10, width: int = 128, depth: int = 3, norm: str = "instance",
                 pooling: str = "avg") -> None:
        super().__init__()
        pool = nn.AvgPool2d if pooling == "avg" else nn.MaxPool2d
        layers: list[nn.Module] = []
        side, channels = 28, 1
        for _ in range(depth):
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=norm == "none"), normalisation(norm, width),
                       nn.ReLU(inplace=True), pool(2)]
            side, channels = side // 2, width
        self.features = nn.Sequential(*layers, nn.Flatten())
        self.head = nn.Linear(width * side * side, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


@torch.no_grad()
def logits_in_batches(net: nn.Module, x: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """`net(x)` without gradients, `batch_size` images at a time (the held-out set does not fit one batch)."""
    return torch.cat([net(chunk) for chunk in x.split(batch_size)])


@register("dagan_generator")
class ImageConditionedGenerator(nn.Module):
    """A real 1×28×28 digit in [-1, 1] and noise to another version of it (DAGAN's generator, small).

    An encoder of the source, the noise joined at 7×7, and a decoder with the encoder's 14×14 features skipped
    across, as in DAGAN's U-Net. The decoder's output is not an image but a change to the source: a displacement
    field of up to `max_shift` pixels that moves the source's ink, and an ink residual of up to `max_ink` added
    to it. So every sample is the source digit deformed and retouched: it keeps its class by construction unless
    the change is large, and how far it goes is learned against the pair discriminator.
    """

    def __init__(self, latent_dim: int = 32, width: int = 32, max_shift: float = 3.0, max_ink: float = 0.5) -> None:
        super().__init__()
        self.latent_dim, self.max_shift, self.max_ink = latent_dim, max_shift, max_ink
        self.down1 = nn.Sequential(nn.Conv2d(1, width, 4, stride=2, padding=1), nn.LeakyReLU(0.2, inplace=True))  # 14×14
        self.down2 = nn.Sequential(
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1), nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.2, inplace=True)
        )  # 7×7
        self.noise = nn.Sequential(nn.Linear(latent_dim, width * 7 * 7), nn.Unflatten(1, (width, 7, 7)))
        self.up1 = nn.Sequential(
            nn.ConvTranspose2d(3 * width, width, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True)
        )  # 14×14
        self.up2 = nn.ConvTranspose2d(2 * width, 3, 4, stride=2, padding=1)  # 28×28: displacement (2) and ink (1)

    def forward(self, z: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
        h1 = self.down1(source)
        h2 = self.down2(h1)
        change = self.up2(torch.cat([self.up1(torch.cat([h2, self.noise(z)], dim=1)), h1], dim=1))
        moved = displace(source, torch.tanh(change[:, :2]) * self.max_shift, padding="border")
        return (moved + self.max_ink * torch.tanh(change[:, 2:])).clamp(-1, 1)


@register("dagan_discriminator")
class PairDiscriminator(nn.Module):
    """A (source, candidate) pair of 1×28×28 images to a logit: is the candidate another real digit of the source's
    class, or generated from it (DAGAN's discriminator; spectral norm, minibatch standard deviation)."""

    def __init__(self, width: int = 32, spectral: bool = True, minibatch_std: bool = True) -> None:
        super().__init__()
        norm = spectral_norm if spectral else (lambda m: m)
        self.features = critic_features(2, width, norm, minibatch_std)
        self.head = norm(nn.Linear((2 * width + int(minibatch_std)) * 7 * 7, 1))

    def forward(self, pair: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(pair)).flatten()
