"""Entry point of ``kiosk-screen.exe`` (Windows, no console window): starts the kiosk screen.

Task Scheduler and the Start menu run this one, so no black console sits behind the kiosk.
Arguments, when given, are passed on (``kiosk-screen.exe --data-dir D:\\kiosk run``).
"""

import sys

from kiosk.cli import main

raise SystemExit(main(sys.argv[1:] or ["run"]))
