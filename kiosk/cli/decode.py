"""kiosk decode: read barcodes from still images with the thorough path."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.capture.decoder import Decoder
from kiosk.capture.formats import KNOWN_FORMATS
from kiosk.capture.images import ImageError, load_image
from kiosk.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_json_flag,
    fail,
    print_json,
    run_guarded,
    say,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "decode",
        help="read the barcodes in image files (photos, screenshots)",
        description="Reads every barcode in each image with the kiosk's thorough path "
        "(zxing-cpp, then pyzbar, then rotated/inverted/rescaled/cleaned-up copies). "
        "Prints one line per image. Exit status 1 when an image could not be read.",
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="image files")
    parser.add_argument(
        "--formats",
        metavar="LIST",
        help="comma-separated formats to read (default: every format), "
        f"from {', '.join(KNOWN_FORMATS)}",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=3.0,
        metavar="SECONDS",
        help="time per image for the extra attempts (default 3)",
    )
    add_json_flag(parser)
    parser.set_defaults(handler=run_guarded(_run))


def _run(args: argparse.Namespace) -> int:
    formats = None
    if args.formats:
        formats = [f.strip() for f in args.formats.split(",") if f.strip()]
        unknown = [f for f in formats if f not in KNOWN_FORMATS]
        if unknown:
            return fail(
                f"unknown format {', '.join(unknown)}; known: {', '.join(KNOWN_FORMATS)}",
                EXIT_USAGE,
            )
    decoder = Decoder(formats, still_budget_s=args.budget)
    status = EXIT_OK
    for path in args.images:
        line: dict[str, Any] = {"path": path, "codes": []}
        try:
            image = load_image(path)
        except ImageError as exc:
            line["error"] = str(exc)
            status = EXIT_FAILED
        else:
            line["codes"] = [d.as_json() for d in decoder.decode_still(image, formats=formats)]
        if args.json:
            print_json(line)
        else:
            say(_human(line))
    return status


def _human(line: dict[str, Any]) -> str:
    if "error" in line:
        return f"{line['path']}: cannot read: {line['error']}"
    if not line["codes"]:
        return f"{line['path']}: no barcode found"
    parts = []
    for code in line["codes"]:
        text = code["text"] if not code.get("binary") else f"base64:{code['base64']}"
        parts.append(f"{code['format']} {text!r}")
    return f"{line['path']}: " + "; ".join(parts)
