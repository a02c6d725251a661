"""How well `prepare`'s label checks work: planted mislabels found, clean digits left alone.

    python benchmarks/suspects.py [--folder builtin|strokes|photos] [--mode quick|learned|both] [--per-class 400]
                                  [--planted N] [--seed 0] [--epochs 30]

Writes a folder of digits the shipped digit network never trained on: `builtin`, held-out built-in digits;
`strokes`, digits drawn by simulated pen strokes of 6 made-up writers (a hand unlike MNIST's); `photos`, photo-like
JPEGs of held-out built-in digits. Moves `--planted` of them (default 5 %), chosen with the seed, into the folder
of another digit, prepares the folder as `data=folder` does, and runs the checks `python -m ganaug.prepare` runs
(check.mode=quick: the shipped digit network; learned: the classifier trained on the folder by cross-validation,
with cleanlab). Prints, per check, the share of planted images flagged, the share of the others flagged (the
false-flag rate) and the seconds it took.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

import torch
from hydra import compose, initialize_config_dir

from ganaug.data.checks import all_images, suspects
from ganaug.data.folder import FolderDigits
from ganaug.data.mnist import BuiltinDigits
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the renderers the tests use
from rendering import stroke_folder
from rendering import photo_folder
from ganaug.pipeline.label_check import label_issues, out_of_fold_probabilities
from ganaug.prepare import label_check_settings
from ganaug.pipeline.overview import export
from ganaug.utils.config import CONFIG_DIR


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", choices=["builtin", "strokes", "photos"], default="builtin")
    parser.add_argument("--per-class", type=int, default=400)
    parser.add_argument("--planted", type=int, help="images moved into another digit's folder (default: 5 %%)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mode", choices=["quick", "learned", "both"], default="both")
    parser.add_argument("--epochs", type=int, default=30, help="check.epochs of the learned check")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "digits"
        write_folder(args.folder, root, args.per_class, args.seed)
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.parent.name.isdigit())
        g = torch.Generator().manual_seed(args.seed)
        planted = set()
        for i in torch.randperm(len(files), generator=g)[: args.planted or round(0.05 * len(files))].tolist():
            source = files[i]
            target = (int(source.parent.name) + int(torch.randint(1, 10, (1,), generator=g))) % 10
            name = f"from{source.parent.name}_{source.name}"  # file names repeat across a folder's classes
            source.rename(source.parent.parent / str(target) / name)
            planted.add(f"{target}/{name}")
        folder = FolderDigits(str(root), n_per_class=None)
        folder.setup()
        clean = len(folder.test_y) + len(folder.train_y) - len(planted)
        print(f"{args.folder}: {clean + len(planted)} digits, {len(planted)} moved into another digit's folder "
              f"(seed {args.seed})")
        for mode in ("quick", "learned") if args.mode == "both" else (args.mode,):
            start = time.perf_counter()
            flagged = {"/".join(Path(name).parts[-2:]) for name in flagged_files(mode, folder, Path(tmp), args)}
            found = len(planted & flagged)
            print(f"{mode}: planted flagged {found}/{len(planted)} = {found / len(planted):.1%}, clean flagged "
                  f"{len(flagged - planted)}/{clean} = {len(flagged - planted) / clean:.2%}, "
                  f"{time.perf_counter() - start:.0f} s")


def write_folder(kind: str, root: Path, per_class: int, seed: int) -> None:
    """A folder of `per_class` digits per class that the shipped digit network never trained on."""
    if kind == "builtin":
        dm = BuiltinDigits(n_per_class=1, test_per_class=per_class, seed=seed)
        dm.setup()
        export(dm, root)
    elif kind == "strokes":
        stroke_folder(root, per_class, writers=6, seed=seed)
    else:
        photo_folder(root, per_class, seed=seed, held_out=True)


def flagged_files(mode: str, folder: FolderDigits, tmp: Path, args: argparse.Namespace) -> list[str]:
    """The files the check `mode` flags."""
    if mode == "quick":
        return [line.split(": ")[0] for line in suspects(folder, tmp / "check.png")]
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("prepare", overrides=[f"paths.root={tmp / 'outputs'}", f"check.epochs={args.epochs}",
                                            f"seed={args.seed}"])
    x, y, files = all_images(folder)
    checking, work = label_check_settings(cfg, tmp / "check")
    return [files[i] for i in label_issues(out_of_fold_probabilities(checking, work, x, y, folder.class_names), y)]


if __name__ == "__main__":
    main()
