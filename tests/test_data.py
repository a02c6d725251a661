import re

import pytest
import torch

from ganaug.data.datamodule import Fakes
from ganaug.data.mnist import BuiltinDigits, builtin_split, load_builtin
from ganaug.utils.errors import UserError


def setup(**kwargs) -> BuiltinDigits:
    dm = BuiltinDigits(**kwargs)
    dm.setup()
    return dm


def test_builtin_data_is_the_mnist_test_set():
    images, labels = load_builtin()
    assert images.shape == (10_000, 1, 28, 28) and images.dtype == torch.uint8
    assert labels.bincount().tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_pool_and_test_set_are_disjoint_and_cover_everything():
    _, labels = load_builtin()
    pool, test = builtin_split(labels)
    assert len(test) >= 4000
    assert set(pool.tolist()).isdisjoint(test.tolist())
    assert len(pool) + len(test) == len(labels)


def test_training_set_is_class_balanced_and_drawn_from_the_pool():
    dm = setup(n_per_class=30, seed=0)
    assert dm.train_y.bincount().tolist() == [30] * 10
    images, labels = load_builtin()
    pool, test = builtin_split(labels)
    assert torch.equal(dm.train_x, images[pool][dm.train_index].float() / 255)
    assert torch.equal(dm.test_x, images[test].float() / 255)
    assert 0.0 <= dm.train_x.min() and dm.train_x.max() <= 1.0


def test_same_seed_same_images_other_seed_other_images():
    a, b, c = setup(seed=1), setup(seed=1), setup(seed=2)
    assert torch.equal(a.train_x, b.train_x) and torch.equal(a.train_y, b.train_y)
    assert not torch.equal(a.train_index, c.train_index)


def test_paper_protocol_test_subset():
    dm = setup(test_per_class=20)
    assert dm.test_y.bincount().tolist() == [20] * 10


def test_too_many_per_class_names_the_class_and_the_largest_value_that_works():
    with pytest.raises(UserError, match=r"class '0' has 451 images, fewer than n_per_class=460; use data.n_per_class=(\d+) or less") as error:
        setup(n_per_class=460)
    largest = int(re.search(r"use data.n_per_class=(\d+)", str(error.value)).group(1))
    assert setup(n_per_class=largest).train_y.bincount().tolist() == [largest] * 10
    with pytest.raises(UserError):
        setup(n_per_class=largest + 1)


def test_no_n_per_class_takes_the_whole_pool():
    dm = setup(n_per_class=None)
    assert len(dm.train_y) == sum(dm.pool_counts) == 5000


def test_fakes_go_into_the_training_loader_only():
    dm = setup(n_per_class=3, batch_size=1000)
    fakes = Fakes(torch.full((7, 1, 28, 28), 0.5), torch.zeros(7, dtype=torch.long))
    x, target, _, unlabelled = next(iter(dm.train_dataloader(fakes)))
    assert len(target) == 37 and (x == 0.5).flatten(1).all(1).sum() == 7 and not unlabelled.any()
    assert target.sum(1).tolist() == [1.0] * 37
    assert sum(len(b[1]) for b in dm.val_dataloader()[1]) == 30


def test_unlabelled_fakes_are_flagged_and_carry_no_target():
    dm = setup(n_per_class=3, batch_size=1000)
    x, target, _, unlabelled = next(iter(dm.train_dataloader(Fakes(torch.full((7, 1, 28, 28), 0.5), None))))
    is_fake = (x == 0.5).flatten(1).all(1)
    assert torch.equal(unlabelled, is_fake) and target[is_fake].sum() == 0
    assert torch.equal(target[~is_fake].argmax(1).sort().values, dm.train_y.sort().values)


def test_fakes_can_carry_a_loss_weight_and_reals_keep_weight_one():
    dm = setup(n_per_class=3, batch_size=1000)
    fakes = Fakes(torch.full((7, 1, 28, 28), 0.5), torch.zeros(7, dtype=torch.long), weight=0.25)
    x, _, w, _ = next(iter(dm.train_dataloader(fakes)))
    is_fake = (x == 0.5).flatten(1).all(1)
    assert w[is_fake].tolist() == [0.25] * 7 and w[~is_fake].tolist() == [1.0] * 30
