"""Entry point of the bundled ``kiosk`` executable: the same command line as ``kiosk``."""

from kiosk.cli import main

raise SystemExit(main())
