"""Screenshots a test takes only when asked (an environment variable names the folder): the
screen as the commander sees it at a step of a scripted shift or drill, for a closing note."""

from __future__ import annotations

from pathlib import Path


def grab_screen(window, folder: str | None, name: str) -> None:
    """Save the whole screen as `folder/name.png` after the window's next paint; nothing without a folder."""
    if not folder:
        return
    from PySide6.QtWidgets import QApplication

    window.refresh_now()
    QApplication.processEvents()
    Path(folder).mkdir(parents=True, exist_ok=True)
    QApplication.primaryScreen().grabWindow(0).save(str(Path(folder) / f"{name}.png"))
