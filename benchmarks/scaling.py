"""How the time of one run grows with `data.n_per_class` and `augment.ratio`, measured in pieces.

    python benchmarks/scaling.py [--n 10 30 100 300] [--ratios 0 0.5 1 2 4 8] [--epochs 10]

Times, through ganaug's own Classifier and Trainer: `--epochs` classifier epochs on n_per_class real
images per class plus ratio × as many fakes (random images: the time does not depend on what they
show), one held-out evaluation (5,000 digits and the real training set), and 100 GAN D/G iterations
(their cost does not depend on n: fixed batch). It prints the measured pieces and the time of one run
at the defaults they add up to: gan.steps × iteration + classifier.epochs × epoch + evaluations ×
evaluation (a run's sampling, quality measures and CAS come on top when a GAN is used).
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import torch
from hydra.utils import instantiate
from timing import config, ganaug_cnn, ganaug_gan, timed

from ganaug.data.datamodule import Fakes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10, 30, 100, 300])
    parser.add_argument("--ratios", type=float, nargs="+", default=[0, 0.5, 1, 2, 4, 8])
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    cfg = config(["experiment=baseline"])
    evaluations = cfg.classifier.epochs // cfg.classifier.eval_every + 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        gan_dm = instantiate(cfg.data, n_per_class=30)
        gan_dm.setup()
        per_iteration = timed(ganaug_gan, cfg, gan_dm, 100, out) / 100
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
        print(f"GAN: {per_iteration * 1000:.1f} ms per D/G iteration → {cfg.gan.steps * per_iteration:.0f} s for gan.steps={cfg.gan.steps}\n")
        print("| n_per_class | ratio | training images | s per epoch | s per evaluation | run without GAN, s | run with GAN, s |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for n in args.n:
            dm = instantiate(cfg.data, n_per_class=n)
            dm.setup()
            classifier = instantiate(cfg.classifier.module, class_names=dm.class_names)
            trainer = instantiate(cfg.trainer)(logger=False, max_epochs=1)
            evaluation = timed(lambda: trainer.validate(classifier, dm.val_dataloader(), verbose=False))
            for ratio in args.ratios:
                count = round(ratio * len(dm.train_y))
                fakes = Fakes(torch.rand(count, 1, 28, 28), dm.train_y.repeat(int(ratio) + 1)[:count])
                epoch = timed(ganaug_cnn, cfg, dm, fakes, args.epochs, out) / args.epochs
                without = cfg.classifier.epochs * epoch + evaluations * evaluation
                with_gan = f"{without + cfg.gan.steps * per_iteration:.0f}" if ratio else "–"
                print(f"| {n} | {ratio:g} | {len(dm.train_y) + count} | {epoch:.3f} | {evaluation:.2f} | "
                      f"{without:.0f} | {with_gan} |")


if __name__ == "__main__":
    main()
