"""Python's cyclic garbage is collected on the GUI thread, never on a worker's.

The automatic collector runs in whichever thread allocates when a generation's count
passes its threshold. In the console that is mostly a stream reader, a decode worker or
an evidence writer, which allocate all the time. A closed window (a test's console, the
window a language switch replaced) leaves Python-owned Qt objects in reference cycles:
pyqtgraph's menus (QWidgets), pixmaps, a QSettings. Collected on a reader's thread they
are destroyed there, and Qt dies (a widget or pixmap deleted off the GUI thread) now and
then: the suite crashed about one run in three around the live demo tests. So the
automatic collector is switched off and a timer on the GUI thread collects by the same
generation thresholds. pyqtgraph recommends the same for the same reason
(`pyqtgraph.util.garbage_collector`).

A full collection walks every tracked object, and most of them are the program itself:
modules, functions, classes, the built window (140,000 objects after a P2 run, 61 ms a
full collection: the GUI thread's longest stall under load). Once a console is built they
are frozen (`gc.freeze`): collections leave them alone, so a full one walks only what came
after (the domain state, bounded by the archive rule). Frozen objects are still freed by
reference counting; what a frozen cycle would keep is given back to the collector when a
console closes or a window is replaced (`thaw`), where the old window's cycles die.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QCoreApplication, QObject, QTimer

#: how often the GUI thread looks at the generation counts (ms)
INTERVAL_MS = 250
#: a full collection waits this many times its own last duration after it (≤ 2 % of the GUI thread)
FULL_SPACING = 50.0

_next_full = 0.0


def collect_due() -> int:
    """Collect the generations whose counts passed their thresholds, as the automatic collector
    would; a full collection no sooner than FULL_SPACING × the last one's duration. Returns the
    number of unreachable objects found (0 when nothing was due)."""
    global _next_full
    c0, c1, c2 = gc.get_count()
    t0, t1, t2 = gc.get_threshold()
    if c0 < t0:
        return 0
    if c1 < t1:
        return gc.collect(0)
    now = time.monotonic()
    if c2 < t2 or now < _next_full:
        return gc.collect(1)
    found = gc.collect(2)
    _next_full = time.monotonic() + FULL_SPACING * (time.monotonic() - now)
    return found


def freeze() -> None:
    """What exists now (the program, the built window) is left out of every later collection."""
    gc.freeze()


#: after a window is replaced, its cycles are collected and the rest frozen again this much later (ms)
REFREEZE_AFTER_MS = 2000


def collect_and_freeze() -> None:
    """One full collection (the replaced window's cycles), then freeze what is left."""
    gc.collect()
    gc.freeze()


def thaw() -> None:
    """Back under the collector: before a window or a console goes, so its cycles are collected."""
    gc.unfreeze()


class GuiThreadCollector(QObject):
    """Switches the automatic collector off and runs `collect_due` from a timer on the GUI thread."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        gc.disable()
        self._timer.start()

    def _tick(self) -> None:
        if gc.isenabled():  # something switched it back on: off again, a worker must not collect
            gc.disable()
        collect_due()


def collect_on_gui_thread() -> GuiThreadCollector:
    """The application's collector, made on first use (call it on the GUI thread, after QApplication)."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("collect_on_gui_thread needs a QApplication")
    found = app.findChild(GuiThreadCollector)
    # a child of the application: Qt owns it, so no collection can ever destroy it off the GUI thread
    return found if found is not None else GuiThreadCollector(app)
