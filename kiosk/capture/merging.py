"""Putting readings together: one entry per symbol whichever reader, or how often, read it."""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.capture.types import Detection


def merge(found: list[Detection], new: Iterable[Detection]) -> None:
    """Add ``new`` detections to ``found``, one entry per symbol.

    Two readings of the same kind of code in the same place are one symbol:
    * read by different backends: the first wins (zxing-cpp's, which keeps binary payloads
      exact, over zbar's, which re-encodes bytes it takes for another character set);
    * read twice by one backend, one text inside the other: the longer one wins (zxing-cpp
      sometimes also reports a fragment of a damaged ITF or Codabar symbol).
    """
    for det in new:
        keep = True
        for i, old in enumerate(found):
            if _family(old) != _family(det) or _overlap(old, det) < 0.3:
                continue
            if old.raw == det.raw or old.backend != det.backend:
                keep = False
                break
            if det.text in old.text:
                keep = False
                break
            if old.text in det.text:
                found[i] = det
                keep = False
                break
        if keep:
            found.append(det)


def confident(found: list[Detection]) -> bool:
    """Whether to stop trying: something besides ITF was read. ITF has no fixed length or
    strong framing, so a damaged symbol often yields a fragment; later steps may read it
    whole, and :func:`merge` then keeps the longer reading."""
    return any(d.format != "ITF" for d in found) or any(len(d.text) >= 14 for d in found)


def _overlap(a: Detection, b: Detection) -> float:
    """Intersection of the two bounding boxes over the smaller box's area. Boxes are grown by
    a tenth of their size first: a 1D code's corners are often one thin scan line."""

    def box(d: Detection) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = d.bounds()
        m = d.size / 10
        return x0 - m, y0 - m, x1 + m, y1 + m

    ax0, ay0, ax1, ay1 = box(a)
    bx0, by0, bx1, by1 = box(b)
    w = min(ax1, bx1) - max(ax0, bx0)
    h = min(ay1, by1) - max(ay0, by0)
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
    return w * h / max(smaller, 1.0)


def _family(det: Detection) -> str:
    """zbar reports UPC-A and UPC-E as EAN-13; treat the EAN/UPC formats as one."""
    return "EANUPC" if det.format in ("EAN13", "UPCA", "UPCE") else det.format
