"""The kiosk's window on a real X server, with openbox and with no window manager at all
(a bare ``xinit`` session, common on kiosk PCs): full-screen covers the screen, a window
opens at a usable size, and it takes the keyboard by itself."""

from __future__ import annotations

from collections.abc import Callable

from tests.desktop.xsession import SCREEN, Kiosk, XSession, needs_x, wait_for

pytestmark = needs_x

TITLE = "Tiketo kiosk"


def settled_geometry(
    session: XSession, kiosk: Kiosk, good: Callable[[tuple[int, int, int, int]], bool]
) -> tuple[int, ...]:
    """The window's geometry once ``good`` holds (window managers take a moment)."""
    window = session.find_window(TITLE)
    try:
        wait_for(lambda: good(session.geometry(window)), 20, "the window's final geometry")
    except AssertionError:
        pass  # the assertion below shows the geometry it has
    wait_for(lambda: session.focused() == window, 15, "the kiosk to take the keyboard")
    return session.geometry(window)


def test_run_is_full_screen(session: XSession, launch: Callable[..., Kiosk]) -> None:
    kiosk = launch(session)
    full = (0, 0, *SCREEN)
    assert settled_geometry(session, kiosk, lambda g: g == full) == full


def test_run_windowed_opens_at_a_usable_size(
    session: XSession, launch: Callable[..., Kiosk]
) -> None:
    kiosk = launch(session, "--windowed")
    x, y, width, height = settled_geometry(session, kiosk, lambda g: g[2] >= 1024)
    assert width >= 1024 and height >= 600
    assert x >= 0 and y >= 0 and x + width <= SCREEN[0] and y + height <= SCREEN[1]


def test_demo_opens_at_a_usable_size(session: XSession, launch: Callable[..., Kiosk]) -> None:
    kiosk = launch(session, command="demo")
    _, _, width, height = settled_geometry(session, kiosk, lambda g: g[2] >= 1024)
    assert width >= 1024 and height >= 600
    kiosk.wait_codes(1, "camera", timeout=60)  # and it shows verdicts


def test_windowed_on_a_small_screen_fits_the_screen(launch: Callable[..., Kiosk]) -> None:
    with XSession(wm=None, size=(800, 480)) as small:
        kiosk = launch(small, "--windowed")
        geometry = settled_geometry(small, kiosk, lambda g: g[2] == 800)
        kiosk.stop()
    assert geometry == (0, 0, 800, 480)
