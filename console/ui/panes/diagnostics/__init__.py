"""The diagnostics pane."""
