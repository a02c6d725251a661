"""A trained classifier as an ONNX model that runs without ganaug or torch (onnxruntime, a browser, a phone app).

Input `image`: float32 N×1×28×28 in [0, 1], light ink on black, as ganaug prepares digits (any batch size).
Output `probabilities`: N×C class probabilities. The class names sit in the model's metadata (`class_names`, JSON).
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

from ganaug.models.classifier import Classifier
from ganaug.utils.errors import UserError
from ganaug.utils.files import atomic_write


class Probabilities(nn.Module):
    """A network's logits turned into class probabilities."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).softmax(dim=1)


def export_onnx(classifier: Classifier, path: Path) -> None:
    """Write `classifier` as an ONNX model at `path` (atomically)."""
    try:
        import onnx
    except ImportError:
        raise UserError("exporting to ONNX needs the onnx packages: pip install 'ganaug[export]'") from None
    model = Probabilities(classifier.net).eval()
    batch = torch.export.Dim("batch", min=1)
    program = torch.onnx.export(model, (torch.rand(2, 1, 28, 28),), dynamo=True, verbose=False, input_names=["image"],
                                output_names=["probabilities"], dynamic_shapes=({0: batch},))
    proto = program.model_proto
    onnx.helper.set_model_props(proto, {
        "class_names": json.dumps(classifier.class_names),
        "input": "float32 N x 1 x 28 x 28 in [0, 1], light ink on black (a digit as ganaug prepares it)",
        "output": "N x C class probabilities, in the order of class_names",
    })
    atomic_write(path, lambda tmp: onnx.save(proto, str(tmp)))
