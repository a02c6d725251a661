"""Render a freehand page of digits, as the tests do, to try `prepare sheet=` on (and time it).

    python benchmarks/freehand_page.py PAGE.jpg [--seed 0]
    python -m ganaug.prepare sheet=PAGE.jpg out=DIR rows=10 cols=10 labels=0123456789

Ten rows of ten held-out built-in digits (row r holds the digit r), written freehand: rows that drift and slant up
to ±3°, varying gaps and sizes, faint show-through of a printed frame and text, a smudge and specks.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from ganaug.data.mnist import BuiltinDigits
from ganaug.data.synthetic import freehand_sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    dm = BuiltinDigits(n_per_class=1, test_per_class=10, seed=3)
    dm.setup()
    digits = (dm.test_x[torch.argsort(dm.test_y, stable=True)] * 255).round().byte()
    freehand_sheet(digits, 10, 10, seed=args.seed).save(args.page, quality=85)
    print(f"wrote {args.page}")


if __name__ == "__main__":
    main()
