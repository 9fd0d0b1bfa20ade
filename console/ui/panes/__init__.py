"""Dockable panes, one folder each: the widget and, where it has one, its table model."""
