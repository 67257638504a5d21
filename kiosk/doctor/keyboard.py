"""Keyboard-layout check: a USB scanner types key positions, not characters.

A "keyboard wedge" scanner sends the key codes a US keyboard would need for each character;
the X server turns them into characters with the *active* layout. On a German layout the
same scan of ``TKT-0001/Y`` arrives as ``TKTß0001-Z``, and the pass is "unknown". The fix
is on either side: program the scanner for the PC's layout (every scanner manual has the
country barcodes), or give the kiosk session a US layout. ``setxkbmap -query`` (Debian
package x11-xkb-utils) reads the layout the X server uses.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping

from kiosk.doctor.model import CheckResult, ok, warn

NAME = "keyboard"
SCANNER_ADVICE = (
    "Set the scanner's keyboard country to match (scan the layout barcode in "
    "its manual), or give the kiosk session a US layout: setxkbmap us."
)


def parse_query(output: str) -> tuple[list[str], list[str]]:
    """``setxkbmap -query`` output -> (layouts, variants), one entry per layout group."""
    fields: dict[str, str] = {}
    for line in output.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    layouts = [part.strip() for part in fields.get("layout", "").split(",")]
    variants = [part.strip() for part in fields.get("variant", "").split(",")]
    return [layout for layout in layouts if layout], variants


def us_compatible(layout: str, variant: str) -> bool:
    """Only the plain US layout types every printable ASCII character a scanner sends as it
    is: the international variants turn quotes and ^ ~ ` into dead keys."""
    return layout == "us" and variant in ("", "basic", "euro")


def layout_check(env: Mapping[str, str], timeout: float = 10.0) -> CheckResult:
    if env.get("QT_QPA_PLATFORM", "xcb") != "xcb" or not env.get("DISPLAY"):
        return ok(
            NAME,
            "Not checked: no X display (the layout matters only to USB scanners "
            "on the kiosk's own desktop).",
        )
    tool = shutil.which("setxkbmap", path=env.get("PATH"))
    if tool is None:
        return warn(
            NAME,
            "The keyboard layout cannot be read (setxkbmap is not installed).",
            "Install it (sudo apt-get install x11-xkb-utils) and run doctor again.",
        )
    try:
        proc = subprocess.run(
            [tool, "-query"], env=dict(env), capture_output=True, text=True, timeout=timeout
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return warn(NAME, f"The keyboard layout cannot be read ({exc}).", SCANNER_ADVICE)
    layouts, variants = parse_query(proc.stdout)
    if proc.returncode != 0 or not layouts:
        reason = (proc.stderr.strip().splitlines() or ["no layout reported"])[-1][:160]
        return warn(NAME, f"The keyboard layout cannot be read ({reason}).", SCANNER_ADVICE)
    first_variant = variants[0] if variants else ""
    shown = layouts[0] + (f" ({first_variant})" if first_variant else "")
    if us_compatible(layouts[0], first_variant):
        return ok(NAME, f"Keyboard layout {shown}: USB scanners set to US type correctly.")
    return warn(
        NAME,
        f"The keyboard layout is {shown}, not US: a USB scanner set to a US "
        f"keyboard will type some characters wrong.",
        SCANNER_ADVICE,
    )
