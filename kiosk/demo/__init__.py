"""The embedded Tiketo server used by ``kiosk demo`` and by the tests."""

from kiosk.demo.faults import Fault
from kiosk.demo.server import DemoServer
from kiosk.demo.state import DEMO_WORKSPACE_NAME, DEMO_WORKSPACE_TOKEN, DemoState

__all__ = ["DEMO_WORKSPACE_NAME", "DEMO_WORKSPACE_TOKEN", "DemoServer", "DemoState", "Fault"]
