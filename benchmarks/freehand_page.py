"""Render a freehand page of digits, as the tests do, to try `prepare sheet=` on (and time it).

    python benchmarks/freehand_page.py PAGE.jpg [--seed 0] [--a4-dpi 300]
    python -m ganaug.prepare sheet=PAGE.jpg out=DIR rows=10 cols=10 labels=0123456789

With --a4-dpi, the writing fills the upper-left third of a white A4 page scanned at that resolution (2480 × 3508
pixels at 300 dpi), as a user's practice sheet would.

Ten rows of ten held-out built-in digits (row r holds the digit r), written freehand: rows that drift and slant up
to ±3°, varying gaps and sizes, faint show-through of a printed frame and text, a smudge and specks.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch
from PIL import Image

from ganaug.data.mnist import BuiltinDigits
from ganaug.data.synthetic import freehand_sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--a4-dpi", type=int, help="place the writing on an A4 page scanned at this resolution")
    args = parser.parse_args()
    dm = BuiltinDigits(n_per_class=1, test_per_class=10, seed=3)
    dm.setup()
    digits = (dm.test_x[torch.argsort(dm.test_y, stable=True)] * 255).round().byte()
    page = freehand_sheet(digits, 10, 10, seed=args.seed)
    if args.a4_dpi:
        width, height = round(8.27 * args.a4_dpi), round(11.69 * args.a4_dpi)
        writing = page.resize((width * 2 // 3, round(page.height * width * 2 / 3 / page.width)))
        page = Image.new("RGB", (width, height), (250, 250, 250))
        page.paste(writing, (width // 12, height // 20))
    page.save(args.page, quality=85)
    print(f"wrote {args.page}")


if __name__ == "__main__":
    main()
