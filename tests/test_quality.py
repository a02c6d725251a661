import pytest
import torch

from ganaug.data.mnist import BuiltinDigits
from ganaug.evaluation.quality import gan_quality, near_copy_rate, nearest_pairs
from ganaug.models.digit_features import DigitFeatures


@pytest.fixture(scope="module")
def dm() -> BuiltinDigits:
    dm = BuiltinDigits(n_per_class=30, seed=0)
    dm.setup()
    return dm


@pytest.fixture(scope="module")
def features() -> DigitFeatures:
    return DigitFeatures.load()


def quality(features, dm, fakes, labels):
    return gan_quality(features, fakes, labels, dm.train_x, dm.train_y, dm.test_x[:2000], dm.test_y[:2000], 10)


def test_feature_network_recognises_held_out_digits(features, dm):
    assert (features.classify(dm.test_x) == dm.test_y).float().mean() > 0.95


def test_new_real_digits_score_as_real_and_noise_scores_far(features, dm):
    real = quality(features, dm, dm.test_x[2000:2500], dm.test_y[2000:2500])
    noise = quality(features, dm, torch.rand(500, 1, 28, 28), dm.test_y[2000:2500])
    assert real["fid"] < 0.05 * noise["fid"] and real["kid"] < 0.05 * noise["kid"]
    assert real["label_fidelity"] > 0.95 and noise["label_fidelity"] < 0.3
    assert real["near_copy_rate"] < 0.15 and 0.7 < real["diversity_min"]


def test_fid_of_a_set_against_itself_is_near_zero(features, dm):
    assert quality(features, dm, dm.test_x[:2000], dm.test_y[:2000])["fid"] == pytest.approx(0, abs=1e-2)


def test_a_validation_set_smaller_than_kids_subsets_gives_a_kid_on_what_there_is(features, dm):
    """A folder's validation set of one image a class: KID on subsets of ten, as near zero for real digits."""
    fakes, labels = dm.test_x[2000:2300], dm.test_y[2000:2300]
    held = torch.stack([torch.nonzero(dm.test_y == c)[0, 0] for c in range(10)])
    few = gan_quality(features, fakes, labels, dm.train_x, dm.train_y, dm.test_x[held], dm.test_y[held], 10)
    noise = gan_quality(features, torch.rand(300, 1, 28, 28), labels, dm.train_x, dm.train_y, dm.test_x[held],
                        dm.test_y[held], 10)
    assert few["kid"] < 0.1 * noise["kid"] and few["fid"] < noise["fid"]


def test_exact_copies_of_training_digits_are_flagged(features, dm):
    copies = dm.train_x.repeat(2, 1, 1, 1)
    rate, threshold = near_copy_rate(copies, dm.train_y.repeat(2), dm.train_x, dm.train_y, dm.test_x, dm.test_y)
    assert rate == 1.0 and threshold > 0


def test_nearest_pairs_show_the_most_copy_like_fakes_next_to_their_training_image(dm):
    fakes = torch.cat([dm.test_x[:200], dm.train_x[:3]])  # three exact copies among new digits
    labels = torch.cat([dm.test_y[:200], dm.train_y[:3]])
    images, pair_labels = nearest_pairs(fakes, labels, dm.train_x, dm.train_y, per_class=2)
    assert len(images) == 4 * 10 and torch.equal(pair_labels[0::2], pair_labels[1::2])
    for copy, label in zip(dm.train_x[:3], dm.train_y[:3]):
        row = images[(pair_labels == label).nonzero().flatten()]
        assert torch.equal(row[0], copy) and torch.equal(row[1], copy)  # the copy comes first, beside itself
