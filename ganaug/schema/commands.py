"""Schemas of the commands that read a trained network or finished runs: predict, export, demo, generate, evaluate and
report. Each names its usage line and its positional arguments: paths given first, before any `KEY=VALUE`, are read
as its `first` setting and the list `rest` (`python -m ganaug.predict run.ckpt a.png b/` is
`checkpoint=run.ckpt inputs=[a.png,b/]`); `flags` maps a flag of an older command line to its setting (a flag
naming a setting takes the next argument as its value, one naming `KEY=VALUE` is that)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, List, Optional

from ganaug.schema.fields import COUNT, FLAG, POSITIVE_INT, at_least, optional, setting, text


def paths(v: Any) -> bool:
    return isinstance(v, list) and all(text(item) for item in v)


def onnx_file(v: Any) -> bool:
    return text(v) and v.endswith(".onnx")


def port(v: Any) -> bool:
    return at_least(1)(v) and v <= 65535


CHECKPOINT = (text, "a checkpoint file's path")


@dataclass
class Predict:
    """`python -m ganaug.predict`."""

    usage: ClassVar[str] = "python -m ganaug.predict CHECKPOINT [INPUT...] [sheet=PHOTO rows=N cols=N] [out=DIR]"
    first: ClassVar[str | None] = "checkpoint"
    rest: ClassVar[str | None] = "inputs"

    checkpoint: str = setting(*CHECKPOINT)
    inputs: List[str] = setting(paths, "a list of image files and folders, e.g. inputs=[a.png,digits/]")
    out: str = setting(text, "a folder path")
    sheet: Optional[str] = setting(optional(text), "a photo's path, or null")
    rows: Optional[int] = setting(optional(at_least(1)), "null or an integer >= 1")
    cols: Optional[int] = setting(optional(at_least(1)), "null or an integer >= 1")

    @staticmethod
    def together(node: dict, path: str) -> str | None:
        if not node.get("inputs") and node.get("sheet") is None:
            return "no images given: name image files or folders after the checkpoint, or a sheet with sheet=PHOTO"
        return None


@dataclass
class Export:
    """`python -m ganaug.export`."""

    usage: ClassVar[str] = "python -m ganaug.export CHECKPOINT out=FILE.onnx"
    first: ClassVar[str | None] = "checkpoint"
    rest: ClassVar[str | None] = None

    checkpoint: str = setting(*CHECKPOINT)
    out: str = setting(onnx_file, "a file name ending in .onnx, e.g. out=digits.onnx")


@dataclass
class Demo:
    """`python -m ganaug.demo`."""

    usage: ClassVar[str] = "python -m ganaug.demo CHECKPOINT [port=N] [host=ADDRESS] [collect=DIR]"
    first: ClassVar[str | None] = "checkpoint"
    rest: ClassVar[str | None] = None

    checkpoint: str = setting(*CHECKPOINT)
    port: int = setting(port, "a port number between 1 and 65535")
    host: str = setting(text, "an address, e.g. 127.0.0.1 or 0.0.0.0")
    collect: Optional[str] = setting(optional(text), "a folder path, or null")


@dataclass
class Generate:
    """`python -m ganaug.generate`."""

    usage: ClassVar[str] = "python -m ganaug.generate CHECKPOINT out=DIR [n_per_class=K] [seed=S]"
    first: ClassVar[str | None] = "checkpoint"
    rest: ClassVar[str | None] = None

    checkpoint: str = setting(*CHECKPOINT)
    out: str = setting(text, "a folder path")
    n_per_class: int = setting(*POSITIVE_INT)
    seed: int = setting(*COUNT)


@dataclass
class Evaluate:
    """`python -m ganaug.evaluate`."""

    usage: ClassVar[str] = "python -m ganaug.evaluate CHECKPOINT"
    first: ClassVar[str | None] = "checkpoint"
    rest: ClassVar[str | None] = None

    checkpoint: str = setting(*CHECKPOINT)


@dataclass
class Report:
    """`python -m ganaug.report`."""

    usage: ClassVar[str] = "python -m ganaug.report SWEEP_DIR... [out=DIR] [curve=true]"
    first: ClassVar[str | None] = None
    rest: ClassVar[str | None] = "sweeps"
    flags: ClassVar[dict[str, str]] = {"--out": "out", "--curve": "curve=true"}  # the old command line's, still read

    sweeps: List[str] = setting(paths, "a list of sweep folders, e.g. sweeps=[outputs/multirun/a,outputs/multirun/b]")
    out: Optional[str] = setting(optional(text), "a folder path, or null (the first sweep's folder)")
    curve: bool = setting(*FLAG)

    @staticmethod
    def together(node: dict, path: str) -> str | None:
        return None if node.get("sweeps") else "no sweep folder given: name one or more after the command"


COMMANDS = {"predict": Predict, "export": Export, "demo": Demo, "generate": Generate, "evaluate": Evaluate,
            "report": Report}
