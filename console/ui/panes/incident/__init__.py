"""The incident pane."""
