"""Screenshots of the real kiosk windows, taken from a real X server (not rendered offscreen).

    .venv/bin/python bench/grab_x11_screens.py [--out docs/screens]

Starts Xvfb (with openbox, and with no window manager: a bare ``xinit`` kiosk session),
runs ``kiosk demo`` and ``kiosk run`` as real processes against the embedded demo server,
types a scan with xdotool like a USB scanner, and saves what the X server shows. It prints
each window's geometry against the screen's, the check the offscreen renders cannot make.
Needs xvfb, xdotool, openbox and x11-utils (``packaging/dev.sh`` installs them as root).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.paths import resolve_paths
from kiosk.provisioning import provision
from kiosk.settings import Settings, save_settings
from tests.desktop.xsession import XSession, scanner_burst, start_kiosk

TITLE = "Tiketo kiosk"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screens"))
    args = parser.parse_args()
    shots = [  # (file name, window manager, screen size, kiosk command, code to scan)
        ("x11-demo-openbox-1280x800.png", "openbox", (1280, 800), ["demo"], ""),
        ("x11-demo-no-wm-1280x800.png", None, (1280, 800), ["demo"], ""),
        ("x11-run-fullscreen-no-wm-1280x800.png", None, (1280, 800), ["run"], "TKT-EVENT-0005"),
        ("x11-run-windowed-no-wm-800x480.png", None, (800, 480), ["run", "--windowed"], ""),
    ]
    print(f"{'screenshot':<42} {'screen':>9} {'window':>20}")
    with DemoServer() as server, tempfile.TemporaryDirectory() as scratch:
        for index, (name, wm, size, command, code) in enumerate(shots):
            data_dir = Path(scratch) / f"kiosk-{index}"
            paths = resolve_paths(data_dir).ensure()
            provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "door-3")
            settings = Settings().with_changes(
                camera={"device": "0"},  # none here: the scanning screen says so
                screen={"verdict_seconds": 3.0},
            )
            save_settings(paths.settings_file, settings)
            with XSession(wm=wm, size=size) as session:
                kiosk = start_kiosk(session, data_dir, command)
                try:
                    window = session.find_window(TITLE)
                    time.sleep(4)  # the camera connects, the status bar fills in
                    if code:  # typed like a USB scanner
                        session.xdotool(*scanner_burst(code))
                        time.sleep(0.8)
                    x, y, width, height = session.geometry(window)
                    session.screenshot(args.out / name)
                finally:
                    kiosk.stop()
            print(f"{name:<42} {size[0]:>4}x{size[1]:<4} {width:>4}x{height:<4} at {x},{y}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
