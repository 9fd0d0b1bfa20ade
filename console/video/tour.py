"""The camera tour (轮巡): the wall turns to its next page every few seconds.

Only the visible page decodes, so a tour is how 65 cameras are all seen on two cores.
The tour waits while a focus or solo tile is up: an alert is being looked at. No Qt:
the camera wall (console/ui/panes/cameras/) asks `due` on its UI tick and turns the page itself.
"""

from __future__ import annotations

import time

#: a tour turns the page this often by default (seconds)
TOUR_S = 10.0


class Tour:
    """A running tour's seconds per page (`seconds`, None: off) and when its next turn is due (monotonic)."""

    def __init__(self) -> None:
        self.seconds: float | None = None
        self.due_at = 0.0

    def set(self, seconds: float | None, now: float | None = None) -> None:
        """Turn every `seconds` from now (None or 0: stop)."""
        self.seconds = seconds if seconds and seconds > 0 else None
        self.due_at = (time.monotonic() if now is None else now) + (self.seconds or 0.0)

    def due(self, held: bool, now: float | None = None) -> bool:
        """Whether to turn the page now; `held` (a focus or solo tile, a single page) starts the wait again."""
        if self.seconds is None:
            return False
        now = time.monotonic() if now is None else now
        if held:
            self.due_at = now + self.seconds
            return False
        if now >= self.due_at:
            self.due_at = now + self.seconds
            return True
        return False
