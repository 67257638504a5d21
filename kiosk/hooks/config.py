"""The door hook's configuration: which commands and URLs may receive verdicts.

Checked where the settings are read (a bad value is reported and left off), by ``kiosk
doctor`` and again when the hook is built, so a hook that cannot work never starts.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import shutil
from urllib.parse import urlsplit


class DoorHookConfigError(ValueError):
    """The hook's command or URL cannot be used; the message says why in one sentence."""


def split_command(command: str) -> list[str] | str:
    """argv for Popen. No shell: the verdict arrives on stdin, never in the command line.

    On Windows the string goes to CreateProcess as it is (its own quoting rules apply).
    """
    if os.name == "nt":
        return command
    return shlex.split(command)


def check_hook_command(command: str, *, need_program: bool = True) -> str | None:
    """Why ``command`` cannot run as a hook, or None when it can."""
    if not command.strip():
        return None
    try:
        argv = shlex.split(command, posix=os.name != "nt")
    except ValueError as exc:
        return f"cannot be split into a program and its arguments ({exc})"
    if not argv:
        return "is empty"
    program = argv[0].strip('"')
    if need_program and shutil.which(program) is None and not os.path.isfile(program):
        return f"names a program that was not found: {program}"
    return None


def check_hook_url(url: str) -> str | None:
    """Why ``url`` may not receive verdicts, or None when it may.

    Verdicts carry pass holders' names, so plain http is allowed only inside the venue's
    network (this machine, private addresses, ``.local`` and single-label host names).
    """
    if not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// address"
    if parts.scheme == "http" and not is_local_host(parts.hostname):
        return "must use https:// unless the device is on the venue's own network"
    return None


def is_local_host(host: str) -> bool:
    """This machine, a private or link-local address, or a LAN name: the venue's own network."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # a name: this machine, mDNS/LAN suffixes, or a single-label LAN name
        return (
            host == "localhost"
            or host.endswith((".local", ".lan", ".localdomain"))
            or "." not in host
        )
    return address.is_private or address.is_loopback or address.is_link_local
