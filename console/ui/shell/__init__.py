"""The window around the panes: main window, status bar, wall mode, GUI watchdog, shared selection."""
