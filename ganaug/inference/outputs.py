"""What `ganaug.predict` writes: one line and one CSV row per image, the images as the model saw them, and for
images of known class the accuracy, the confusion matrix and the misread images."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from torchmetrics.classification import MulticlassConfusionMatrix

from ganaug.utils.files import atomic_write
from ganaug.utils.grids import captioned_grid

UNSURE = 0.5  # a reading less probable than this is marked unsure
GRID_LIMIT = 500  # images drawn in inputs.png and misread.png at most (the first ones)


def rows(names: list[str], probs: torch.Tensor, class_names: list[str], labels: list[int | None]) -> list[dict]:
    """One row per image: file, prediction, its probability, the runner-up, unsure, the true class if known, and
    every class's probability."""
    top = probs.topk(min(2, probs.shape[1]), dim=1)
    table = []
    for i, name in enumerate(names):
        (p1, *p2), (c1, *c2) = top.values[i].tolist(), top.indices[i].tolist()
        row = {"file": name, "predicted": class_names[c1], "probability": round(p1, 4),
               "runner_up": class_names[c2[0]] if c2 else "", "runner_up_probability": round(p2[0], 4) if p2 else "",
               "unsure": p1 < UNSURE, "true": "" if labels[i] is None else class_names[labels[i]]}
        table.append(row | {f"p_{c}": round(p, 4) for c, p in zip(class_names, probs[i].tolist())})
    return table


def line(row: dict) -> str:
    """`file: 7 (0.98), then 1 (0.01)`, with `unsure` and the true class where there is one."""
    text = f"{row['file']}: {row['predicted']} ({row['probability']:.2f})"
    if row["runner_up"]:
        text += f", then {row['runner_up']} ({row['runner_up_probability']:.2f})"
    if row["unsure"]:
        text += ", unsure"
    if row["true"]:
        text += "" if row["true"] == row["predicted"] else f", MISREAD (is {row['true']})"
    return text


def write_csv(path: Path, table: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    atomic_write(path, lambda tmp: tmp.write_text(buffer.getvalue()))


def save_image(path: Path, image) -> None:
    atomic_write(path, lambda tmp: image.save(tmp, format="PNG"))


def inputs_grid(images: torch.Tensor, table: list[dict]) -> object:
    """The first GRID_LIMIT images as the model saw them, each captioned with its prediction and probability;
    misread ones (red) as `true>predicted`, unsure ones in orange."""
    images, table = images[:GRID_LIMIT], table[:GRID_LIMIT]
    misread = [bool(r["true"]) and r["true"] != r["predicted"] for r in table]
    captions = [(f"{r['true']}>" if wrong else "") + f"{r['predicted']} {r['probability']:.2f}" for r, wrong in zip(table, misread)]
    colours = ["red" if wrong else "orange" if r["unsure"] else "black" for r, wrong in zip(table, misread)]
    return captioned_grid(images, captions, colours=colours)


def accuracy_lines(predicted: torch.Tensor, labels: torch.Tensor, class_names: list[str]) -> list[str]:
    """Accuracy over all images of known class and per class."""
    right = predicted == labels
    lines = [f"accuracy {right.double().mean():.4f} ({int(right.sum())} of {len(right)} read right)"]
    for c, name in enumerate(class_names):
        mine = labels == c
        if mine.any():
            lines.append(f"  {name}: {right[mine].double().mean():.4f} ({int(right[mine].sum())} of {int(mine.sum())})")
    return lines


def save_confusion(path: Path, predicted: torch.Tensor, labels: torch.Tensor, class_names: list[str]) -> None:
    """The confusion matrix (rows: true class, columns: predicted) as a PNG."""
    matrix = MulticlassConfusionMatrix(len(class_names))
    matrix.update(predicted, labels)
    fig, _ = matrix.plot(labels=class_names)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=100))
    plt.close(fig)
