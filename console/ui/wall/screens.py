"""Which monitor the wall goes on, remembered per workstation, and back there when it is plugged in again.

A desk and its wall on one machine: the wall takes the screen `--screen N` names, else the one it
was on last time (by the screen's name, kept in the console's settings on this machine, so the
index may change when monitors are re-plugged), else the first screen that is not the primary
(the desk's), else the primary. When the remembered monitor is unplugged, Qt moves the window
to another screen; when it comes back, the wall goes back to it, full screen.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication, QScreen

#: the settings keys of the wall's screen: its name, and its place in the list (two X screens of
#: one display may share a name: Xvfb's are both "screen")
SCREEN_KEY = "wall/screen"
INDEX_KEY = "wall/screen_index"


def choose_screen(settings, requested: int | None) -> QScreen | None:
    """The wall's screen (see the module); a screen named by `requested` is remembered."""
    screens = QGuiApplication.screens()
    if not screens:
        return None
    if requested is not None and 0 <= requested < len(screens):
        remember(settings, screens[requested])
        return screens[requested]
    saved = _saved(settings, screens)
    if saved is not None:
        return saved
    primary = QGuiApplication.primaryScreen()
    return next((s for s in screens if s is not primary), primary or screens[0])


def _saved(settings, screens: list[QScreen]) -> QScreen | None:
    """The remembered screen if it is connected: by name, by place where names repeat."""
    if settings is None:
        return None
    name = str(settings.value(SCREEN_KEY, "") or "")
    named = [s for s in screens if name and s.name() == name]
    if len(named) <= 1:
        return named[0] if named else None
    try:
        index = int(settings.value(INDEX_KEY, -1))
    except (TypeError, ValueError):
        index = -1
    return screens[index] if 0 <= index < len(screens) and screens[index] in named else named[0]


def remember(settings, screen: QScreen | None) -> None:
    """Keep the wall's screen for the next start on this workstation."""
    if settings is not None and screen is not None:
        settings.setValue(SCREEN_KEY, screen.name())
        settings.setValue(INDEX_KEY, QGuiApplication.screens().index(screen))
        settings.sync()


class ScreenKeeper(QObject):
    """Puts the wall back on its remembered screen when that monitor is plugged in again."""

    def __init__(self, window, settings, *, full_screen: bool = True):
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.full_screen = full_screen
        app = QGuiApplication.instance()
        if app is not None:
            app.screenAdded.connect(self.on_screen_added)

    def on_screen_added(self, screen: QScreen) -> None:
        """A monitor appeared: if it is the wall's, the wall goes back to it."""
        if _saved(self.settings, QGuiApplication.screens()) is screen:
            place(self.window, screen, self.full_screen)


def place(window, screen: QScreen, full_screen: bool = True) -> None:
    """The window on `screen`, covering it (full screen unless told otherwise)."""
    if full_screen and window.isFullScreen():
        window.showNormal()  # a full-screen window does not move between screens on every platform
    window.setScreen(screen)
    window.setGeometry(screen.geometry())
    if full_screen:
        window.showFullScreen()
