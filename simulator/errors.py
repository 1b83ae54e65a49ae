"""The one exception base for every error a user can cause.

A ``SimcoderError`` is a user's mistake (a file, a field, a flag) or a limit of what can be
simulated; its message is one line that names what is wrong and how to fix it, and the command
line prints it as ``simcoder: error: ...`` with exit status 2. Any other exception is a bug in
simcoder and keeps its traceback. The errors live in the core because the core is
self-contained (a generated simulator package ships it alone); every other package subclasses
these."""

from __future__ import annotations


class SimcoderError(Exception):
    """A user-facing error: printed as one line (its first), exit status 2."""

    def one_line(self) -> str:
        return (str(self).splitlines() or [type(self).__name__])[0]


class UserError(SimcoderError, ValueError):
    """A mistake in what the user gave (a flag, a name, a value)."""


class InputError(UserError):
    """A user's input file is wrong. Printed as one line: where, what, how to fix."""

    def __init__(
        self, path: str, message: str, line: int | None = None, field: str | None = None
    ) -> None:
        where = path + (f":{line}" if line is not None else "")
        what = f"{field}: " if field else ""
        super().__init__(f"{where}: {what}{message}")
        self.path, self.line, self.field = path, line, field


class ScaleSimFailure(SimcoderError, RuntimeError):
    """SCALE-Sim 3.0.0 itself crashes on this input; exact reproduction has no numbers to give."""


__all__ = ["InputError", "ScaleSimFailure", "SimcoderError", "UserError"]
