"""kiosk run (and plain ``kiosk``): the kiosk screen, full-screen unless told otherwise."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.common import paths_from, run_guarded
from kiosk.cli.display import check_display


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="start the kiosk screen (the default without a command)",
        description="Shows the kiosk full-screen (screen.fullscreen). Not provisioned yet: "
        "the setup screen asks for the API URL and the workspace token.",
    )
    add_options(parser)
    parser.set_defaults(handler=run_guarded(run))


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--windowed",
        action="store_true",
        help="start in a window even when screen.fullscreen is on",
    )


def run(args: argparse.Namespace) -> int:
    from kiosk.settings import load_settings
    from kiosk.ui.main import run_kiosk

    check_display()
    paths = paths_from(args)
    loaded = load_settings(paths.settings_file)
    settings = loaded.settings
    if getattr(args, "windowed", False):
        settings = settings.with_changes(screen={"fullscreen": False})
    return run_kiosk(paths, settings=settings)
