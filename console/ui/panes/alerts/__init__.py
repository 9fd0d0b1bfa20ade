"""The alerts pane."""
