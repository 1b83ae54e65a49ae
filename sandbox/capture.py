"""Capped capture of a child's output: the head and the tail are kept, the middle is counted."""

from __future__ import annotations

import threading
from typing import IO


class CappedStream:
    def __init__(self, limit: int) -> None:
        self.half = max(limit // 2, 1)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def feed(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.half - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            if len(self.tail) > self.half:
                del self.tail[: len(self.tail) - self.half]

    def text(self) -> str:
        head = self.head.decode("utf-8", "replace")
        if self.total <= len(self.head) + len(self.tail):
            return head + self.tail.decode("utf-8", "replace")
        skipped = self.total - len(self.head) - len(self.tail)
        return (
            head + f"\n[... {skipped} bytes skipped ...]\n" + self.tail.decode("utf-8", "replace")
        )


def pump(stream: IO[bytes], sink: CappedStream) -> threading.Thread:
    def run() -> None:
        for chunk in iter(lambda: stream.read(65536), b""):
            sink.feed(chunk)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread
