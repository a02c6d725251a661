"""Picking fakes: each kept fake is the one of its candidates the judge rates likeliest to carry its label."""
import json

import torch
from torch import nn

from ganaug.models.gan import GAN
from ganaug.pipeline.runner import run
from ganaug.pipeline.selection import best_of, label_probability


class BrightIsZero(nn.Module):
    """A judge that calls bright images '0' and dark ones anything else."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = torch.zeros(len(x), 10)
        logits[:, 0] = 50 * (x.flatten(1).mean(1) - 0.5)
        return logits


def test_best_of_keeps_the_candidate_the_judge_likes_best():
    torch.manual_seed(0)
    gan = GAN({"_target_": "ganaug.models.networks.Generator"}, {"_target_": "ganaug.models.networks.Discriminator"})
    labels, pool = torch.tensor([0, 0, 3, 7]), 5
    chosen = best_of(gan, labels, BrightIsZero(), pool, seed=4)
    candidates = gan.sample(labels.repeat_interleave(pool), seed=4).view(4, pool, 1, 28, 28)
    brightness = candidates.flatten(2).mean(2)
    assert brightness.std(1).min() > 0  # the candidates differ
    picked = chosen.flatten(1).mean(1)
    assert torch.equal(picked[:2], brightness[:2].max(1).values)  # '0': the brightest candidate
    assert torch.equal(picked[2:], brightness[2:].min(1).values)  # others: the darkest
    every = label_probability(BrightIsZero(), candidates.flatten(0, 1), labels.repeat_interleave(pool)).view(4, pool)
    assert torch.equal(label_probability(BrightIsZero(), chosen, labels), every.max(1).values)


def test_a_run_with_selection_trains_a_judge_and_records_the_chosen_fakes(make_cfg, tmp_path):
    plain = run(make_cfg("experiment=augmented"), tmp_path / "plain")
    picked = run(make_cfg("experiment=augmented", "augment.best_of=3", "augment.judge_epochs=2"), tmp_path / "picked")
    assert picked["gan_cached"] and (tmp_path / "picked" / "tb" / "judge").is_dir()
    assert picked["n_fake"] == plain["n_fake"] and picked["fid"] != plain["fid"]
    assert json.loads((tmp_path / "picked" / "metrics.json").read_text())["config"]["augment"]["best_of"] == 3
