"""Door-scanning kiosk for Tiketo wallet passes."""

__version__ = "0.1.0"
