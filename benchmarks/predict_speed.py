"""How fast `ganaug.predict` reads images, not counting start-up: 1,000 images of each kind, a classifier checkpoint
holding the shipped pool-trained network.

    python benchmarks/predict_speed.py [--n 1000] [--threads 2]

Prints seconds and images per second for 28×28 PNGs (as `prepare export=` writes them) and for photo-like JPEGs
(300×220, dark ink on uneven paper, as benchmarks/photo_folder.py writes them), for reading and preparing the files
(as predict does it: in worker processes, one per core) and for the network, after one warm-up pass.
"""
from __future__ import annotations

import sys

import argparse
import tempfile
import time
from pathlib import Path

import torch
from torchvision.io import write_png

from ganaug.data.mnist import DIGITS, BuiltinDigits
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the renderers the tests use
from rendering import photo
from ganaug.inference.inputs import Item
from ganaug.inference.predictor import Predictor
from ganaug.models.checkpoints import checkpoint_of
from ganaug.models.classifier import Classifier
from ganaug.pipeline import starting_points
from ganaug.predict import prepared as prepare_all


def checkpoint(path: Path) -> Path:
    classifier = Classifier({"_target_": "ganaug.models.networks.CNN"}, class_names=DIGITS)
    classifier.net.load_state_dict(starting_points.load_shipped(next(starting_points.SHIPPED_DIR.glob("classifier-*.pt"))))
    torch.save(checkpoint_of(classifier), path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dm = BuiltinDigits(n_per_class=None)
    dm.setup()
    digits = (dm.test_x[: args.n] * 255).round().byte()
    with tempfile.TemporaryDirectory() as tmp:
        folders = {"28x28 PNG": Path(tmp) / "png", "photo JPEG": Path(tmp) / "jpeg"}
        for folder in folders.values():
            folder.mkdir()
        for i, digit in enumerate(digits):
            write_png(digit, str(folders["28x28 PNG"] / f"{i:04d}.png"))
            photo(digit, seed=i).save(folders["photo JPEG"] / f"{i:04d}.jpg", quality=90)
        predictor = Predictor.load(checkpoint(Path(tmp) / "classifier.ckpt"))
        print("| images | n | prepare s | network s | total s | images/s | accuracy |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for kind, folder in folders.items():
            files = sorted(folder.iterdir())
            predictor.probabilities(torch.stack([predictor.prepare(f) for f in files[:20]]))  # warm-up
            start = time.perf_counter()
            kept, prepared, _ = prepare_all(predictor, [Item(f.name, f) for f in files])  # as predict does it
            middle = time.perf_counter()
            probs = predictor.probabilities(prepared)
            end = time.perf_counter()
            accuracy = (probs.argmax(1) == dm.test_y[: args.n]).double().mean().item()
            print(f"| {kind} | {len(files)} | {middle - start:.2f} | {end - middle:.3f} | {end - start:.2f} | "
                  f"{len(files) / (end - start):.0f} | {accuracy:.4f} |")


if __name__ == "__main__":
    main()
