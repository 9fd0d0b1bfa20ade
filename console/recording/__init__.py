"""Drill files: the format, the recorder, the reader, the review player and the after-action report."""
