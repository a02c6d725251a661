"""Write a folder of digits drawn by simulated pen strokes of several made-up writers, for trying data=folder on
handwriting that differs from MNIST in writer and stroke.

    python benchmarks/stroke_folder.py DIR [--per-class 80] [--writers 6] [--seed 0]

DIR/<digit>/<writer>_<i>.png is the layout `data=folder` reads (dark ink on light paper, 64×64).
"""
from __future__ import annotations

import sys

import argparse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the renderers the tests use
from rendering import stroke_folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-class", type=int, default=80)
    parser.add_argument("--writers", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    stroke_folder(args.out, args.per_class, args.writers, args.seed)
    print(f"wrote {10 * args.per_class} digits by {args.writers} writers to {args.out}")


if __name__ == "__main__":
    main()
