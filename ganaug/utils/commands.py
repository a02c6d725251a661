"""The command line of the commands that read a trained network or finished runs (predict, export, demo, generate,
evaluate, report): Hydra composes their configs as it does train's, so `--help`, `--cfg job`, `--config-dir` and
`KEY=VALUE` behave alike everywhere. What only they add: paths given first are their positional settings
(`CHECKPOINT INPUT...`), and a mistake is one line before Hydra runs."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable

from ganaug.schema.commands import COMMANDS
from ganaug.utils import runtime
from ganaug.utils.config import check_overrides, groups, split_flags
from ganaug.utils.errors import UserError, exit_on_user_error

HELP_FLAGS = ("-h", "--help")
SHOWING_FLAGS = {*HELP_FLAGS, "--hydra-help", "-c", "--cfg", "-i", "--info"}  # they only show: nothing to check
OVERRIDE = re.compile(r"^[+~]{0,2}[A-Za-z_][\w.@/-]*(=|$)")


def is_override(arg: str) -> bool:
    """Whether `arg` is a Hydra override (`key=value`, `+key=v`, `~key`, `hydra/launcher=basic`) and not a path: a
    sweep's run folders hold `=` too, so an existing file is a path, and so is a key with `/` that names no config
    group."""
    if not OVERRIDE.match(arg) or Path(arg).exists():
        return False
    key = arg.partition("=")[0].lstrip("+~")
    return ("=" in arg or arg.startswith("~")) and ("/" not in key or key.partition("@")[0] in groups())


def quoted(path: str) -> str:
    """A path as a quoted value of Hydra's override grammar (commas, `=` and brackets kept as they are): a quote
    escaped, and the backslashes before a quote or the end doubled (elsewhere the grammar keeps them as they are)."""
    escaped = re.sub(r"(\\+)(?='|$)", lambda run: run.group(1) * 2, path)
    return "'" + escaped.replace("'", "\\'") + "'"


def hydra_arguments(name: str, argv: list[str]) -> list[str]:
    """The command line with its positional paths written as the command's settings (the first as `first=`, the
    others as the list `rest=[...]`); a flag that is not Hydra's is a UserError."""
    schema = COMMANDS[name]
    renamed, args = [], iter(argv)
    for arg in args:  # an older command line's flags, as the settings they are now
        flag, has_value, value = arg.partition("=")
        setting = getattr(schema, "flags", {}).get(flag)
        if setting is None:
            renamed.append(arg)
        else:
            renamed.append(setting if "=" in setting else f"{setting}={quoted(value if has_value else next(args, ''))}")
    flags, rest = split_flags(renamed)
    kept, positional = [], []
    for arg in rest:
        if arg.startswith("-"):
            raise UserError(f"{arg.partition('=')[0]} is not a flag of ganaug.{name}; its settings are KEY=VALUE "
                            f"(usage: {schema.usage}; --help lists them)")
        (kept if is_override(arg) else positional).append(arg)
    settings = []
    if schema.first is not None and positional:
        settings.append(f"{schema.first}={quoted(positional.pop(0))}")
    if positional:
        if schema.rest is None:
            raise UserError(f"{positional[0]}: not a setting (KEY=VALUE) and {name} takes one path only; "
                            f"usage: {schema.usage}")
        settings.append(f"{schema.rest}=[{','.join(map(quoted, positional))}]")
    return [*settings, *kept, *flags]


def run_command(name: str, main: Callable[[], None], argv: list[str] | None) -> None:
    """Run the Hydra-decorated `main` of ganaug.`name` on the command line `argv` (default: the process's), after
    checking every key and value of it."""
    runtime.setup()
    argv = sys.argv[1:] if argv is None else list(argv)
    with exit_on_user_error(f"ganaug.{name}"):
        args = hydra_arguments(name, argv)
        if not any(arg.partition("=")[0] in SHOWING_FLAGS for arg in args):
            check_overrides(args, name)
    sys.argv = [sys.argv[0] if sys.argv else f"ganaug.{name}", *args]
    main()
