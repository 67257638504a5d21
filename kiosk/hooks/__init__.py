"""Hooks to hardware beside the kiosk: the door opener / turnstile relay."""

from kiosk.hooks.door import DoorHook, DoorHookConfigError, check_hook_command, check_hook_url

__all__ = ["DoorHook", "DoorHookConfigError", "check_hook_command", "check_hook_url"]
