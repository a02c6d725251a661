"""Atomic file writes (a reader never sees a half-written results file or checkpoint), and reading back a
cache entry that may be damaged."""
from __future__ import annotations

import functools
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import torch

from ganaug.utils.errors import UserError

log = logging.getLogger(__name__)
UNSAFE_IN_NAMES = re.compile(r"[/\\\x00-\x1f\x7f]")  # path separators and control characters
MAX_NAME_LENGTH = 100


def safe_name(name: object, what: str) -> str:
    """`name` where it can be one folder or file name and no more: no path separator, not `.` or `..`, no control
    character, at most MAX_NAME_LENGTH characters; a UserError naming it otherwise (names from files never become
    paths outside the folder the user named)."""
    if (not isinstance(name, str) or name in ("", ".", "..") or UNSAFE_IN_NAMES.search(name)
            or len(name) > MAX_NAME_LENGTH):
        raise UserError(f"{what} {str(name)[:MAX_NAME_LENGTH]!r}, which cannot be a folder name (no '/', '\\', '.', "
                        f"'..' or control characters, at most {MAX_NAME_LENGTH} characters)")
    return name


@functools.cache
def umask() -> int:
    """The process's file-creation mask (read once: reading it means setting it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` for a temporary file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def link_or_copy(source: Path, target: Path) -> None:
    """Make `target` hold `source`'s content: a hard link where the file system allows, else a copy (atomically)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.link")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def write_json(path: Path, obj: Any) -> None:
    """Write `obj` as indented JSON, atomically."""
    atomic_write(path, lambda tmp: tmp.write_text(json.dumps(obj, indent=2) + "\n"))


def load_entry(path: Path, what: str, valid: Callable[[Any], bool]) -> Any | None:
    """The tensors torch saved at `path`; None when there is no file, or when it is unreadable or not `valid`
    (then it is named in a warning and removed, so the caller rebuilds it).
    """
    try:
        entry = torch.load(path, map_location="cpu", weights_only=True)
        if valid(entry):
            return entry
        problem = "holds something else"
    except FileNotFoundError:
        return None
    except Exception as error:  # truncated by a kill, a full disk, another version: a miss, not a crash
        problem = f"is unreadable ({type(error).__name__})"
    log.warning("%s %s %s; rebuilding it", what, path, problem)
    path.unlink(missing_ok=True)
    return None
