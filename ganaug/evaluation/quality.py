"""Measures of a GAN's samples against real digits: FID, KID, label fidelity, diversity and memorisation.

FID and KID use torchmetrics with a small digit CNN (`ganaug.models.digit_features`) as the feature network
instead of Inception, so nothing is downloaded.
"""
from __future__ import annotations

import warnings

import torch
from torchmetrics.image.fid import FrechetInceptionDistance
from torchmetrics.image.kid import KernelInceptionDistance

from ganaug.evaluation.diversity import diversity_ratios
from ganaug.models.digit_features import DigitFeatures


def nearest(
    x: torch.Tensor, x_labels: torch.Tensor, ref: torch.Tensor, ref_labels: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """For each image of `x`, the L2 distance to the nearest image of `ref` with the same label, and its index."""
    distance, index = torch.empty(len(x), dtype=torch.float64), torch.empty(len(x), dtype=torch.long)
    for c in x_labels.unique():
        mine, theirs = x_labels == c, (ref_labels == c).nonzero().flatten()
        d, i = torch.cdist(x[mine].flatten(1).double(), ref[theirs].flatten(1).double()).min(dim=1)
        distance[mine], index[mine] = d, theirs[i]
    return distance, index


def nearest_pairs(
    fakes: torch.Tensor, fake_y: torch.Tensor, train_x: torch.Tensor, train_y: torch.Tensor, per_class: int = 5
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per class, the `per_class` fakes closest to a training image, each followed by that image (for a grid)."""
    distance, index = nearest(fakes, fake_y, train_x, train_y)
    images, labels = [], []
    for c in fake_y.unique():
        members = (fake_y == c).nonzero().flatten()
        for f in members[distance[members].argsort()[:per_class]]:
            images += [fakes[f], train_x[index[f]]]
            labels += [c, c]
    return torch.stack(images), torch.stack(labels)


def near_copy_rate(
    fakes: torch.Tensor, fake_y: torch.Tensor, train_x: torch.Tensor, train_y: torch.Tensor,
    held_x: torch.Tensor, held_y: torch.Tensor, quantile: float = 0.05,
) -> tuple[float, float]:
    """Fraction of fakes closer to a training image than 95 % of new real digits are, and that threshold.

    New real digits (the held-out set) set the scale: a fake whose nearest training image (same class)
    is nearer than the `quantile` of held-out digits' nearest distances is counted as a near-copy. Fakes
    as novel as new handwriting score about `quantile`; a GAN that memorises its training set scores near 1.
    """
    threshold = torch.quantile(nearest(held_x, held_y, train_x, train_y)[0], quantile).item()
    return (nearest(fakes, fake_y, train_x, train_y)[0] < threshold).double().mean().item(), threshold


@torch.no_grad()
def gan_quality(
    features: DigitFeatures, fakes: torch.Tensor, fake_y: torch.Tensor, train_x: torch.Tensor,
    train_y: torch.Tensor, held_x: torch.Tensor, held_y: torch.Tensor, num_classes: int, digits: bool = True,
) -> dict:
    """FID and KID of fakes against held-out real digits (`held_x`: a validation set), label fidelity, diversity and near-copy rate.

    Label fidelity needs classes that are the digits 0-9 (what the feature network knows); otherwise it is None. KID
    compares subsets of up to 100 images from each side, fewer where either side has fewer (a folder's validation set
    may hold one image a class).
    """
    fid = FrechetInceptionDistance(feature=features, normalize=True, reset_real_features=False)
    with warnings.catch_warnings():  # that it keeps the features in memory: a few MB for these data sets
        warnings.filterwarnings("ignore", ".*will save all extracted features.*")
        kid = KernelInceptionDistance(feature=features, normalize=True, subset_size=min(100, len(fakes), len(held_x)),
                                      subsets=50)
    for metric in (fid, kid):
        for chunk in held_x.split(1000):
            metric.update(chunk, real=True)
        for chunk in fakes.split(1000):
            metric.update(chunk, real=False)
    kid_mean, kid_std = kid.compute()
    ratios = diversity_ratios(fakes, fake_y, train_x, train_y, num_classes)
    copies, threshold = near_copy_rate(fakes, fake_y, train_x, train_y, held_x, held_y)
    return {
        "fid": fid.compute().item(),
        "kid": kid_mean.item(),
        "kid_std": kid_std.item(),
        "label_fidelity": (features.classify(fakes) == fake_y).double().mean().item() if digits else None,
        "diversity": ratios,
        "diversity_min": min(ratios),
        "near_copy_rate": copies,
        "near_copy_threshold": threshold,
    }


def source_distance(fakes: torch.Tensor, sources: torch.Tensor, train_x: torch.Tensor, train_y: torch.Tensor) -> float:
    """How far an image-conditioned generator's fakes are from the real images they were drawn from: the mean L2
    distance to the source, over the mean distance between two different training images of one class.

    0: copies of the source; about 1: as different from it as another real digit of its class.
    """
    to_source = (fakes - sources).flatten(1).norm(dim=1).mean()
    within = [torch.pdist(train_x[train_y == c].flatten(1)).mean() for c in train_y.unique() if (train_y == c).sum() > 1]
    return (to_source / torch.stack(within).mean()).item()
