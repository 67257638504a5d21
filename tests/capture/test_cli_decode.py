"""kiosk decode as a real process on real image files."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kiosk.capture.damage import damaged, glare
from kiosk.capture.images import ImageError, load_image
from tests.capture.conftest import as_bgr, frame_with, symbol


def write(path: Path, image: np.ndarray) -> str:
    assert cv2.imwrite(str(path), image)
    return str(path)


def test_one_json_line_per_image_with_text_format_and_position(
    tmp_path: Path, run_cli: Any
) -> None:
    rng = np.random.default_rng(3)
    qr = write(tmp_path / "qr.png", as_bgr(frame_with(symbol("TKT-VALID-0001", "QRCode", 4))))
    aztec = write(
        tmp_path / "aztec photo.jpg",
        damaged(symbol("TKT-EVENT-0005", "Aztec", 1), "perspective", rng),
    )
    binary = write(tmp_path / "binary.png", frame_with(symbol(b"\x00\xffdata", "QRCode", 4)))
    blank = write(tmp_path / "blank.png", np.full((200, 300, 3), 255, np.uint8))
    missing = str(tmp_path / "missing.png")
    (tmp_path / "notes.txt").write_text("not an image")
    result = run_cli(
        "decode", "--json", qr, aztec, binary, blank, missing, str(tmp_path / "notes.txt")
    )
    assert result.returncode == 1, result.stderr  # two files could not be read
    lines = result.json_lines()
    assert [line["path"] for line in lines] == [
        qr,
        aztec,
        binary,
        blank,
        missing,
        str(tmp_path / "notes.txt"),
    ]
    (code,) = lines[0]["codes"]
    assert code["text"] == "TKT-VALID-0001" and code["format"] == "QRCode"
    assert len(code["position"]) == 4 and code["position"][0] == [116.0, 96.0]
    assert [c["text"] for c in lines[1]["codes"]] == ["TKT-EVENT-0005"]
    (raw,) = lines[2]["codes"]
    assert raw["binary"] and base64.b64decode(raw["base64"]) == b"\x00\xffdata"
    assert lines[3] == {"path": blank, "codes": []}
    assert lines[4]["codes"] == [] and "no such file" in lines[4]["error"]
    assert "not an image" in lines[5]["error"]


def test_plain_output_and_format_filter(tmp_path: Path, run_cli: Any) -> None:
    image = frame_with(symbol("TKT-VALID-0001", "QRCode", 4), x=50, y=50)
    ean = symbol("590123412345", "EAN13", 3)
    image[400 : 400 + ean.shape[0], 600 : 600 + ean.shape[1]] = ean
    path = write(tmp_path / "two.png", image)
    result = run_cli("decode", path)
    assert result.returncode == 0
    assert "QRCode 'TKT-VALID-0001'" in result.stdout and "EAN13 '5901234123457'" in result.stdout
    only = run_cli("decode", "--formats", "EAN13", path)
    assert "QRCode" not in only.stdout and "5901234123457" in only.stdout
    assert run_cli("decode", "--formats", "Nonsense", path).returncode == 2


def test_transparent_png_is_read_on_white(tmp_path: Path) -> None:
    code = symbol("TKT-VALID-0001", "QRCode", 4)
    rgba = np.zeros((*code.shape, 4), np.uint8)
    rgba[:, :, 3] = 255 - code  # black modules opaque, the rest transparent
    path = tmp_path / "t.png"
    cv2.imwrite(str(path), rgba)
    image = load_image(path)
    assert image[0, 0].tolist() == [255, 255, 255]
    assert image[17, 17].tolist() == [0, 0, 0]  # the finder pattern's corner module
    assert np.array_equal(image[:, :, 0], code)


def test_empty_and_folder_paths_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.png").write_bytes(b"")
    for path, words in ((tmp_path / "empty.png", "empty"), (tmp_path, "folder")):
        try:
            load_image(path)
        except ImageError as exc:
            assert words in str(exc)
        else:
            raise AssertionError("no error")


def test_glare_damage_is_deterministic_per_seed() -> None:
    image = as_bgr(frame_with(symbol("X", "QRCode", 2), width=200, height=200, x=10, y=10))
    a = glare(image, np.random.default_rng(1))
    b = glare(image, np.random.default_rng(1))
    assert np.array_equal(a, b) and not np.array_equal(a, image)
