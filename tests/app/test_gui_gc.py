"""Cyclic garbage holding Qt objects is collected on the GUI thread, never on a worker's
(console/app/gui_gc.py): a worker that allocates past every threshold destroys nothing."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QObject, Qt

from console.app import gui_gc

pytestmark = pytest.mark.ui


def _qt_garbage(died_on: list[str]) -> None:
    """A Python-owned QObject in a reference cycle (as a closed window leaves pyqtgraph's menus)."""
    obj = QObject()
    obj.destroyed.connect(lambda *_: died_on.append(threading.current_thread().name),
                          Qt.ConnectionType.DirectConnection)
    holder = {"obj": obj}
    holder["self"] = holder


def _allocate_past_every_threshold() -> None:
    t0, t1, t2 = gc.get_threshold()
    for _ in range(t0 * t1 * t2 * 2):
        cycle: list = []
        cycle.append(cycle)


def test_a_worker_allocating_collects_nothing_and_the_gui_thread_collects_it(qapp):
    collector = gui_gc.collect_on_gui_thread()
    assert gui_gc.collect_on_gui_thread() is collector, "one per application"
    assert not gc.isenabled()
    died_on: list[str] = []
    _qt_garbage(died_on)
    worker = threading.Thread(target=_allocate_past_every_threshold, name="reader-like")
    worker.start()
    worker.join()
    assert died_on == [], "a worker thread collected a Qt object"
    gui_gc.collect_due()  # what the GUI thread's timer runs
    assert died_on == [threading.current_thread().name]


def test_the_timer_collects_what_is_due(qtbot, qapp):
    gui_gc.collect_on_gui_thread()
    died_on: list[str] = []
    _qt_garbage(died_on)
    _allocate_past_every_threshold()  # on this thread, with collection off: nothing collected yet
    assert died_on == []
    qtbot.waitUntil(lambda: died_on != [], timeout=5000)
    assert died_on == [threading.current_thread().name]
