"""The installed PySide6 must not lose references on signal emits (6.12.0 does; see pyproject)."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    sig_ping = Signal()
    """Emitted by the test."""


def test_emit_keeps_refcount_of_true(qapp):
    # 6.12.0 returns a borrowed True from emit(): each call drops one reference, and the
    # console aborts with "bool_dealloc" after a few hundred emits under load.
    e = _Emitter()
    before = sys.getrefcount(True)
    for _ in range(200):
        e.sig_ping.emit()
    assert sys.getrefcount(True) - before > -50
