"""The decoder against real images drawn with zxing-cpp's writer."""

from __future__ import annotations

import functools
import logging

import cv2
import numpy as np
import pytest
import zxingcpp

from kiosk.capture import readers
from kiosk.capture.decoder import Decoder, looks_like_code, to_grey
from kiosk.capture.formats import KNOWN_FORMATS
from kiosk.capture.readers import load_pyzbar
from kiosk.capture.types import Detection
from tests.capture.conftest import EXPECTED, PAYLOADS, READ_AS, as_bgr, frame_with, symbol


@pytest.mark.parametrize("fmt", KNOWN_FORMATS)
def test_every_format_is_read_exactly_on_both_paths(fmt: str) -> None:
    decoder = Decoder(KNOWN_FORMATS)
    frame = frame_with(symbol(PAYLOADS[fmt], fmt))
    for found in (decoder.decode_fast(frame), decoder.decode_still(as_bgr(frame))):
        assert [(d.text, d.format) for d in found] == [(EXPECTED[fmt], READ_AS.get(fmt, fmt))]


def test_position_is_where_the_code_is_in_the_frame() -> None:
    code = symbol("TKT-VALID-0001", "QRCode", module_px=4)  # 4 px quiet zone per module
    frame = frame_with(code, x=300, y=200)
    (found,) = Decoder().decode_fast(frame)
    quiet = 4 * 4  # zxing-cpp's writer adds a 4-module quiet zone
    size = code.shape[0] - 2 * quiet
    want = [
        (300 + quiet, 200 + quiet),
        (300 + quiet + size, 200 + quiet),
        (300 + quiet + size, 200 + quiet + size),
        (300 + quiet, 200 + quiet + size),
    ]
    for (x, y), (wx, wy) in zip(found.position, want, strict=True):
        assert abs(x - wx) <= 3 and abs(y - wy) <= 3
    assert found.bounds()[0] == pytest.approx(300 + quiet, abs=3)


@pytest.mark.parametrize("payload", ["  TKT-VALID-0001  ", "line one\nline two\t", "Zażółć gęślą"])
def test_text_payload_is_kept_exactly(payload: str) -> None:
    found = Decoder().decode_still(as_bgr(frame_with(symbol(payload, "QRCode"))))
    assert [d.text for d in found] == [payload]
    assert not found[0].binary


def test_binary_payload_is_not_mangled() -> None:
    payload = bytes([0, 1, 2, 0x80, 0xFF, 0xC3, 0x28, 10])  # not UTF-8
    found = Decoder().decode_still(as_bgr(frame_with(symbol(payload, "QRCode"))))
    assert len(found) == 1
    (det,) = found
    assert det.binary and det.raw == payload
    assert "\ufffd" not in det.text
    assert det.text.encode("latin-1") == payload
    assert det.as_json()["base64"] == "AAECgP/DKAo="


def test_fast_path_reads_only_enabled_formats() -> None:
    frame = frame_with(symbol("TKT-0001", "Code39"))
    assert Decoder(["QRCode"]).decode_fast(frame) == []
    assert [d.format for d in Decoder(["Code39"]).decode_fast(frame)] == ["Code39"]


def test_thorough_steps_read_what_the_fast_path_cannot() -> None:
    inverted = 255 - symbol("TKT-VALID-0001", "QRCode", 4)  # light-on-dark phone theme
    frame = frame_with(inverted, background=30)
    decoder = Decoder()
    assert decoder.decode_fast(frame) == []
    assert [d.text for d in decoder.decode_live(frame, budget_s=0.5)] == ["TKT-VALID-0001"]
    assert decoder.decode_live(frame, budget_s=0) == []  # no time left: fast path only


def test_rotated_linear_code_needs_the_thorough_path() -> None:
    upright = symbol("TKT-VALID-0001", "Code128", 3)
    frame = frame_with(np.ascontiguousarray(np.rot90(upright)), x=500, y=40)
    decoder = Decoder()
    assert decoder.decode_fast(frame) == []
    assert [d.text for d in decoder.decode_live(frame, budget_s=0.5)] == ["TKT-VALID-0001"]


def test_region_of_interest_follows_the_code_and_falls_back_to_the_frame() -> None:
    code = symbol("TKT-VALID-0001", "QRCode", 4)
    decoder = Decoder()
    (first,) = decoder.decode_fast(frame_with(code, x=200, y=150), now=10.0)
    assert decoder._roi((720, 1280), 10.1) is not None
    (moved,) = decoder.decode_fast(frame_with(code, x=230, y=170), now=10.1)
    assert moved.position[0][0] == pytest.approx(first.position[0][0] + 30, abs=3)
    (far,) = decoder.decode_fast(frame_with(code, x=1000, y=500), now=10.2)  # outside the ROI
    assert far.position[0][0] > 1000
    assert decoder._roi((720, 1280), 20.0) is None  # forgotten after a while


def test_looks_like_code_tells_codes_from_blank_and_smooth_frames() -> None:
    assert looks_like_code(frame_with(symbol("TKT-VALID-0001", "QRCode", 4)))
    assert looks_like_code(frame_with(symbol("TKT-VALID-0001", "Code128", 2)))
    assert not looks_like_code(np.full((720, 1280), 128, np.uint8))
    ramp = np.tile(np.linspace(0, 255, 1280, dtype=np.uint8), (720, 1))
    assert not looks_like_code(ramp)


def test_to_grey_accepts_bgr_bgra_and_grey() -> None:
    grey = np.full((10, 12), 7, np.uint8)
    assert to_grey(grey) is grey
    assert to_grey(as_bgr(grey)).shape == (10, 12)
    assert to_grey(np.zeros((10, 12, 4), np.uint8)).shape == (10, 12)


def test_missing_libzbar_is_said_once_and_zxing_reads_alone(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_zbar(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("pyzbar"):
            raise ImportError("Unable to find zbar shared library")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_zbar)
    load_pyzbar.cache_clear()
    monkeypatch.setattr(readers, "_warn_once", functools.cache(readers._warn_once.__wrapped__))
    with caplog.at_level(logging.WARNING, logger="kiosk.capture.readers"):
        first, second = Decoder(), Decoder()
    assert first.zbar is None and second.zbar is None
    warnings = [r for r in caplog.records if "libzbar" in r.getMessage()]
    assert len(warnings) == 1
    frame = as_bgr(frame_with(symbol("TKT-VALID-0001", "Aztec")))
    assert [d.text for d in first.decode_still(frame)] == ["TKT-VALID-0001"]


def test_zbar_reading_of_a_code_zxing_also_read_is_not_a_duplicate() -> None:
    frame = as_bgr(frame_with(symbol("5901234123457"[:-1], "EAN13")))
    decoder = Decoder()
    assert decoder.zbar is not None
    assert decoder.zbar.read(frame) and decoder.zxing.read(frame)  # both readers read it
    assert len(decoder.decode_still(frame)) == 1


def test_two_different_codes_in_one_image_are_both_reported() -> None:
    frame = frame_with(symbol("TKT-VALID-0001", "QRCode", 4), x=50, y=50)
    other = symbol("TKT-EVENT-0005", "DataMatrix", 4)
    frame[400 : 400 + other.shape[0], 700 : 700 + other.shape[1]] = other
    found = Decoder().decode_still(as_bgr(frame))
    assert sorted(d.text for d in found) == ["TKT-EVENT-0005", "TKT-VALID-0001"]
    assert zxingcpp.read_barcodes(frame)  # sanity: the image is real


def test_tilted_linear_code_is_turned_upright_and_mapped_back() -> None:
    from kiosk.capture.damage import on_canvas

    card = on_canvas(symbol("TKT-VALID-0001", "Code128", 1), 3.0)
    h, w = card.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), 33, 0.8)
    tilted = cv2.warpAffine(card, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)
    assert zxingcpp.read_barcodes(tilted) == []  # the raw decoder gives up
    found = Decoder().decode_still(tilted)
    assert [d.text for d in found] == ["TKT-VALID-0001"]
    cx, cy = found[0].center
    assert abs(cx - w / 2) < w / 6 and abs(cy - h / 2) < h / 4  # corners in this image


def test_merge_keeps_the_longer_reading_of_one_itf_symbol() -> None:
    from kiosk.capture.merging import merge

    quad = ((0.0, 0.0), (100.0, 0.0), (100.0, 1.0), (0.0, 1.0))
    part = Detection("371062", "ITF", quad, b"371062")
    whole = Detection(
        "3710628487", "ITF", ((-5.0, 0.0), (110.0, 2.0), (110.0, 3.0), (-5.0, 2.0)), b"3710628487"
    )
    elsewhere = Detection(
        "371062", "ITF", ((500.0, 500.0), (600.0, 500.0), (600.0, 501.0), (500.0, 501.0)), b"371062"
    )
    found: list[Detection] = []
    merge(found, [part, whole, elsewhere])
    assert [d.text for d in found] == ["3710628487", "371062"]
