"""Render a freehand page of digits, as the tests do, to try `prepare sheet=` on (and time it).

    python benchmarks/freehand_page.py PAGE.jpg [--seed 0] [--a4-dpi 300 | --photo "dark table"] [--cut DIR]
    python -m ganaug.prepare sheet=PAGE.jpg out=DIR rows=10 cols=10 labels=0123456789

With --a4-dpi, the writing fills the upper-left third of a white A4 page scanned at that resolution (2480 × 3508
pixels at 300 dpi), as a user's practice sheet would. With --photo, the page is photographed lying on a table (one of
ganaug.data.synthetic.PHOTOS: a dark, a wood-like or a lighter table, a shadow across page and table), turned, at a
slant, unevenly lit and noisy.

Ten rows of ten held-out built-in digits (row r holds the digit r), written freehand: rows that drift and slant up
to ±3°, varying gaps and sizes, faint show-through of a printed frame and text, a smudge and specks.
"""
from __future__ import annotations

import sys

import argparse
import time
from pathlib import Path

import torch

from ganaug.data.mnist import BuiltinDigits
from ganaug.data.sheets import cut_sheet
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the renderers the tests use
from rendering import PHOTOS, freehand_sheet, on_a4_page, photographed_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--a4-dpi", type=int, help="place the writing on an A4 page scanned at this resolution")
    parser.add_argument("--photo", choices=sorted(PHOTOS), help="photograph the page lying on this table")
    parser.add_argument("--cut", type=Path, metavar="DIR", help="then cut it into DIR as prepare does, and time that")
    args = parser.parse_args()
    dm = BuiltinDigits(n_per_class=1, test_per_class=10, seed=3)
    dm.setup()
    digits = (dm.test_x[torch.argsort(dm.test_y, stable=True)] * 255).round().byte()
    page = freehand_sheet(digits, 10, 10, seed=args.seed)
    if args.a4_dpi:
        page = on_a4_page(page, args.a4_dpi)
    if args.photo:
        page = photographed_page(page, args.photo, args.seed)
    page.save(args.page, quality=85)
    print(f"wrote {args.page}")
    if args.cut:
        start = time.perf_counter()
        written, _ = cut_sheet(args.page, args.cut, 10, 10, "0123456789")
        print(f"cut {written} digits into {args.cut} in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
