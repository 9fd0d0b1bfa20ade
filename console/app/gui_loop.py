"""The GUI's asyncio loop: qasync's, with socket reads taken in the turn Qt reports them.

qasync runs asyncio on Qt's event loop: every `call_soon` is a Qt zero-timer, and a socket
found readable is not read in the turn its notifier fires but in the next one (qasync hands
the read to `call_soon`). Each turn is a chance for a pane's paint or a tick step (10-35 ms
under a flood) to run first, so a frame from the hub waited behind up to three of them before
the session had it (P2's "wire" stage in bench/PERF.md). Here the read runs in the notifier's
own turn, exactly as asyncio's selector loop runs a ready reader in the turn `select` returns it;
the notifier stays disabled while the callback runs, as in qasync.
"""

from __future__ import annotations

import asyncio
import sys

import qasync


class GuiLoop(qasync.QEventLoop):
    """qasync's QEventLoop whose socket readers and writers run in the notifier's turn."""

    def _QEventLoop__on_notifier_ready(self, notifiers, notifier, fd, callback, args):  # noqa: N802 - qasync's name
        if notifiers.get(fd) is not notifier:
            notifier.setEnabled(False)  # a stale notifier: qasync warns and disables it too
            return
        notifier.setEnabled(False)
        try:
            # A Handle runs it as a call_soon would (exceptions go to the loop's handler, context kept).
            asyncio.Handle(callback, args, self)._run()
        finally:
            if notifiers.get(fd) is notifier:  # the callback may have removed or replaced its reader
                notifier.setEnabled(True)


def new_gui_loop() -> GuiLoop:
    """A GuiLoop on the running QApplication (made if there is none)."""
    from PySide6.QtWidgets import QApplication

    return GuiLoop(QApplication.instance() or QApplication(sys.argv[:1]))


def run(coro):
    """`asyncio.run(coro)` on a GuiLoop (qasync.run, with this loop)."""
    with asyncio.Runner(loop_factory=new_gui_loop) as runner:
        return runner.run(coro)
