"""How many scans go in one upload request, and how a round's scans are shared out.

The size adapts to the server's answers: a 413 (request too large) or a timeout halves it,
each batch the server confirms doubles it back towards ``upload.batch_size``. A round's
scans are split evenly over the upload slots the request gate allows, so a backlog keeps
every slot busy while door lookups keep theirs.
"""

from __future__ import annotations

import threading
from typing import TypeVar

T = TypeVar("T")


class BatchSizer:
    """Thread-safe: the upload pool's workers report to one sizer."""

    def __init__(self, maximum: int) -> None:
        self.maximum = max(1, maximum)
        self._ceiling = self.maximum  # below the smallest batch the server called too large
        self._size = self.maximum
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        with self._lock:
            return self._size

    def shrink(self, failed_size: int, too_large: bool = False) -> None:
        """A batch of ``failed_size`` was too slow, or (``too_large``) refused with 413:
        halve. A 413 also caps later growth just below that size: the server's limit."""
        with self._lock:
            if too_large:
                self._ceiling = max(1, min(self._ceiling, failed_size - 1))
            self._size = max(1, min(self._size, failed_size // 2))

    def grow(self) -> None:
        with self._lock:
            self._size = min(self._ceiling, self._size * 2)


def split(items: list[T], size: int, slots: int) -> list[list[T]]:
    """``items`` in at most ``slots`` chunks (more only if each would pass ``size``), each
    at most ``size`` long, as even as possible."""
    if not items:
        return []
    count = max(min(slots, len(items)), -(-len(items) // max(1, size)))
    base, extra = divmod(len(items), count)
    chunks, start = [], 0
    for index in range(count):
        end = start + base + (1 if index < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks
