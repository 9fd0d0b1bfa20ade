"""Duty commander's console: hub, replicated domain state and a PySide6 console."""

__version__ = "0.1.0"
