"""The kiosk screen (PySide6)."""
