"""The one exception type ganaug raises for problems a user can fix."""


class UserError(Exception):
    """Bad input or configuration; its message is one line saying what is wrong and how to fix it."""
