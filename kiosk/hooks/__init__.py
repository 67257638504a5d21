"""Hooks to hardware beside the kiosk: the door opener / turnstile relay."""

from kiosk.hooks.config import DoorHookConfigError, check_hook_command, check_hook_url
from kiosk.hooks.door import DoorHook

__all__ = ["DoorHook", "DoorHookConfigError", "check_hook_command", "check_hook_url"]
