"""Classic augmentations: elastic distortion per image, cutout for the strong view."""
import torch

from ganaug.data.mnist import BuiltinDigits
from ganaug.models.augmentations import Cutout, ElasticDistortion


def mass_centre(x: torch.Tensor) -> torch.Tensor:
    """(row, column) of each image's ink mass centre, in pixels."""
    grid = torch.arange(28.0)
    mass = x.sum((1, 2, 3))
    return torch.stack([(x.sum(3)[:, 0] * grid).sum(1) / mass, (x.sum(2)[:, 0] * grid).sum(1) / mass], dim=1)


def digits(n: int = 200) -> torch.Tensor:
    dm = BuiltinDigits(n_per_class=n // 10)
    dm.setup()
    return dm.train_x


def test_elastic_distortion_at_the_default_strength_keeps_the_digit_in_place():
    x = digits()
    torch.manual_seed(0)
    out = ElasticDistortion()(x)
    shift = (mass_centre(out) - mass_centre(x)).norm(dim=1).mean().item()
    assert 0.3 < shift < 1.5  # moved, but on average by less than 1.5 px
    assert (out - x).abs().mean() > 0.03 and out.min() >= 0 and out.max() <= 1.0 + 1e-6


def test_elastic_distortion_differs_per_image_and_repeats_with_the_seed():
    x = digits(20)[:1].repeat(4, 1, 1, 1)
    torch.manual_seed(3)
    first = ElasticDistortion()(x)
    assert not torch.allclose(first[0], first[1])
    torch.manual_seed(3)
    assert torch.equal(ElasticDistortion()(x), first)


def test_augmentations_are_identity_in_eval_mode():
    x = digits(20)
    assert torch.equal(ElasticDistortion().eval()(x), x) and torch.equal(Cutout().eval()(x), x)
    torch.manual_seed(0)
    blanked = Cutout(0.5)(torch.ones(8, 1, 28, 28))
    assert ((blanked == 0).flatten(1).sum(1) > 0).all()  # every image loses a square to background


def test_diffaugment_translation_shifts_each_image_whole_pixels_and_passes_gradients_back():
    from ganaug.models.augmentations import translate

    torch.manual_seed(0)
    x = torch.rand(16, 2, 28, 28, requires_grad=True)
    out = translate(x, ratio=0.125, fill=-1.0)
    padded = torch.nn.functional.pad(x.detach(), (4, 4, 4, 4), value=-1.0)
    shifts = []
    for image, moved in zip(padded, out.detach()):  # each output is one crop of its padded image, within ±4 px
        found = [(dy, dx) for dy in range(-4, 5) for dx in range(-4, 5)
                 if torch.equal(moved, image[:, 4 + dy:32 + dy, 4 + dx:32 + dx])]
        assert len(found) == 1
        shifts += found
    assert len(set(shifts)) > 1  # images of one batch move differently
    out.sum().backward()
    # each input pixel still inside its image's crop gets gradient 1, a pixel shifted out of it 0
    assert set(x.grad.unique().tolist()) <= {0.0, 1.0} and x.grad.sum() == sum(
        2 * (28 - abs(dy)) * (28 - abs(dx)) for dy, dx in shifts)
