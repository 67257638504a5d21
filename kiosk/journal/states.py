"""The upload states a journaled scan goes through, one vocabulary for the journal, the
history and the screen texts.

The values are the text the ``scans.upload_state`` column has always held, so a journal
written by an older kiosk reads the same (no migration). Only accepted scans are queued
(``pending``); a scan the server refused is ``rejected`` but stays queued (retried on its own
slow schedule, never deleted). Follow-up steps use ``pending`` and ``rejected`` for the same
meaning (kiosk/journal/followups.py).
"""

from __future__ import annotations

import enum


class UploadState(enum.StrEnum):
    NOT_NEEDED = "not-needed"  # not admitted: nothing to upload
    PENDING = "pending"
    REJECTED = "rejected"
    UPLOADED = "uploaded"
    HELD = "held"  # another device's scan, kept (never sent as this device) until it returns


# The states of a scan still waiting to upload.
QUEUED_STATES = (UploadState.PENDING, UploadState.REJECTED)
