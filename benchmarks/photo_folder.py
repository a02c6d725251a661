"""Write a folder of photo-like digit images (dark ink, uneven light, noise, RGB JPEG) for trying data=folder.

    python benchmarks/photo_folder.py DIR [--per-class 50] [--seed 0] [--held-out]

The digits are built-in pool digits (with --held-out: held-out digits, which pretrain=builtin never sees) drawn
as if photographed on paper, with the
same renderer the tests use (ganaug/synthetic.py); DIR/<digit>/<i>.jpg is the layout `data=folder` reads.
"""
from __future__ import annotations

import sys

import argparse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the renderers the tests use
from rendering import photo_folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-class", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--held-out", action="store_true", help="draw the digits from the held-out half")
    args = parser.parse_args()
    photo_folder(args.out, args.per_class, args.seed, args.held_out)
    print(f"wrote {10 * args.per_class} photos to {args.out}")


if __name__ == "__main__":
    main()
