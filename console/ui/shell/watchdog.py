"""GUI responsiveness watchdog: how long the GUI thread was blocked.

A QTimer asks to fire every `interval_ms`; when the thread was busy, it fires
late, and the lateness is the stall. The status bar shows the worst stall of
the last few seconds; benchmarks read the whole record.
"""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QObject, Qt, QTimer


class GuiWatchdog(QObject):
    """Measures event-loop stalls on the GUI thread."""

    def __init__(self, interval_ms: int = 20, window_s: float = 5.0, parent: QObject | None = None):
        super().__init__(parent)
        self.interval_s = interval_ms / 1000.0
        self.window_s = window_s
        self.samples: deque[tuple[float, float]] = deque(maxlen=4096)
        self.worst_ms = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timeout)
        self._timer.start()

    def _on_timeout(self) -> None:
        now = time.perf_counter()
        stall_ms = max(0.0, (now - self._last - self.interval_s) * 1000.0)
        self._last = now
        self.samples.append((now, stall_ms))
        self.worst_ms = max(self.worst_ms, stall_ms)

    def recent_worst_ms(self) -> float:
        """The worst stall in the last `window_s` seconds (the status bar figure)."""
        cutoff = time.perf_counter() - self.window_s
        return max((s for t, s in self.samples if t >= cutoff), default=0.0)

    def reset(self) -> None:
        self.samples.clear()
        self.worst_ms = 0.0
        self._last = time.perf_counter()

    def stop(self) -> None:
        self._timer.stop()
