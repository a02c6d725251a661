"""`python -m ganaug.predict CHECKPOINT INPUT... [sheet=PHOTO rows=R cols=C] [out=DIR]`: read new images with a
trained classifier (its settings: `ganaug/conf/predict.yaml`, `--help`).

CHECKPOINT is a run's `checkpoints/classifier.ckpt` (copied anywhere: it holds how its training images were
prepared). INPUT: image files and folders (searched recursively); a class-folder tree (`DIR/<class>/*` or
`DIR/test/<class>/*`) also gives accuracy, per-class accuracy, `confusion.png` and `misread.png`. `sheet=PHOTO`
reads the cells of a sheet of digits (rows and cols on the command line or in PHOTO.yaml).
"""
from __future__ import annotations

import os
from pathlib import Path

import hydra
import torch
from omegaconf import DictConfig
from torch.utils.data import DataLoader, Dataset

from ganaug.data.folder import shown
from ganaug.data.preprocessing import NotADigit
from ganaug.data.sheets import preview, sheet_settings
from ganaug.inference import outputs
from ganaug.inference.inputs import Item, folder_items, sheet_items
from ganaug.inference.predictor import Predictor
from ganaug.utils.commands import run_command
from ganaug.utils.config import CONFIG_PATH, validate
from ganaug.utils.errors import UserError, exit_on_user_error

PARALLEL_FROM = 64  # images from which they are prepared in worker processes, one per core
def collect(predictor: Predictor, paths: list[Path], options: DictConfig) -> tuple[list[Item], list[str], tuple | None]:
    """Every image to read, the cells of a sheet that could not be prepared (with why), and the sheet with its cells
    (None without one)."""
    items, skipped, page = [], [], None
    for path in paths:
        if not path.exists():
            raise UserError(f"no such file or folder: {shown(path)}")
        items += folder_items(path, predictor.class_names) if path.is_dir() else [Item(shown(path), path)]
    if options["sheet"] is not None:
        settings = sheet_settings({key: options.get(key) for key in ("sheet", "rows", "cols")}, required=())
        cells, bad, page = sheet_items(Path(options["sheet"]), settings.get("rows"), settings.get("cols"),
                                       predictor.preprocessing)
        items, skipped = items + cells, skipped + bad
    return items, skipped, page


class Preparing(Dataset):
    """The items' digits, prepared one per index (in DataLoader workers, one per core, for many files)."""

    def __init__(self, predictor: Predictor, items: list[Item]) -> None:
        self.predictor, self.items = predictor, items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> tuple[torch.Tensor | None, str]:
        item = self.items[i]
        try:
            return (item.digit if item.digit is not None else self.predictor.prepare(item.path)), ""
        except NotADigit as error:
            return None, str(error)


def prepared(predictor: Predictor, items: list[Item]) -> tuple[list[Item], torch.Tensor, list[str]]:
    """The items that could be prepared, their digits, and the others as `file: reason`."""
    workers = min(os.cpu_count() or 1, 4) if len(items) >= PARALLEL_FROM else 0
    loader = DataLoader(Preparing(predictor, items), batch_size=None, num_workers=workers, collate_fn=lambda x: x)
    kept, digits, skipped = [], [], []
    for item, (digit, error) in zip(items, loader):
        if digit is None:
            skipped.append(f"{item.name}: {error}")
        else:
            kept.append(item)
            digits.append(digit)
    return kept, torch.stack(digits) if digits else torch.empty(0, 1, 28, 28), skipped


def sheet_rows(items: list[Item], table: list[dict]) -> list[tuple[str, list[int]]]:
    """A sheet's rows read back: each as a string, one class name per digit left to right, and the positions
    (from 1) of the digits read unsure (none without a sheet)."""
    rows: dict[int, tuple[str, list[int]]] = {}
    for item, row in zip(items, table):
        if item.cell is not None:
            text, unsure = rows.get(item.cell[0], ("", []))
            rows[item.cell[0]] = (text + row["predicted"], unsure + ([len(text) + 1] if row["unsure"] else []))
    return [rows[r] for r in sorted(rows)]


def predict(checkpoint: Path, paths: list[Path], options: DictConfig) -> dict:
    """Read every input with the classifier in `checkpoint`, print and write the results into `options.out`;
    returns a summary."""
    predictor = Predictor.load(checkpoint)
    out = Path(options["out"])
    items, skipped, page = collect(predictor, paths, options)
    kept, digits, unreadable = prepared(predictor, items)
    skipped += unreadable
    if not kept:
        raise UserError(f"none of the {len(items)} inputs holds a readable digit"
                        + (f" ({skipped[0]})" if skipped else "") + "; pass image files or folders of them")
    names = predictor.class_names
    labels = [item.label for item in kept]
    probs = predictor.probabilities(digits)
    table = outputs.rows([item.name for item in kept], probs, names, labels)
    for row in table:
        print(outputs.line(row))
    summary_rows = sheet_rows(kept, table)
    for r, (text, unsure) in enumerate(summary_rows):
        print(f"{options['sheet']} row {r + 1}: {text}" + (f"  (unsure: digit {', '.join(map(str, unsure))})" if unsure else ""))
    if skipped:
        print(f"skipped {len(skipped)} file(s):", *skipped, sep="\n  ")
    out.mkdir(parents=True, exist_ok=True)
    outputs.write_csv(out / "predictions.csv", table)
    outputs.save_image(out / "inputs.png", outputs.inputs_grid(digits, table))
    if page is not None:  # the sheet with each digit's box and reading, unsure ones in red
        read = {item.cell: (row["predicted"], row["unsure"]) for item, row in zip(kept, table) if item.cell is not None}
        preview(*page, read).save(out / "sheet_preview.png")
    summary = {"read": len(kept), "skipped": skipped, "unsure": sum(row["unsure"] for row in table), "accuracy": None,
               "rows": [text for text, _ in summary_rows]}
    known = torch.tensor([i for i, label in enumerate(labels) if label is not None], dtype=torch.long)
    if len(known):
        predicted, truth = probs.argmax(1)[known], torch.tensor([labels[i] for i in known.tolist()])
        print(*outputs.accuracy_lines(predicted, truth, names), sep="\n")
        outputs.save_confusion(out / "confusion.png", predicted, truth, names)
        misread = known[predicted != truth]
        if len(misread):
            outputs.save_image(out / "misread.png", outputs.inputs_grid(digits[misread], [table[i] for i in misread.tolist()]))
        summary["accuracy"] = (predicted == truth).double().mean().item()
    print(f"{len(kept)} image(s) read ({summary['unsure']} unsure); written to {out}: predictions.csv inputs.png"
          + (" sheet_preview.png" if page is not None else "")
          + (" confusion.png" + (" misread.png" if summary["accuracy"] < 1 else "") if len(known) else ""))
    return summary


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="predict")
def main(cfg: DictConfig) -> None:
    with exit_on_user_error("ganaug.predict"):
        validate(cfg, "predict")
        predict(Path(cfg.checkpoint), [Path(p) for p in cfg.inputs], cfg)


def cli(argv: list[str] | None = None) -> None:
    run_command("predict", main, argv)


if __name__ == "__main__":
    cli()
