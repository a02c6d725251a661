"""How well hard scans are read: bold, tight, tiny, binary digits against the same digits with a margin.

    python benchmarks/scans.py [--per-class 30] [--seed 5]
    python benchmarks/scans.py --folder DIR      # instead: the share of DIR/<digit>/* read right

Each built-in digit is made into every variant of ganaug.data.synthetic.SCANS, dark ink on light paper and light on
dark, written as PNG, prepared as `data=folder` prepares it, and read by the shipped digit network; the same
images with a paper margin are the reference. Prints, per variant and polarity, the share kept, the share read
right, the share read right when preprocessing is told the polarity (so that what is left is reading, not telling
ink from paper), and the shortfall against the margined images in points.
"""
import argparse
import sys
import tempfile
from pathlib import Path

import torch
from PIL import Image

from ganaug.data.mnist import BuiltinDigits
from ganaug.data.preprocessing import NotADigit, prepare_file
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the renderers the tests use
from rendering import SCANS, with_margin
from ganaug.models.digit_features import DigitFeatures


def read_rate(images: list[torch.Tensor], labels: torch.Tensor, folder: Path, features: DigitFeatures,
              invert: str = "auto") -> tuple[float, float]:
    """(share kept, share read right) of (H, W) images in [0, 1] written as PNG and prepared with `invert`."""
    kept, right = 0, 0
    for i, (image, label) in enumerate(zip(images, labels.tolist())):
        path = folder / f"{i}.png"
        Image.fromarray((image * 255).round().byte().numpy()).save(path)
        try:
            digit = prepare_file(path, invert, keep_28x28=False)
        except NotADigit:
            continue
        kept += 1
        right += int(features.classify(digit[None].float() / 255).item() == label)
    return kept / len(images), right / len(images)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--folder", type=Path, help="a folder of digit images, one sub-folder per digit")
    args = parser.parse_args()
    features = DigitFeatures.load()
    if args.folder:
        files = sorted(p for p in args.folder.glob("*/*") if p.parent.name.isdigit())
        digits = torch.stack([prepare_file(p) for p in files]).float() / 255
        labels = torch.tensor([int(p.parent.name) for p in files])
        print(f"{args.folder}: {len(files)} images, read right {(features.classify(digits) == labels).float().mean():.1%}")
        return
    dm = BuiltinDigits(n_per_class=args.per_class, seed=args.seed)
    dm.setup()
    print(f"{len(dm.train_y)} built-in digits (seed {args.seed}); read by the shipped digit network")
    print(f"{'variant':14s} {'ink':5s} {'kept':>6s} {'read':>7s} {'told':>7s} {'margined':>9s} {'shortfall':>10s}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in SCANS.items():
            for dark_ink in (True, False):
                images = [make(d) for d in dm.train_x[:, 0]]
                margined = [with_margin(image) for image in images]
                if dark_ink:
                    images, margined = [1 - i for i in images], [1 - i for i in margined]
                kept, read = read_rate(images, dm.train_y, Path(tmp), features)
                _, told = read_rate(images, dm.train_y, Path(tmp), features, "true" if dark_ink else "false")
                _, reference = read_rate(margined, dm.train_y, Path(tmp), features)
                print(f"{name:14s} {'dark' if dark_ink else 'light':5s} {kept:6.1%} {read:7.1%} {told:7.1%} {reference:9.1%} "
                      f"{100 * (reference - read):+9.1f} pt")


if __name__ == "__main__":
    main()
