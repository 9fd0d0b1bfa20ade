"""The drill bar: play, pause, speed and a seekable timeline with alert markers (review mode)."""

from console.ui.panes.drillbar.widget import DrillBar, TimelineStrip

__all__ = ["DrillBar", "TimelineStrip"]
