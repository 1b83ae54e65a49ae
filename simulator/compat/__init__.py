"""SCALE-Sim compatibility: .cfg and topology readers, report writers."""

from __future__ import annotations


class InputError(ValueError):
    """A user's input file is wrong. Printed as one line: where, what, how to fix."""

    def __init__(
        self, path: str, message: str, line: int | None = None, field: str | None = None
    ) -> None:
        where = path + (f":{line}" if line is not None else "")
        what = f"{field}: " if field else ""
        super().__init__(f"{where}: {what}{message}")
        self.path, self.line, self.field = path, line, field
