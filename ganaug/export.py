"""`python -m ganaug.export CHECKPOINT out=FILE.onnx`: a run's classifier as an ONNX model that runs without ganaug
or torch (`ganaug.inference.onnx_export` says what goes in and comes out). Needs `pip install 'ganaug[export]'`."""
from __future__ import annotations

import sys
from pathlib import Path

from ganaug.inference.onnx_export import export_onnx
from ganaug.inference.predictor import Predictor
from ganaug.utils import runtime
from ganaug.utils.command_line import Command, Option
from ganaug.utils.errors import UserError, exit_on_user_error

COMMAND = Command("export", "Write a run's classifier as an ONNX model that runs without ganaug or torch.",
                  {"out": Option("the ONNX file to write, FILE.onnx", required=True, value="FILE.onnx")})


def parse(argv: list[str]) -> tuple[Path, Path]:
    checkpoint, _, options = COMMAND.parse(argv)
    out = Path(options["out"])
    if out.suffix != ".onnx":
        raise UserError(f"out={out}: name the file FILE.onnx")
    return checkpoint, out


def main(argv: list[str] | None = None) -> None:
    runtime.setup()
    with exit_on_user_error("ganaug.export"):
        checkpoint, out = parse(sys.argv[1:] if argv is None else argv)
        predictor = Predictor.load(checkpoint)
        export_onnx(predictor.classifier, out)
    print(f"wrote {out}: input 'image' N x 1 x 28 x 28 float32 in [0, 1], output 'probabilities' N x "
          f"{len(predictor.class_names)}, classes {predictor.class_names}")


if __name__ == "__main__":
    main()
