"""The console's plain-Python half: its replica of the hub state and the controller panes send through."""
