"""The Qt binding must not lose references when Python emits a signal.

PySide6 6.12.0's ``SignalInstance.emit()`` returns ``True`` without owning a reference, so
each emit from Python drops one reference to ``True``; after a few thousand status-bar
refreshes the interpreter aborts with "bool_dealloc". pyproject.toml excludes that release;
this test fails if a build with the same fault is installed.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    ping = Signal(object)


def test_emitting_from_python_keeps_reference_counts(qapp):
    emitter = _Emitter()
    received = []
    emitter.ping.connect(received.append)
    gc.collect()
    before = sys.getrefcount(True)
    for number in range(200):
        emitter.ping.emit(number)
    gc.collect()
    assert len(received) == 200
    assert sys.getrefcount(True) >= before - 5  # a broken binding loses 200
