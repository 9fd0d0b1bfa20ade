"""The alarm that lasts: it rings again every N s per severity until the alert is acknowledged.

While an open critical or warning alert is not acknowledged its queue row
flashes, a strip over the camera wall flashes (criticals) and the sound rings
again every `REPEAT_S[severity]` seconds. A dispatch that needs redoing
(declined, or not answered in `attention.NO_ANSWER_S`) rings once and says so; so
does a case that stalls past a stage's due time (`attention.stalled_case`), again
when it waits for another stage or passes its limit (then the district is told).
Without an audio device the console says, once, in the status bar, that
alarms are silent, instead of failing quietly.

Repeat intervals are settings (`alarm/repeat_critical_s`, `alarm/repeat_warning_s`,
`alerts/no_answer_s` in the console's QSettings).
"""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, QUrl
from PySide6.QtWidgets import QLabel, QWidget

from console.client.replica import Replica
from console.domain import attention
from console.domain.localtime import duration
from console.domain.model import SETTLED_STATUSES
from console.ui.common import glossary
from console.ui.common.i18n import current_lang, title_label

try:  # QtMultimedia needs libpulse; without it the console is silent, and says so
    from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
except Exception:  # noqa: BLE001 - any import failure means "no sound"
    QMediaDevices = QSoundEffect = None  # type: ignore[assignment,misc]

#: seconds between rings while an alert of this severity waits to be acknowledged
REPEAT_S = {"critical": 10.0, "warning": 30.0}
#: the flash's half period (ms)
FLASH_MS = 500


def audio_available() -> bool:
    """Whether Qt sees any audio output device."""
    if QMediaDevices is None or QSoundEffect is None:
        return False
    try:
        return bool(QMediaDevices.audioOutputs())
    except Exception:  # noqa: BLE001
        return False


class Alarm(QObject):
    """Rings, flashes and names what still waits for the commander; `tick` runs every FLASH_MS."""

    def __init__(self, replica: Replica, strip: QLabel, say: Callable[[str], None],
                 status: Callable[[str], None], settings: QSettings | None = None, parent: QObject | None = None,
                 *, on_flash: Callable[[frozenset[str], bool], None] | None = None, enabled: bool = True,
                 audible: bool = True):
        super().__init__(parent)
        self.replica = replica
        self.strip = strip
        #: a loud notice (banner); `status` a quiet one (the status bar)
        self.say = say
        self.status = status
        self.audible = audible
        self.on_flash = on_flash
        self.enabled = enabled
        settings = settings or QSettings()
        self.repeat_s = {sev: float(settings.value(f"alarm/repeat_{sev}_s", default))
                         for sev, default in REPEAT_S.items()}
        attention.NO_ANSWER_S = float(settings.value("alerts/no_answer_s", attention.NO_ANSWER_S))
        #: rings so far (tests count them; a silent console counts too)
        self.rings = 0
        self._last_ring: dict[str, float] = {}
        self._announced: set[tuple[str, float]] = set()
        self._cases_announced: set[tuple[str, str, str]] = set()
        self._silence_said = False
        self._flash_on = False
        self.sound = self._make_sound()
        self.timer = QTimer(self)
        self.timer.setInterval(FLASH_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    # ------------------------------------------------------------------ API

    def waiting(self) -> list:
        """Open alerts not yet acknowledged that ring (critical and warning), most severe and oldest first."""
        order = {"critical": 0, "warning": 1}
        out = [i for i in self.replica.state.incidents.values()
               if i.status == "new" and i.severity in self.repeat_s and i.status not in SETTLED_STATUSES]
        out.sort(key=lambda i: (order[i.severity], i.created_at))
        return out

    def tick(self) -> None:
        """Flash, ring what is due, announce new re-dispatch notices."""
        if not self.enabled:
            return
        now = time.monotonic()
        # a review replays what happened: nothing there can be acknowledged, so nothing calls for it
        waiting = [] if self.replica.link.mode == "review" else self.waiting()
        self._flash_on = not self._flash_on
        if self.on_flash is not None:
            self.on_flash(frozenset(i.id for i in waiting), self._flash_on)
        self._show_strip(waiting)
        for sev in self.repeat_s:
            if any(i.severity == sev for i in waiting):
                last = self._last_ring.get(sev)
                if last is None:
                    self._last_ring[sev] = now  # the queue rang the first time as the alert came
                elif now - last >= self.repeat_s[sev]:
                    self._last_ring[sev] = now
                    self.ring()
            else:
                self._last_ring.pop(sev, None)
        self._announce_redispatch()
        self._announce_stalled_cases()

    def ring(self) -> None:
        """Play the alarm once (or say, once, that there is no sound)."""
        self.rings += 1
        if not self.audible or self.replica.link.mode == "review":
            return  # a wall watches, a review replays: neither rings
        if self.sound is None or not audio_available():
            if not self._silence_said:
                self._silence_said = True
                self.status(self.tr("No audio device: alarms are silent, watch the flashing rows"))
            return
        self.sound.play()

    # ------------------------------------------------------------------ private

    def _make_sound(self):
        if QSoundEffect is None:
            return None
        try:
            from console.ui.panes.alerts.widget import make_alarm_wav

            sound = QSoundEffect(self)
            sound.setSource(QUrl.fromLocalFile(str(make_alarm_wav())))
            sound.setVolume(0.8)
            return sound
        except Exception:  # noqa: BLE001 - no audio device is not an error for the console
            return None

    def _show_strip(self, waiting: list) -> None:
        critical = [i for i in waiting if i.severity == "critical"]
        if not critical:
            self.strip.hide()
            return
        # the newest: the one the keys act on (console/domain/focus.py), so "A" here means that alert
        # (a real one before any drill's: a drill never hides a real alert)
        first = max(critical, key=lambda i: (i.exercise is None, i.created_at, i.id))
        town = self.replica.state.org.get(first.town)
        # the key hint only where the key works: not on the wall, not in a review (commands are off)
        can_act = self.audible and self.replica.link.mode != "review"
        text = (self.tr("Not acknowledged: %1 critical — %2 · %3 (A: acknowledge)") if can_act
                else self.tr("Not acknowledged: %1 critical — %2 · %3")) \
            .replace("%1", str(len(critical))).replace("%2", title_label(first)) \
            .replace("%3", town.name if town else first.town)
        if self.strip.text() != text:
            self.strip.setText(text)
        self.strip.setProperty("flash", "on" if self._flash_on else "off")
        self.strip.style().unpolish(self.strip)
        self.strip.style().polish(self.strip)
        self.strip.show()

    def _announce_redispatch(self) -> None:
        state = self.replica.state
        now = self.replica.hub_now()
        for inc in state.incidents.values():
            if not inc.tasks or inc.status in SETTLED_STATUSES:
                continue
            notice = attention.needs_redispatch(state, inc, now)
            if notice is None or (inc.id, notice.since) in self._announced:
                continue
            self._announced.add((inc.id, notice.since))
            words = glossary.describe_redispatch(notice.declined, notice.unanswered, attention.NO_ANSWER_S,
                                                 current_lang(), glossary.names_in(state))
            self.say(f"{words}: {title_label(inc)}")
            self.ring()


    def _announce_stalled_cases(self) -> None:
        state = self.replica.state
        now = self.replica.hub_now()
        lang = current_lang()
        district = state.district()
        # the district's console is told of a town's case once it is past its limit, not of every late step
        at_district = self.replica.link.center == district
        for inc in state.incidents.values():
            if inc.case is None:
                continue
            notice = attention.stalled_case(inc, now)
            if notice is None or attention.notice_key(notice) in self._cases_announced:
                continue
            if at_district and notice.level != "district" and inc.owner != district:
                continue
            self._cases_announced.add(attention.notice_key(notice))
            code = "case_overdue_district" if notice.level == "district" else "case_overdue"
            words = glossary.attention(code, lang, stage=glossary.case_stage(notice.waiting_for, lang),
                                       t=duration(notice.overdue_s))
            self.say(f"{words}: {inc.title}")
            self.ring()


def alarm_strip(parent: QWidget) -> QLabel:
    """The flashing strip over the camera wall (hidden until something waits)."""
    strip = QLabel(parent)
    strip.setObjectName("banner")
    strip.setProperty("level", "critical")
    strip.setAlignment(Qt.AlignmentFlag.AlignCenter)
    strip.setWordWrap(True)
    strip.hide()
    return strip
