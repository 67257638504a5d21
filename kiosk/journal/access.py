"""What the journal's query mixins need from the Journal, and the one retry after damage.

The Journal (:mod:`kiosk.journal.store`) owns the connection, its lock and the damage
handling. The upload queue (:mod:`kiosk.journal.uploads`) and the history
(:mod:`kiosk.journal.history`) are mixins of it that reach the database only through
:meth:`JournalAccess.connection` and :meth:`JournalAccess.transaction`, so no query can
bypass the lock or the damage guard.
"""

from __future__ import annotations

import functools
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from kiosk.journal.problems import JournalRecovered
from kiosk.journal.transaction import JournalTransaction

_T = TypeVar("_T")


class JournalAccess(ABC):
    """The two ways into the journal's database; the Journal provides both."""

    @abstractmethod
    def connection(self) -> AbstractContextManager[sqlite3.Connection]:
        """The connection, under the journal's lock, with SQLite failures turned into
        journal errors."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[JournalTransaction]:
        """One atomic, durable write (BEGIN IMMEDIATE ... COMMIT)."""


def retried_after_recovery(method: Callable[..., _T]) -> Callable[..., _T]:
    """Run ``method`` again, once, when the journal was found damaged and replaced under it:
    the caller then sees the fresh journal (with the recovered scans), not the damage."""

    @functools.wraps(method)
    def wrapper(self: JournalAccess, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except JournalRecovered:
            return method(self, *args, **kwargs)

    return wrapper
