"""Framework overhead: ganaug's Classifier and GAN through the Lightning Trainer, as the experiments run them,
against a plain PyTorch loop doing the same optimizer steps on the same data and networks.

    python benchmarks/overhead.py [--repeats 5] [--cnn-epochs 20] [--gan-steps 200] [--gans dagan,dcgan] [--threads N]
                                  [--operators]

Prints the median wall seconds of each, the ratio ganaug / plain and the extra milliseconds per step (per D/G
iteration for the GANs). Two rows take the CNN's overhead apart: ganaug's Classifier with the plain loop's training
step (what its own step adds is the difference to the CNN's row), and Lightning's own loop, a one-weight model on
the CNN's batches through the same Trainer set-up against the same plain loop (what the Trainer costs a step
whatever the network).

`--operators` then runs each row once more under torch.profiler and prints the operators whose self CPU time grows
most from the plain loop to ganaug's, with their calls. One run: its milliseconds are as noisy as the machine, its
call counts exact. Reading a GAN's profile takes minutes, so give it fewer --gan-steps. The self time of a labelled
range such as `Optimizer.step#SGD.step` counts the Python run inside it (Lightning runs the training step inside
the optimizer's step).

Run it on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
from functools import partial
from pathlib import Path

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from hydra.utils import instantiate
from timing import config, ganaug_cnn, ganaug_gan, timed

from ganaug.models.augmentations import DiffAugment
from ganaug.models.dagan import other_of_class
from ganaug.utils.runtime import setup
from ganaug.utils.trainers import Workspace, make_trainer


def plain_epochs(opt: torch.optim.Optimizer, loss_of, dm, epochs: int) -> None:
    """`epochs` passes over the CNN's batches in a plain loop, one `opt` step on `loss_of(batch)` per batch."""
    for _ in range(epochs):
        for batch in dm.train_dataloader():
            loss = loss_of(batch)
            opt.zero_grad()
            loss.backward()
            opt.step()


def plain_cnn(cfg, dm, epochs: int) -> None:
    net = instantiate(cfg.classifier.module.net, num_classes=dm.num_classes)
    if cfg.classifier.module.channels_last:  # the same memory format as ganaug's Classifier
        net = net.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(net.parameters(), lr=cfg.classifier.module.lr)
    plain_epochs(opt, lambda batch: plain_step(net, batch, 0), dm, epochs)


def plain_step(net: torch.nn.Module, batch: tuple[torch.Tensor, ...], batch_idx: int) -> torch.Tensor:
    """The plain loop's training step: cross-entropy to the batch's targets. Given to ganaug's Classifier in place
    of its own, what remains of the CNN's overhead is the Trainer's; the rest is the Classifier's own step (its
    weighted loss, finite check and training curves)."""
    x, target, _, _ = batch
    return F.cross_entropy(net(x), target)


class OneWeight(pl.LightningModule):
    """The smallest model the Trainer can train: one weight, its loss the weighted mean of a batch's images."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(1))

    def training_step(self, batch: tuple[torch.Tensor, ...], batch_idx: int) -> torch.Tensor:
        return (self.weight * batch[0]).mean()

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=0.01)


def lightning_loop(cfg, dm, epochs: int, out: Path) -> None:
    """`OneWeight` through the Trainer as the CNN's is made, on the CNN's batches."""
    trainer = make_trainer(Workspace.of(cfg, out), "loop", max_epochs=epochs, limit_val_batches=0)
    trainer.fit(OneWeight(), train_dataloaders=dm.train_dataloader())


def plain_loop(dm, epochs: int) -> None:
    """`OneWeight`'s steps in a plain loop."""
    model = OneWeight()
    plain_epochs(model.configure_optimizers(), lambda batch: model.training_step(batch, 0), dm, epochs)


class ByLabel:
    """The conditional GAN's conditioning (gan=dcgan): G and D see the class labels."""

    def __init__(self, dm) -> None:
        pass

    def pairs(self, real: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return y, real

    def critic(self, D, augment, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        return D(augment(x), condition)


class ByImage:
    """DAGAN's conditioning (gan=dagan): G and D see a source image; D's real pairs are two digits of one class."""

    def __init__(self, dm) -> None:
        self.x, self.y = dm.train_x, dm.train_y

    def pairs(self, real: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return real, other_of_class(real, y, self.x, self.y)

    def critic(self, D, augment, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        return D(augment(torch.cat([condition, x], dim=1)))


CONDITIONING = {"ganaug.models.gan.GAN": ByLabel, "ganaug.models.dagan.DAGAN": ByImage}


def plain_gan(cfg, dm, steps: int) -> None:
    m = cfg.gan.module
    conditioning = CONDITIONING[m._target_](dm)
    G, D = instantiate(m.generator), instantiate(m.discriminator)
    ema = torch.optim.swa_utils.AveragedModel(
        G, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(m.ema_decay), use_buffers=True
    )
    augment = DiffAugment(m.diffaugment)
    d_opt = torch.optim.Adam(D.parameters(), lr=m.lr, betas=tuple(m.betas))
    g_opt = torch.optim.Adam(G.parameters(), lr=m.lr, betas=tuple(m.betas))
    bce = F.binary_cross_entropy_with_logits
    done = 0
    while done < steps:
        for real, y in dm.real_loader(batch_size=cfg.gan.batch_size):
            condition, real = conditioning.pairs(real * 2 - 1, y)
            half = condition[: len(condition) // 2]
            fake_condition = torch.cat([half, half])
            z = torch.randn(len(fake_condition), G.latent_dim)
            fake = G(z, fake_condition)
            d_real = conditioning.critic(D, augment, real, condition)
            d_fake = conditioning.critic(D, augment, fake.detach(), fake_condition)
            d_loss = bce(d_real, torch.ones_like(d_real)) + bce(d_fake, torch.zeros_like(d_fake))
            d_opt.zero_grad()
            d_loss.backward()
            d_opt.step()
            D.requires_grad_(False)  # G's step: D fixed, as Lightning's toggle_optimizer does
            d_fake = conditioning.critic(D, augment, fake, fake_condition)
            (f1, f2), (z1, z2) = fake.chunk(2), z.chunk(2)
            g_loss = bce(d_fake, torch.ones_like(d_fake)) + m.mode_seeking / (
                (f1 - f2).abs().mean() / (z1 - z2).abs().mean() + 1e-5
            )
            g_opt.zero_grad()
            g_loss.backward()
            g_opt.step()
            D.requires_grad_(True)
            ema.update_parameters(G)
            done += 1
            if done == steps:
                break


def operator_times(fn, *args) -> dict[str, tuple[float, int]]:
    """Self CPU milliseconds and calls per operator (and labelled range) over one call of `fn`."""
    pl.seed_everything(0, verbose=False)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as profiler:
        fn(*args)
    return {event.key: (event.self_cpu_time_total / 1000, event.count) for event in profiler.key_averages()}


def print_operators(label: str, lightning: dict, plain: dict, top: int = 8) -> None:
    """The operators whose self time grows most from `plain` to `lightning`, with their calls in each."""
    total = {name: sum(ms for ms, _ in times.values()) for name, times in (("ganaug", lightning), ("plain", plain))}
    print(f"\n{label}: operator self time, ganaug {total['ganaug']:.0f} ms, plain {total['plain']:.0f} ms")
    print("| operator | ganaug ms (calls) | plain ms (calls) | extra ms |")
    print("| --- | --- | --- | --- |")
    none = (0.0, 0)
    for key in sorted(lightning.keys() | plain.keys(), key=lambda k: plain.get(k, none)[0] - lightning.get(k, none)[0])[:top]:
        (a, a_calls), (b, b_calls) = lightning.get(key, none), plain.get(key, none)
        print(f"| {key[:60]} | {a:.1f} ({a_calls}) | {b:.1f} ({b_calls}) | {a - b:+.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cnn-epochs", type=int, default=20)
    parser.add_argument("--gan-steps", type=int, default=200)
    parser.add_argument("--gans", default="dagan,dcgan", help="the generators to time (gan=NAME), comma-separated")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    parser.add_argument("--operators", action="store_true", help="then profile each row once and print the operators "
                        "that grow most from the plain loop to ganaug's")
    args = parser.parse_args()
    setup(args.threads)
    cnn_cfg = config(["experiment=baseline"])
    gan_cfgs = {name: config(["experiment=augmented", f"gan={name}"]) for name in args.gans.split(",")}
    dm = instantiate(cnn_cfg.data)
    dm.setup()
    plain_cnn_steps = partial(plain_cnn, cnn_cfg, dm, args.cnn_epochs)
    rows = {
        "CNN": (partial(ganaug_cnn, cnn_cfg, dm, None, args.cnn_epochs), plain_cnn_steps),
        "CNN step": (partial(ganaug_cnn, cnn_cfg, dm, None, args.cnn_epochs, training_step=plain_step), plain_cnn_steps),
        "loop": (partial(lightning_loop, cnn_cfg, dm, args.cnn_epochs), partial(plain_loop, dm, args.cnn_epochs)),
    }
    rows |= {name: (partial(ganaug_gan, cfg, dm, args.gan_steps), partial(plain_gan, cfg, dm, args.gan_steps))
             for name, cfg in gan_cfgs.items()}
    times = {name: ([], []) for name in rows}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):  # alternate, so drift in machine speed hits both alike
            for name, (lightning, plain) in rows.items():
                times[name][0].append(timed(lightning, Path(tmp)))
                times[name][1].append(timed(plain))
        profiles = {name: (operator_times(lightning, Path(tmp)), operator_times(plain))
                    for name, (lightning, plain) in rows.items()} if args.operators else {}
    steps = args.cnn_epochs * len(dm.train_dataloader())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.repeats} repeats, median seconds")
    print("| loop | ganaug (Lightning) | plain PyTorch | ratio | extra ms per step |")
    print("| --- | --- | --- | --- | --- |")
    labels = {"CNN": f"CNN, {steps} SGD steps", "CNN step": f"CNN with the plain loop's training step, {steps} SGD steps",
              "loop": f"Lightning's loop alone (one weight), {steps} SGD steps"}
    for name, (lightning, plain) in times.items():
        label = labels.get(name, f"gan={name}, {args.gan_steps} D/G iterations")
        a, b = statistics.median(lightning), statistics.median(plain)
        per_step = steps if name in labels else args.gan_steps
        print(f"| {label} | {a:.2f} | {b:.2f} | {a / b:.2f} | {1000 * (a - b) / per_step:.2f} |")
    for name, (lightning, plain) in profiles.items():
        print_operators(labels.get(name, f"gan={name}"), lightning, plain)


if __name__ == "__main__":
    main()
