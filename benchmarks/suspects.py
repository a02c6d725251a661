"""How well `prepare`'s label check works: planted mislabels found, clean digits left alone.

    python benchmarks/suspects.py [--per-class 400] [--planted 50] [--seed 0]

Exports held-out built-in digits (which the shipped digit network never trained on) as a folder, moves `--planted`
of them, chosen with the seed, into the folder of another digit, prepares the folder as `data=folder` does, and
runs the check `python -m ganaug.prepare` runs. Prints the share of planted images flagged and the share of the
others flagged (the false-flag rate).
"""
import argparse
import tempfile
from pathlib import Path

import torch

from ganaug.data.checks import suspects
from ganaug.data.folder import FolderDigits
from ganaug.data.mnist import BuiltinDigits
from ganaug.pipeline.overview import export


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=400)
    parser.add_argument("--planted", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "digits"
        dm = BuiltinDigits(n_per_class=1, test_per_class=args.per_class, seed=args.seed)
        dm.setup()
        export(dm, root)
        files = sorted((root / "test").glob("*/*.png"))
        g = torch.Generator().manual_seed(args.seed)
        planted = set()
        for i in torch.randperm(len(files), generator=g)[: args.planted].tolist():
            source = files[i]
            target = (int(source.parent.name) + int(torch.randint(1, 10, (1,), generator=g))) % 10
            moved = root / "test" / str(target) / source.name
            source.rename(moved)
            planted.add(f"{target}/{source.name}")
        folder = FolderDigits(str(root), n_per_class=1)
        folder.setup()
        flagged = {"/".join(Path(line.split(": ")[0]).parts[-2:]) for line in suspects(folder, Path(tmp) / "check.png")}
        clean = len(folder.test_y) + len(folder.train_y) - len(planted)
        found = len(planted & flagged)
        print(f"{clean + len(planted)} held-out built-in digits, {len(planted)} moved into another digit's folder "
              f"(seed {args.seed})")
        print(f"planted flagged: {found}/{len(planted)} = {found / len(planted):.1%}")
        print(f"clean flagged:   {len(flagged - planted)}/{clean} = {len(flagged - planted) / clean:.2%}")


if __name__ == "__main__":
    main()
