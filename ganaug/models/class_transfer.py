"""Starting a network for one set of classes from one trained on another (the digits 0-9 of the built-in pool).

Each network names its state entries with one row per class (`class_rows`) and what a class the trained network
does not know starts from (`new_class_row`): "mean", the mean of the known rows (a GAN's class embedding), or
"fresh", the new network's own initial row (a classifier's head: new classes get a new head on trained features).
A class both know keeps its trained row, wherever it sits in the new list; rows after the classes' (a diffusion
model's "no class") keep their trained values.
"""
from __future__ import annotations

from torch import nn


def transfer(state: dict, module: nn.Module, trained_classes: list[str], classes: list[str]) -> dict:
    """`state`, trained for `trained_classes`, made to fit `module`, built for `classes`."""
    if classes == trained_classes:
        return state
    own, fitted = module.state_dict(), dict(state)
    for prefix, net in module.named_modules():
        for name in getattr(net, "class_rows", ()):
            key = f"{prefix}.{name}" if prefix else name
            if key not in state:
                continue
            rows = own[key].clone()
            for i, name_of_class in enumerate(classes):
                if name_of_class in trained_classes:
                    rows[i] = state[key][trained_classes.index(name_of_class)]
                elif net.new_class_row == "mean":
                    rows[i] = state[key][: len(trained_classes)].mean(0)
            rows[len(classes):] = state[key][len(trained_classes):]  # rows after the classes' (diffusion's "no class")
            fitted[key] = rows
    return fitted
