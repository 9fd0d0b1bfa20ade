"""`demo --smoke N`: run offscreen, press Enter once the way a person would, print one summary line.

"The way a person would": the key goes to the window that has keyboard focus,
through Qt's shortcut map (QTest on the focused widget), with the focus left
deliberately in another pane than the queue, as it is after a click on a
camera. Posting the key to the queue's table would skip focus and shortcuts.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path


async def run_smoke(seconds: float, replica, controller, window, session, errors, shot: str | None = None) -> int:
    """Run until the first alert (at most N seconds), press Enter on the queue once, print one summary line.

    On a desk the key must dispatch and the hub confirm it. On a read-only
    console (wall token, --wall, a drill under review) the same key must send
    nothing at all: that is what "all went through" means there.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    pressed = False
    key_to = "-"
    incident: str | None = None
    made: list = []  # the handles of the commands the key press made
    controller.on_command.append(made.append)
    while loop.time() < deadline and not pressed:
        await asyncio.sleep(0.2)
        if not pressed and session.live.is_set() and window.alerts is not None:
            window.refresh_now()
            queue = window.alerts
            if queue.model.rowCount() > 0:
                if window.selection.incident is None:
                    queue.select_row(0)  # a click on the first row
                incident = window.selection.incident
                window.activateWindow()  # window shortcuts fire only in the active window
                for _ in range(50):
                    if QApplication.activeWindow() is window:
                        break
                    await asyncio.sleep(0.05)
                target = focus_elsewhere(window)
                key_to = type(target).__name__
                QTest.keyClick(target, Qt.Key.Key_Return)
                pressed = True
    controller.on_command.remove(made.append)
    window.desk.tick()
    sent = next((h for h in made if not h.refused_here), None)
    if sent is not None:  # give the command its answer
        try:
            await asyncio.wait_for(asyncio.shield(sent.wait()), 5)
        except asyncio.TimeoutError:
            pass
    window.refresh_now()
    if shot:
        Path(shot).parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(shot)
    state = replica.state
    read_only = not controller.can("cmd.dispatch")
    tasks = [state.tasks[t] for t in controller.tasks_made(sent)] if sent is not None else []
    problems = sum(v for k, v in replica.counters.items()
                   if k in ("malformed", "unknown_type", "apply_errors", "bad_frames")) + errors.count
    if read_only:
        went_through = pressed and sent is None
        dispatch = "blocked (read-only)" if went_through else ("sent!" if sent else "no alert")
    else:
        went_through = pressed and sent is not None and sent.ok and bool(tasks)
        dispatch = tasks[0].status if tasks else ("refused" if pressed else "no alert")
    ok = went_through and problems == 0 and replica.counters["events"] > 0
    print(f"smoke: {'OK' if ok else 'FAILED'} mode={replica.link.mode} role={replica.link.role} "
          f"events={replica.counters['events']} alerts={len(state.alerts)} dispatches={len(state.tasks)} "
          f"incident={incident} dispatch={dispatch} key_to={key_to} errors={problems} "
          f"link={replica.link.state} at={time.strftime('%H:%M:%S')}", flush=True)
    return 0 if ok else 1


def focus_elsewhere(window):
    """Put keyboard focus in a pane other than the queue (the camera wall if there is one); returns the focus widget.

    The window is activated first: window shortcuts fire only in the active window.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QWidget

    window.activateWindow()
    candidates = [window.camera_wall, window.panes.get("map"), window.incident_pane]
    for pane in candidates:
        if pane is None:
            continue
        focusable = [w for w in [pane, *pane.findChildren(QWidget)]
                     if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isVisible() and w.isEnabled()]
        if focusable:
            focusable[0].setFocus(Qt.FocusReason.MouseFocusReason)
            break
    return QApplication.focusWidget() or window
