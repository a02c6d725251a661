"""DAGAN: fakes drawn from real images of their class, pairs of distinct same-class digits for D, sources saved."""
import pytest
import torch

from ganaug.evaluation.quality import source_distance
from ganaug.models.dagan import DAGAN
from ganaug.utils.errors import UserError

TINY_G = {"_target_": "ganaug.models.networks.ImageConditionedGenerator", "latent_dim": 8, "width": 8}
TINY_D = {"_target_": "ganaug.models.networks.PairDiscriminator", "width": 8}


def tiny_dagan() -> DAGAN:
    torch.manual_seed(0)
    gan = DAGAN(TINY_G, TINY_D, class_names=[str(c) for c in range(3)])
    x = torch.rand(12, 1, 28, 28)
    gan.set_real_images(x, torch.tensor([0, 1, 2] * 4))
    return gan


def test_each_fake_comes_from_a_real_image_of_its_label_spread_evenly():
    gan = tiny_dagan()
    labels = torch.tensor([0] * 8 + [2] * 3)
    index = gan.source_index(labels, seed=5)
    assert torch.equal(gan.sources_y[index], labels)
    assert sorted(index[:8].bincount(minlength=12)[gan.sources_y == 0].tolist()) == [2, 2, 2, 2]  # 8 over 4 images
    assert torch.equal(gan.source_index(labels, seed=5), index) and not torch.equal(gan.source_index(labels, 6), index)


def test_the_generator_varies_with_the_noise_for_one_source():
    gan = tiny_dagan().eval()
    source = gan.sources_x[:1].repeat(2, 1, 1, 1) * 2 - 1
    out = gan.generator(torch.randn(2, 8), source)
    assert out.shape == (2, 1, 28, 28) and not torch.allclose(out[0], out[1])
    assert gan.sample(torch.tensor([1, 1]), seed=0).shape == (2, 1, 28, 28)


def test_the_real_partner_is_another_image_of_the_same_class_never_itself():
    gan = tiny_dagan()
    real, labels = gan.sources_x * 2 - 1, gan.sources_y
    for _ in range(20):
        source, partner = gan.real_pairs(real, labels)
        assert torch.equal(source, real)
        matches = (partner[:, None] == gan.sources_x[None] * 2 - 1).flatten(2).all(2)  # (image, source) equal
        index = matches.float().argmax(1)
        assert matches.any(1).all() and torch.equal(gan.sources_y[index], labels)
        assert not (index == torch.arange(len(labels))).any()


def test_a_saved_dagan_loads_its_sources_and_samples_the_same(tmp_path):
    gan = tiny_dagan()
    fresh = DAGAN(TINY_G, TINY_D, class_names=gan.class_names)
    fresh.load_state_dict(gan.state_dict())
    assert torch.equal(fresh.sources_x, gan.sources_x)
    labels = torch.tensor([0, 1, 2, 2])
    assert torch.equal(fresh.sample(labels, seed=3), gan.sample(labels, seed=3))


def test_source_distance_is_zero_for_copies_and_about_one_for_other_real_digits():
    torch.manual_seed(0)
    x, y = torch.rand(40, 1, 28, 28), torch.arange(40) % 4
    assert source_distance(x, x, x, y) == 0
    assert source_distance(x.roll(4, 0), x, x, y) == pytest.approx(1.0, abs=0.1)  # another image of the class


def test_a_class_with_one_image_cannot_make_pairs():
    gan = DAGAN(TINY_G, TINY_D, class_names=["a", "b"])
    with pytest.raises(UserError, match=r"^gan=dagan pairs .* class 'b' has 1; use data.n_per_class=2 or more"):
        gan.set_real_images(torch.rand(3, 1, 28, 28), torch.tensor([0, 0, 1]))
