"""`ganaug COMMAND ARGS...` (the console script) or `python -m ganaug COMMAND ARGS...`: the same as
`python -m ganaug.COMMAND ARGS...`."""
from __future__ import annotations

import difflib
import runpy
import sys

from ganaug.utils.commands import HELP_FLAGS

COMMANDS = {
    "train": "train a generator and a classifier (Hydra: experiment=NAME KEY=VALUE ..., -m for a sweep)",
    "report": "mean ± 95 % CI per configuration of finished sweeps",
    "prepare": "look at a data set before training, or cut a sheet of digits into a folder",
    "pretrain": "train the starting networks on the built-in pool",
    "predict": "read images, folders and sheets with a trained classifier",
    "export": "write a trained classifier as an ONNX model",
    "demo": "a local page to draw digits on",
    "generate": "sample a trained generator into PNGs",
    "evaluate": "recompute a saved generator's quality measures",
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    return "\n".join(["usage: ganaug COMMAND ARGS... (ganaug COMMAND --help for a command's own)", "", "commands:",
                      *(f"  {name:<{width}}  {what}" for name, what in COMMANDS.items())])


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in HELP_FLAGS:
        print(usage())
        raise SystemExit(0 if argv else 2)
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        close = difflib.get_close_matches(name, list(COMMANDS), n=1)
        hint = f"did you mean {close[0]}?" if close else f"use one of {', '.join(COMMANDS)}"
        print(f"ganaug: error: {name} is not a command; {hint}", file=sys.stderr)
        raise SystemExit(2)
    sys.argv = [f"ganaug {name}", *rest]
    runpy.run_module(f"ganaug.{name}", run_name="__main__")


if __name__ == "__main__":
    main()
