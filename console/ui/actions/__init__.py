"""The console's side of the command table: one row per command (key, button, question, undo)."""
