"""Dockable panes, one folder each: widget, model, tests."""
