"""The command lines of the commands that take a checkpoint first: `CHECKPOINT key=value ...`."""
from __future__ import annotations

from pathlib import Path

from ganaug.utils.errors import UserError


def option(arg: str) -> tuple[str, str] | None:
    """(key, value) where `arg` is an option `key=value`; None for a path (a sweep's run folders hold `=` too)."""
    key, is_option, value = arg.partition("=")
    return (key, value) if is_option and key.isidentifier() and not Path(arg).exists() else None


def options_of(args: list[str], usage: str) -> dict[str, str]:
    """The `key=value` options among `args`; a UserError naming an argument that is none, with `usage`."""
    options = {}
    for arg in args:
        if (found := option(arg)) is None:
            raise UserError(f"{arg}: not an option; {usage}")
        options[found[0]] = found[1]
    return options


def checkpoint_first(argv: list[str], usage: str) -> Path:
    """The checkpoint the command line starts with; a UserError saying `usage` where it starts with an option."""
    if not argv or option(argv[0]) is not None:
        raise UserError(usage)
    return Path(argv[0])
