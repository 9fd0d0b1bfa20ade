"""What the window says over the camera wall: a banner that hides itself, and the mode strip that never does.

- The banner: a critical alert, a refusal or a warning notice from the session, for
  BANNER_MS, echoed in the status bar. Several notices in one tick show the newest
  and how many more wait in Diagnostics.
- The mode strip: an exercise or a review is marked above the cameras (and in the
  title, which the window sets on `mode_changed`) in both languages, never hidden.
  On live duty it also says while a drill (演练) runs in the live queue.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QStatusBar, QWidget

from console.client.replica import Replica
from console.domain.model import FINAL_STATUSES
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang

#: a banner hides itself after this long (ms)
BANNER_MS = 8_000



class Banners(QObject):
    """The banner and the mode strip of one window (`banner`, `mode_strip` are its labels)."""

    def __init__(self, replica: Replica, status: Callable[[], QStatusBar], mode_changed: Callable[[str], None],
                 parent: QWidget):
        super().__init__(parent)
        self.replica = replica
        self.status = status
        self.mode_changed = mode_changed
        self.mode_strip = QLabel(parent)
        self.mode_strip.setObjectName("mode_strip")
        self.mode_strip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mode_strip.hide()
        self._mode_shown = ("live", 0)
        self._drills_seq, self._drills = -1, 0
        self.banner = QLabel(parent)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.banner.hide)
        #: made with the diagnostics pane's module (it counts from the first notice: none is missed)
        self._notices = None

    def show_banner(self, text: str, level: str = "warning") -> None:
        """A non-modal banner over the camera wall that hides itself after a few seconds."""
        self.banner.setProperty("level", level)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.setText(text)
        self.banner.show()
        self._timer.start(BANNER_MS)

    def say(self, text: str, level: str) -> None:
        """The banner, and the same words in the status bar."""
        self.show_banner(text, level)
        self.status().showMessage(text, BANNER_MS)

    def banner_text(self) -> str:
        """The banner's text ('' when hidden)."""
        return self.banner.text() if not self.banner.isHidden() else ""

    def show_notices(self, panes_pending: bool) -> None:
        """The session's new warnings and errors: the newest in the banner, a count of the others."""
        if self._notices is None:
            if panes_pending:
                return  # the cursor counts from the first notice: these are shown once it exists
            from console.ui.panes.diagnostics.widget import NoticeCursor

            self._notices = NoticeCursor(self.replica)
        loud = [n for n in self._notices.take() if n.level in ("warning", "error")]
        if not loud:
            return
        last = loud[-1]
        if last.reason:  # a refusal in words with names, not the hub's diagnostic with ids
            text = glossary.describe_refusal(last.code, last.reason, last.subject, self.replica.state,
                                             current_lang(), last.holder)
        elif (sentence := glossary.notice_sentence(last.code, current_lang())) is not None:
            text = sentence
        else:
            text = f"{glossary.refusal(last.code, current_lang())}: {last.text}"
        if len(loud) > 1:
            more = QCoreApplication.translate("MainWindow", "(+%1 more, see Diagnostics)")
            text += "  " + more.replace("%1", str(len(loud) - 1))
        self.say(text, last.level)

    def show_mode(self) -> None:
        """Exercise and review are marked in a strip that never hides (and, through `mode_changed`, the title);
        on live duty the same strip says while a drill (演练) is running in the live queue."""
        mode = self.replica.link.mode or "live"
        drills = self._open_drills() if mode == "live" else 0
        if (mode, drills) == self._mode_shown:
            return
        changed = mode != self._mode_shown[0]
        self._mode_shown = (mode, drills)
        if mode == "live" and not drills:
            self.mode_strip.hide()
        else:
            text = {"exercise": QCoreApplication.translate(
                        "MainWindow", "EXERCISE 演练 — not live duty: the field is simulated"),
                    "review": QCoreApplication.translate(
                        "MainWindow", "REVIEW 回放 — a recorded session: dispatch is off"),
                    "live": glossary.drill_strip(drills, current_lang())}.get(mode, mode.upper())
            self.mode_strip.setText(text)
            size = max(13.0, QApplication.font().pointSizeF() * 0.9)  # large on a wall too
            colour = theme.MODE_COLORS.get("exercise" if mode == "live" else mode, theme.MODE_OTHER)
            self.mode_strip.setStyleSheet(f"background: {colour}; "
                                          f"color: {theme.ON_COLOUR}; font-weight: bold; font-size: {size:.0f}pt; "
                                          "padding: 3px;")
            self.mode_strip.show()
        if changed:
            self.mode_changed(mode)

    def _open_drills(self) -> int:
        """How many drills are open in the live queue (counted again only when the state moved)."""
        state = self.replica.state
        if state.seq != self._drills_seq:
            self._drills_seq = state.seq
            self._drills = sum(1 for i in state.incidents.values()
                               if i.exercise is not None and i.status not in FINAL_STATUSES)
        return self._drills
