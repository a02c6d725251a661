"""The command lines of the commands that take a checkpoint first: `CHECKPOINT [INPUT...] key=value ...`, read one
way for predict, export, demo, generate and evaluate, each with `--help` listing its keys and their defaults."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ganaug.utils.errors import UserError

HELP_FLAGS = ("-h", "--help")


@dataclass(frozen=True)
class Option:
    """One `key=value` option: what it does, its default (None: not set), and whether it must be given."""

    help: str
    default: str | None = None
    required: bool = False
    minimum: int | None = None  # a whole number at least this (None: any text)
    value: str = "VALUE"  # what the usage line shows after `key=`


@dataclass(frozen=True)
class Command:
    """A command's line: its name, one line of what it does, its options and, where it reads them, its inputs."""

    name: str
    summary: str
    options: dict[str, Option] = field(default_factory=dict)
    inputs: str = ""  # e.g. "INPUT..." where paths may follow the checkpoint

    @property
    def usage(self) -> str:
        shown = [f"{key}={option.value}" if option.required else f"[{key}={option.value}]"
                 for key, option in self.options.items()]
        return " ".join(["usage: python -m ganaug." + self.name, "CHECKPOINT", *filter(None, [self.inputs]), *shown])

    def help(self) -> str:
        width = max((len(key) for key in self.options), default=0) + 1
        lines = [self.usage, "", self.summary]
        if self.options:
            lines += ["", "options (key=value):"]
        for key, option in self.options.items():
            default = "required" if option.required else f"default: {option.default if option.default is not None else 'none'}"
            lines.append(f"  {key + '=':<{width}}  {option.help} ({default})")
        return "\n".join(lines)

    def parse(self, argv: list[str]) -> tuple[Path, list[Path], dict]:
        """The checkpoint, the input paths and every option (given or default; whole numbers as int).

        `--help` prints the help and exits; anything else that is wrong is a UserError of one line.
        """
        if any(arg in HELP_FLAGS for arg in argv):
            print(self.help())
            raise SystemExit(0)
        if not argv or option(argv[0]) is not None:
            raise UserError(self.usage)
        options: dict = {key: option.default for key, option in self.options.items()}
        inputs = []
        for arg in argv[1:]:
            found = option(arg)
            if found is None and self.inputs:
                inputs.append(Path(arg))
            elif found is None:
                raise UserError(f"{arg}: not an option; {self.usage}")
            elif found[0] not in self.options:
                close = difflib.get_close_matches(found[0], list(self.options), n=1, cutoff=0.5)
                hint = (f"did you mean {close[0]}=?" if close else f"the options are {', '.join(k + '=' for k in self.options)}"
                        if self.options else f"it takes none; {self.usage}")
                raise UserError(f"{found[0]}= is not an option of ganaug.{self.name}; {hint}")
            else:
                options[found[0]] = found[1]
        for key, option_ in self.options.items():
            if option_.required and options[key] is None:
                raise UserError(f"{key}= is required; {self.usage}")
            if option_.minimum is not None and options[key] is not None:
                options[key] = whole_number(key, options[key], option_.minimum)
        return Path(argv[0]), inputs, options


def whole_number(key: str, value: str | int, minimum: int) -> int:
    """`value` as an int of at least `minimum`; a UserError naming the key otherwise."""
    text = str(value)
    if not text.isdigit() or int(text) < minimum:
        raise UserError(f"{key}={value}: use a whole number >= {minimum}")
    return int(text)


def option(arg: str) -> tuple[str, str] | None:
    """(key, value) where `arg` is an option `key=value`; None for a path (a sweep's run folders hold `=` too)."""
    key, is_option, value = arg.partition("=")
    return (key, value) if is_option and key.isidentifier() and not Path(arg).exists() else None
