"""PyInstaller runtime hook: let pyzbar find the libzbar shipped inside the bundle.

pyzbar looks zbar up with ``ctypes.util.find_library("zbar")``, which on Linux and macOS
searches only the system's library folders; a venue PC without libzbar installed would then
lose the second decoder. This runs before any kiosk code and answers "zbar" with the bundled
copy when there is one (Windows needs nothing: pyzbar loads its DLLs from its own folder).
"""

import ctypes.util
import os
import sys

_system_find_library = ctypes.util.find_library
_BUNDLED_NAMES = ("libzbar.so.0", "libzbar.0.dylib", "libzbar.dylib")


def _find_library(name):
    if name == "zbar":
        for candidate in _BUNDLED_NAMES:
            path = os.path.join(sys._MEIPASS, candidate)
            if os.path.isfile(path):
                return path
    return _system_find_library(name)


ctypes.util.find_library = _find_library
