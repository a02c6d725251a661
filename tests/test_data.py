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
    with pytest.raises(UserError, match=r"class '0' has 451 images \(361 after the 90 held for validation\), too few "
                                        r"for n_per_class=460; use data.n_per_class=(\d+) or less") as error:
        setup(n_per_class=460)
    largest = int(re.search(r"use data.n_per_class=(\d+)", str(error.value)).group(1))
    assert setup(n_per_class=largest).train_y.bincount().tolist() == [largest] * 10
    with pytest.raises(UserError):
        setup(n_per_class=largest + 1)


def test_no_n_per_class_takes_the_whole_pool_but_validation():
    dm = setup(n_per_class=None, val_per_class=50)
    assert len(dm.train_y) == sum(dm.pool_counts) - 500 == 4500
    assert setup(n_per_class=None, val_per_class=0).train_y.shape == (5000,)


def test_validation_test_and_training_images_are_three_disjoint_sets():
    images, labels = load_builtin()
    pool, test = builtin_split(labels)
    for seed in (0, 1):
        dm = setup(n_per_class=30, seed=seed, val_per_class=100)
        train, val = set(pool[dm.train_index].tolist()), set(pool[dm.val_index].tolist())
        assert dm.val_y.bincount().tolist() == [100] * 10 and len(train) == 300
        assert not train & val and not val & set(test.tolist()) and not train & set(test.tolist())
        assert torch.equal(dm.val_x, images[pool][dm.val_index].float() / 255)
        # no image of the validation set is pixel for pixel one of the test set (MNIST holds no duplicates across them)
        test_bytes = {bytes(image.numpy()) for image in images[test]}
        assert not any(bytes(image.numpy()) in test_bytes for image in images[pool][dm.val_index])


def test_the_training_draw_is_the_same_with_any_validation_size():
    reference = setup(seed=3, val_per_class=0)
    for val_per_class in (1, 100, 400):
        assert torch.equal(setup(seed=3, val_per_class=val_per_class).train_index, reference.train_index)


def test_the_loaders_are_validation_then_train_and_test():
    dm = setup(n_per_class=5, val_per_class=7, max_test_per_class=3)
    val, train = dm.val_dataloader()
    assert torch.equal(torch.cat([b[1] for b in val]), dm.val_y) and len(dm.val_y) == 70
    assert torch.equal(torch.cat([b[1] for b in train]), dm.train_y)
    assert torch.equal(torch.cat([b[1] for b in dm.test_dataloader()]), dm.test_y) and len(dm.test_y) == 30


def test_fakes_go_into_the_training_loader_only():
    dm = setup(n_per_class=3, batch_size=1000)
    fakes = Fakes(torch.full((7, 1, 28, 28), 0.5), torch.zeros(7, dtype=torch.long))
    dm.fakes = fakes
    x, target, _, unlabelled = next(iter(dm.train_dataloader()))
    assert len(target) == 37 and (x == 0.5).flatten(1).all(1).sum() == 7 and not unlabelled.any()
    assert target.sum(1).tolist() == [1.0] * 37
    assert sum(len(b[1]) for b in dm.val_dataloader()[1]) == 30


def test_unlabelled_fakes_are_flagged_and_carry_no_target():
    dm = setup(n_per_class=3, batch_size=1000)
    dm.fakes = Fakes(torch.full((7, 1, 28, 28), 0.5), None)
    x, target, _, unlabelled = next(iter(dm.train_dataloader()))
    is_fake = (x == 0.5).flatten(1).all(1)
    assert torch.equal(unlabelled, is_fake) and target[is_fake].sum() == 0
    assert torch.equal(target[~is_fake].argmax(1).sort().values, dm.train_y.sort().values)


def test_fakes_can_carry_a_loss_weight_and_reals_keep_weight_one():
    dm = setup(n_per_class=3, batch_size=1000)
    fakes = Fakes(torch.full((7, 1, 28, 28), 0.5), torch.zeros(7, dtype=torch.long), weight=0.25)
    dm.fakes = fakes
    x, _, w, _ = next(iter(dm.train_dataloader()))
    is_fake = (x == 0.5).flatten(1).all(1)
    assert w[is_fake].tolist() == [0.25] * 7 and w[~is_fake].tolist() == [1.0] * 30
