"""The exceptions ganaug raises for problems a user can act on; each message is one line."""
from __future__ import annotations

import torch


class UserError(Exception):
    """Bad input or configuration: the message says what is wrong and how to fix it."""


class Diverged(Exception):
    """A training loss became NaN or infinite: the message names the phase and the step."""


def ensure_finite(loss: torch.Tensor, what: str, step: int, fix: str) -> None:
    """Raise Diverged if `loss` is NaN or infinite."""
    if not torch.isfinite(loss).all():
        raise Diverged(f"{what} loss is {loss.item()} at step {step}; {fix}")
