"""Read a user's input file as text: a file that cannot be read or is not UTF-8 is one line
naming the file, the line and the byte offset (never a UnicodeDecodeError traceback)."""

from __future__ import annotations

from pathlib import Path

from simcoder.simulator.compat import InputError


def read_input_text(path: str | Path, what: str) -> str:
    """The file's text (UTF-8, a leading byte-order mark dropped, newlines as ``\\n``)."""
    p = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(p, f"cannot read the {what} ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            p,
            f"byte offset {exc.start} (0x{data[exc.start]:02x}) is not UTF-8 text; "
            f"save the {what} as UTF-8 (or plain ASCII)",
            line,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
