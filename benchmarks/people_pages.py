"""Pages as people write them: 50 rendered freehand pages, each with one or two of the traits of
ganaug.data.synthetic.TRAITS (rows sloped ±10° set close, bowed rows, a strip of table at the edge, small 0s and 1s,
touching pairs), cut with their labels as `prepare sheet=... labels=ROW/ROW/...` does.

    python benchmarks/people_pages.py [--pages 50] [--keep DIR]

Prints, per trait and in all: the pages cut whole (every row as long as its label; a page that is not is reported
row by row and nothing of it written), the digits written under their own label and under a wrong one, and the
digits the shipped digit network reads as their label; and the seconds per page.
"""
from __future__ import annotations

import sys

import argparse
import itertools
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import torch

from ganaug.data.preprocessing import prepare_file
from ganaug.data.sheets import cut_sheet
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the renderers the tests use
from rendering import TRAITS, person_page
from ganaug.models.digit_features import DigitFeatures
from ganaug.utils.errors import UserError


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="keep the pages and their cuts here (default: a temporary folder)")
    args = parser.parse_args()
    mixes = [(t,) for t in TRAITS] + list(itertools.combinations(TRAITS, 2))
    features = DigitFeatures.load()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])  # pages, whole, digits, placed, wrong, read
    seconds = 0.0
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        for n in range(args.pages):
            traits = mixes[n % len(mixes)]
            image, rows = person_page(set(traits), seed=n)
            folder = root / f"page{n:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            image.save(folder / "page.jpg", quality=85)
            start = time.perf_counter()
            try:
                cut_sheet(folder / "page.jpg", folder / "digits", None, None, "/".join(rows))
                whole = True
            except UserError:
                whole = False
            seconds += time.perf_counter() - start
            expected = {(label, f"page_{r}_{c}.png") for r, row in enumerate(rows) for c, label in enumerate(row)}
            files = sorted((folder / "digits").glob("*/*.png"))
            placed = sum((f.parent.name, f.name) in expected for f in files)
            read = 0
            if files:
                x = torch.stack([prepare_file(f).float() / 255 for f in files])
                read = int((features.classify(x) == torch.tensor([int(f.parent.name) for f in files])).sum())
            for key in (*traits, "all"):
                for i, value in enumerate((1, whole, len(expected), placed, len(files) - placed, read)):
                    totals[key][i] += int(value)
    print("| traits | pages | cut whole | digits | under their label | under a wrong label | read as their label |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for key, (pages, whole, digits, placed, wrong, read) in totals.items():
        print(f"| {key} | {pages} | {whole} ({whole / pages:.0%}) | {digits} | {placed / digits:.1%} | {wrong} | "
              f"{read / digits:.1%} |")
    print(f"{seconds / args.pages:.2f} s per page to cut")


if __name__ == "__main__":
    main()
