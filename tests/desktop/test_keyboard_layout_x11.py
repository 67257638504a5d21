"""kiosk doctor's keyboard-layout check against a real X server's layout (setxkbmap)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.doctor.keyboard import layout_check, parse_query, us_compatible
from kiosk.doctor.model import Status
from tests.desktop.xsession import XSession, needs_x


def test_parse_query_and_what_counts_as_us() -> None:
    layouts, variants = parse_query(
        "rules:      evdev\nmodel:      pc105\nlayout:     de,us\nvariant:    nodeadkeys,\n"
    )
    assert layouts == ["de", "us"] and variants == ["nodeadkeys", ""]
    assert us_compatible("us", "") and not us_compatible("us", "intl")
    assert not us_compatible("gb", "")


def test_no_x_display_is_not_checked() -> None:
    assert layout_check({"PATH": "/usr/bin"}).status is Status.OK


@needs_x
@pytest.mark.skipif(
    shutil.which("setxkbmap") is None,
    reason="needs setxkbmap (x11-xkb-utils, installed by packaging/dev.sh as root)",
)
def test_the_real_servers_us_layout_is_ok(bare_session: XSession) -> None:
    """Xvfb starts with the US layout. (Switching it with ``setxkbmap de`` is accepted but
    not applied by Xvfb here, so the non-US case is covered by parse_query above.)"""
    result = layout_check(bare_session.env)
    assert result.status is Status.OK and "us" in result.detail


def test_missing_setxkbmap_is_a_warning_naming_the_package(tmp_path: Path) -> None:
    result = layout_check({"DISPLAY": ":0", "PATH": str(tmp_path)})
    assert result.status is Status.WARN and "x11-xkb-utils" in result.advice


def test_a_german_layout_is_a_warning_that_says_what_to_set(tmp_path: Path) -> None:
    """setxkbmap as a German desktop answers it (Xvfb here does not apply ``setxkbmap de``,
    so this is the one stand-in: a script printing that answer)."""
    tool = tmp_path / "setxkbmap"
    tool.write_text(
        "#!/bin/sh\nprintf 'rules:      evdev\\nmodel:      pc105\\n"
        "layout:     de\\nvariant:    nodeadkeys\\n'\n"
    )
    tool.chmod(0o755)
    result = layout_check({"DISPLAY": ":0", "PATH": str(tmp_path)})
    assert result.status is Status.WARN and "de (nodeadkeys)" in result.detail
    assert "scanner" in result.advice and "setxkbmap us" in result.advice
