import pytorch_lightning as pl
import torch

from ganaug.models.augmentations import DiffAugment, cutout, translate
from ganaug.models.gan import GAN
from ganaug.models.networks import MinibatchStdDev


def params(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {name: p.detach().clone() for name, p in module.named_parameters()}


def changed(before: dict[str, torch.Tensor], module: torch.nn.Module) -> bool:
    return any(not torch.equal(before[name], p) for name, p in module.named_parameters())


class RecordingGAN(GAN):
    """Records, for every optimizer step, whether D's and G's parameters changed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.steps: list[tuple[str, bool, bool]] = []

    def _step(self, optimizer, loss_of, name) -> None:
        d, g = params(self.discriminator), params(self.generator)
        super()._step(optimizer, loss_of, name)
        which = "D" if optimizer.optimizer is self.optimizers()[0].optimizer else "G"
        self.steps.append((which, changed(d, self.discriminator), changed(g, self.generator)))


TINY_G = {"_target_": "ganaug.models.networks.Generator", "latent_dim": 8, "width": 8}
TINY_D = {"_target_": "ganaug.models.networks.Discriminator", "width": 8}


def tiny_gan(cls=GAN, **kwargs) -> GAN:
    return cls(TINY_G, TINY_D, **kwargs)


def fit_one_batch(gan: GAN) -> pl.Trainer:
    pl.seed_everything(0, verbose=False)
    x = torch.rand(16, 1, 28, 28)
    y = torch.arange(16) % 10
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16)
    trainer = pl.Trainer(max_steps=2, logger=False, enable_checkpointing=False, enable_progress_bar=False)
    trainer.fit(gan, loader)
    return trainer


def test_one_iteration_steps_d_then_g_each_touching_only_its_own_network():
    gan = tiny_gan(RecordingGAN, grad_clip=1.0)
    ema_before = params(gan.generator_ema)
    trainer = fit_one_batch(gan)
    assert gan.steps == [("D", True, False), ("G", False, True)]
    assert trainer.global_step == 2  # Lightning counts both optimizer steps of the one D/G iteration
    assert changed(ema_before, gan.generator_ema)


def test_the_generator_step_works_out_no_discriminator_gradient():
    gan = tiny_gan()
    reached: list[list[str]] = []  # per backward, the D parameters its gradient reached
    backward = gan.manual_backward
    gan.manual_backward = lambda loss: (reached.append([]), backward(loss))
    for name, p in gan.discriminator.named_parameters():
        p.register_hook(lambda grad, name=name: reached[-1].append(name))
    fit_one_batch(gan)
    assert len(reached) == 2 and reached[0] and reached[1] == []


def test_one_generator_forward_serves_both_steps_with_pairs_of_noises_per_label():
    gan = tiny_gan()
    calls = []
    gan.generator.register_forward_hook(lambda module, args, out: calls.append(args[1].clone()))
    fit_one_batch(gan)
    assert len(calls) == 1  # the D step's fakes are the G step's, detached
    first, second = calls[0].chunk(2)
    assert torch.equal(first, second) and torch.equal(first, torch.arange(8))  # the batch's first half of labels, twice


def test_samples_are_labelled_in_range_and_reproducible():
    gan = tiny_gan()
    labels = torch.tensor([0, 3, 3, 9])
    a, b, c = gan.sample(labels, seed=5), gan.sample(labels, seed=5), gan.sample(labels, seed=6)
    assert a.shape == (4, 1, 28, 28) and a.min() >= 0 and a.max() <= 1
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_translate_moves_a_pixel_without_changing_its_value():
    x = torch.full((50, 1, 9, 9), -1.0)
    x[:, :, 4, 4] = 1.0
    out = translate(x, ratio=0.25)
    assert (out == 1.0).flatten(1).sum(1).eq(1).all()  # the pixel is always still there, once
    positions = (out == 1.0).flatten(1).float().argmax(1)
    assert len(positions.unique()) > 1
    rows, cols = positions // 9, positions % 9
    assert ((rows - 4).abs() <= 2).all() and ((cols - 4).abs() <= 2).all()


def test_cutout_blanks_with_fill_and_diffaugment_checks_policy():
    x = torch.ones(20, 1, 8, 8)
    out = cutout(x, ratio=0.5, fill=-1.0)
    blanked = (out == -1).flatten(1).sum(1)
    assert (blanked > 0).all() and (blanked <= 16).all()
    try:
        DiffAugment("translation,colour")
    except ValueError as error:
        assert "colour" in str(error)
    else:
        raise AssertionError("unknown policy accepted")


def test_minibatch_stddev_appends_the_batch_std_and_has_a_finite_gradient_for_one_image():
    h = torch.randn(6, 3, 2, 2)
    out = MinibatchStdDev()(h)
    assert out.shape == (6, 4, 2, 2) and torch.equal(out[:, :3], h)
    assert torch.allclose(out[:, 3], h.std(dim=0, unbiased=False).mean().expand(6, 2, 2), atol=1e-6)
    one = torch.randn(1, 3, 2, 2, requires_grad=True)
    MinibatchStdDev()(one).sum().backward()
    assert torch.isfinite(one.grad).all()
