"""`demo --smoke N`: run offscreen, press Enter once the way a person would, print one summary line."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path


async def run_smoke(seconds: float, replica, controller, window, session, errors, shot: str | None = None) -> int:
    """Run N seconds, press Enter on the queue once, print one summary line.

    On a desk the key must dispatch and the hub confirm it. On a read-only
    console (wall token, --wall, a drill under review) the same key must send
    nothing at all: that is what "all went through" means there.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    pressed = False
    incident: str | None = None
    made: list = []  # the handles of the commands the key press made
    controller.on_command.append(made.append)
    while loop.time() < deadline:
        await asyncio.sleep(0.2)
        if not pressed and session.live.is_set() and window.alerts is not None:
            window.refresh_now()
            queue = window.alerts
            if queue.model.rowCount() > 0:
                queue.select_row(0)
                incident = queue.current_incident()
                key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
                QApplication.sendEvent(queue.view, key)
                pressed = True
    controller.on_command.remove(made.append)
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
          f"incident={incident} dispatch={dispatch} errors={problems} "
          f"link={replica.link.state} at={time.strftime('%H:%M:%S')}", flush=True)
    return 0 if ok else 1
