"""The exceptions ganaug raises for problems a user can act on (each message is one line), and the one place that
turns them into an error line and exit status 2."""
from __future__ import annotations

import contextlib
import sys
from typing import Iterator

import torch


class UserError(Exception):
    """Bad input or configuration: the message says what is wrong and how to fix it."""


class Diverged(Exception):
    """A training loss became NaN or infinite: the message names the phase and the step."""


def ensure_finite(loss: torch.Tensor, what: str, step: int, fix: str) -> None:
    """Raise Diverged if `loss` is NaN or infinite."""
    if not torch.isfinite(loss).all():
        raise Diverged(f"{what} loss is {loss.item()} at step {step}; {fix}")


@contextlib.contextmanager
def exit_on_user_error(command: str) -> Iterator[None]:
    """Print a UserError raised inside as `COMMAND: error: MESSAGE` on stderr and exit with status 2."""
    try:
        yield
    except UserError as error:
        print(f"{command}: error: {error}", file=sys.stderr)
        sys.exit(2)
