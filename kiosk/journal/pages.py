"""Reading table rows straight from a damaged SQLite file's pages, for salvage.

When the damage hits an interior page of the scans table (its root, say), SQL cannot reach
any row below it although every leaf page is intact. This reader does what ``sqlite3
.recover`` does, for the one thing the kiosk needs: it walks every page of the file (with
the committed frames of its ``-wal`` applied when asked), parses each table-leaf page's cells
(overflow chains included) and yields the records. Pages on the freelist are skipped (they
hold stale copies of rows). The caller decides which records are scans.

The file format is SQLite's documented one: https://www.sqlite.org/fileformat2.html
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

HEADER = b"SQLite format 3\x00"
TABLE_LEAF = 0x0D
MAX_CELL_BYTES = 1024 * 1024  # no scan row is this large: such a "cell" is garbage


def leaf_records(path: Path, *, with_wal: bool) -> Iterator[list[Any]]:
    """Every record found on a table-leaf page of ``path`` (values as Python objects)."""
    try:
        with path.open("rb") as handle:
            yield from _leaf_records(handle, Path(f"{path}-wal") if with_wal else None)
    except OSError:
        return


def _leaf_records(handle: BinaryIO, wal: Path | None) -> Iterator[list[Any]]:
    head = handle.read(100)
    if len(head) < 100 or not head.startswith(HEADER):
        return
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return
    usable = page_size - head[20]
    pages = _Pages(handle, page_size, _wal_pages(wal, page_size) if wal else {})
    free = _freelist(pages, struct.unpack(">I", head[32:36])[0])
    for number in range(1, pages.count + 1):
        if number in free:
            continue
        page = pages.get(number)
        offset = 100 if number == 1 else 0
        if page is None or page[offset] != TABLE_LEAF:
            continue
        yield from _cells(page, offset, usable, pages)


class _Pages:
    """Pages of the file read on demand, the WAL's committed images taking precedence."""

    def __init__(self, handle: BinaryIO, page_size: int, overrides: dict[int, bytes]) -> None:
        self._handle = handle
        self._size = page_size
        self._overrides = overrides
        handle.seek(0, 2)
        self.count = max([handle.tell() // page_size, *overrides])

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and 1 <= number <= self.count

    def get(self, number: int) -> bytes | None:
        if number in self._overrides:
            return self._overrides[number]
        if number not in self:
            return None
        self._handle.seek((number - 1) * self._size)
        page = self._handle.read(self._size)
        return page if len(page) == self._size else None


def _wal_pages(wal: Path, page_size: int) -> dict[int, bytes]:
    """Page images of the committed transactions in the WAL (salts must match its header)."""
    try:
        data = wal.read_bytes()
    except OSError:
        return {}
    if len(data) < 32 or struct.unpack(">I", data[0:4])[0] not in (0x377F0682, 0x377F0683):
        return {}
    if struct.unpack(">I", data[8:12])[0] != page_size:
        return {}
    salts = data[16:24]
    committed: dict[int, bytes] = {}
    pending: dict[int, bytes] = {}
    position = 32
    while position + 24 + page_size <= len(data):
        frame = data[position : position + 24]
        if frame[8:16] != salts:
            break
        number, commit = struct.unpack(">II", frame[0:8])
        pending[number] = data[position + 24 : position + 24 + page_size]
        if commit:
            committed.update(pending)
            pending = {}
        position += 24 + page_size
    return committed


def _freelist(pages: _Pages, trunk: int) -> set[int]:
    free: set[int] = set()
    while trunk and trunk not in free and len(free) < pages.count:
        page = pages.get(trunk)
        if page is None:
            break
        free.add(trunk)
        following, count = struct.unpack(">II", page[0:8])
        count = min(count, (len(page) - 8) // 4)
        free.update(struct.unpack(f">{count}I", page[8 : 8 + 4 * count]))
        trunk = following
    return free


def _cells(page: bytes, offset: int, usable: int, pages: _Pages) -> Iterator[list[Any]]:
    count = struct.unpack(">H", page[offset + 3 : offset + 5])[0]
    for index in range(min(count, (usable - offset - 8) // 2)):
        pointer_at = offset + 8 + 2 * index
        pointer = struct.unpack(">H", page[pointer_at : pointer_at + 2])[0]
        try:
            payload = _payload(page, pointer, usable, pages)
            if payload is not None:
                record = _record(payload)
                if record is not None:
                    yield record
        except (IndexError, ValueError, struct.error, UnicodeDecodeError):
            continue


def _payload(page: bytes, at: int, usable: int, pages: _Pages) -> bytes | None:
    size, at = _varint(page, at)
    _rowid, at = _varint(page, at)
    if size > MAX_CELL_BYTES:
        return None
    most = usable - 35
    if size <= most:
        return page[at : at + size] if at + size <= usable else None
    least = ((usable - 12) * 32 // 255) - 23
    local = least + (size - least) % (usable - 4)
    if local > most:
        local = least
    body = bytearray(page[at : at + local])
    following = struct.unpack(">I", page[at + local : at + local + 4])[0]
    seen: set[int] = set()
    while len(body) < size:
        overflow = pages.get(following)
        if overflow is None or following in seen:
            return None
        seen.add(following)
        body += overflow[4:usable]
        following = struct.unpack(">I", overflow[0:4])[0]
    return bytes(body[:size])


def _record(payload: bytes) -> list[Any] | None:
    header_size, at = _varint(payload, 0)
    if header_size > len(payload) or header_size < 2:
        return None
    types = []
    while at < header_size:
        kind, at = _varint(payload, at)
        types.append(kind)
    values: list[Any] = []
    at = header_size
    for kind in types:
        value, at = _value(payload, at, kind)
        values.append(value)
    return values if at <= len(payload) else None


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _value(payload: bytes, at: int, kind: int) -> tuple[Any, int]:
    if kind == 0:
        return None, at
    if kind in _INT_SIZES:
        size = _INT_SIZES[kind]
        if at + size > len(payload):
            raise ValueError("short integer")
        return int.from_bytes(payload[at : at + size], "big", signed=True), at + size
    if kind == 7:
        return struct.unpack(">d", payload[at : at + 8])[0], at + 8
    if kind in (8, 9):
        return kind - 8, at
    if kind >= 12:
        size = (kind - 12) // 2
        if at + size > len(payload):
            raise ValueError("short value")
        raw = payload[at : at + size]
        return (raw.decode("utf-8") if kind % 2 else bytes(raw)), at + size
    raise ValueError("reserved serial type")


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for index in range(9):
        byte = data[at + index]
        if index == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + index + 1
    raise ValueError("varint")
