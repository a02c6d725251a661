"""Framework overhead: ganaug's Classifier and GAN through the Lightning Trainer, as the experiments run them,
against a plain PyTorch loop doing the same optimizer steps on the same data and networks.

    python benchmarks/overhead.py [--repeats 5] [--cnn-epochs 20] [--gan-steps 200]

Prints the median wall seconds of each and the ratio ganaug / plain. Run it on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import torch
import torch.nn.functional as F
from hydra.utils import instantiate
from timing import config, ganaug_cnn, ganaug_gan, timed

from ganaug.models.augmentations import DiffAugment


def plain_cnn(cfg, dm, epochs: int) -> None:
    net = instantiate(cfg.classifier.module.net, num_classes=dm.num_classes)
    if cfg.classifier.module.channels_last:  # the same memory format as ganaug's Classifier
        net = net.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(net.parameters(), lr=cfg.classifier.module.lr)
    for _ in range(epochs):
        for x, target, _, _ in dm.train_dataloader():
            loss = F.cross_entropy(net(x), target)
            opt.zero_grad()
            loss.backward()
            opt.step()


def plain_gan(cfg, dm, steps: int) -> None:
    m = cfg.gan.module
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
            real = real * 2 - 1
            half = y[: len(y) // 2].repeat(2)
            z = torch.randn(len(half), G.latent_dim)
            fake = G(z, half)
            d_real, d_fake = D(augment(real), y), D(augment(fake.detach()), half)
            d_loss = bce(d_real, torch.ones_like(d_real)) + bce(d_fake, torch.zeros_like(d_fake))
            d_opt.zero_grad()
            d_loss.backward()
            d_opt.step()
            D.requires_grad_(False)  # G's step: D fixed, as Lightning's toggle_optimizer does
            d_fake = D(augment(fake), half)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cnn-epochs", type=int, default=20)
    parser.add_argument("--gan-steps", type=int, default=200)
    args = parser.parse_args()
    cfg = config(["experiment=baseline"])
    dm = instantiate(cfg.data)
    dm.setup()
    times: dict[str, list[float]] = {k: [] for k in ("ganaug_cnn", "plain_cnn", "ganaug_gan", "plain_gan")}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):  # alternate, so drift in machine speed hits both alike
            times["ganaug_cnn"].append(timed(ganaug_cnn, cfg, dm, None, args.cnn_epochs, Path(tmp)))
            times["plain_cnn"].append(timed(plain_cnn, cfg, dm, args.cnn_epochs))
            times["ganaug_gan"].append(timed(ganaug_gan, cfg, dm, args.gan_steps, Path(tmp)))
            times["plain_gan"].append(timed(plain_gan, cfg, dm, args.gan_steps))
    steps = args.cnn_epochs * len(dm.train_dataloader())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.repeats} repeats, median seconds")
    print("| loop | ganaug (Lightning) | plain PyTorch | ratio |")
    print("| --- | --- | --- | --- |")
    for name, label in (("cnn", f"CNN, {steps} SGD steps"), ("gan", f"GAN, {args.gan_steps} D/G iterations")):
        a, b = statistics.median(times[f"ganaug_{name}"]), statistics.median(times[f"plain_{name}"])
        print(f"| {label} | {a:.2f} | {b:.2f} | {a / b:.2f} |")


if __name__ == "__main__":
    main()
