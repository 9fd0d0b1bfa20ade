"""The GUI's asyncio loop (console/app/gui_loop.py): qasync's, with a readable socket read in its notifier's pass."""

from __future__ import annotations

import socket

import pytest
import qasync

from console.app.gui_loop import GuiLoop, new_gui_loop

pytestmark = [pytest.mark.ui, pytest.mark.timeout(30)]


def test_the_override_names_a_method_qasync_has():
    # qasync's private name: were it renamed, GuiLoop would silently read a turn late again
    assert callable(getattr(qasync.QEventLoop, "_QEventLoop__on_notifier_ready", None))
    assert GuiLoop._QEventLoop__on_notifier_ready is not qasync.QEventLoop._QEventLoop__on_notifier_ready


def test_a_reader_runs_once_per_readable_socket_and_its_error_goes_to_the_loops_handler():
    loop = new_gui_loop()
    a, b = socket.socketpair()
    a.setblocking(False)
    got: list[bytes] = []
    errors: list[str] = []
    loop.set_exception_handler(lambda _loop, ctx: errors.append(str(ctx.get("exception"))))

    def read() -> None:
        data = a.recv(100)
        got.append(data)
        if data == b"boom":
            raise RuntimeError("a broken reader")
        if len(got) == 3:
            loop.stop()

    try:
        loop.add_reader(a.fileno(), read)
        loop.call_soon(b.send, b"one")
        loop.call_later(0.05, b.send, b"boom")
        loop.call_later(0.1, b.send, b"three")
        loop.call_later(10, loop.stop)  # the test's own bound: it fails below, never hangs
        loop.run_forever()
        loop.remove_reader(a.fileno())
    finally:
        a.close()
        b.close()
        loop.close()
    assert got == [b"one", b"boom", b"three"], "each write read once, and the reader kept after its error"
    assert errors == ["a broken reader"]
