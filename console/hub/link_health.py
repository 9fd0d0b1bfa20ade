"""A federation link's health as alarms in the hub's own log: raised once, closed when healthy again.

A hub that cannot see the other hubs must say so where the commander looks: the queue. Each
problem of a `Federation` (console/hub/federation.py) is one incident of this hub, raised through
the ordinary `ingest.alert` path (source `center`, kind `other`) with an alert id
`FED-<this center>-<problem>-<ms>`, and closed by the hub itself (the domain's close rule, like
the archiver's own events) when the problem is gone:

- `link`: this hub's NATS link down for LINK_ALARM_S (a reconnect inside that is a blip: nothing);
- `publish` (a town): its events not reaching the stream for LINK_ALARM_S: the district is blind to it;
- `stream-T3` (a district): T3's events stream lost (a NATS server that came back without its
  data) or the follower stalled, until T3's events are folded again; raised at once: it is a loss;
- `silent-T3` (a district): no sign of life from T3's hub for SILENT_ALARM_S (its hub down or
  cut off from NATS; every hub says it is alive on `duty.alive.<center>` every ALIVE_S).

An alarm still open when the hub stops is taken up again at the next start (by its id) and
closed once its problem is gone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from console.domain.model import Alert
from console.hub import alarms

if TYPE_CHECKING:
    from console.hub.federation import Federation

log = logging.getLogger(__name__)

#: every federation alarm's alert id starts with this
LINK_ALERT_PREFIX = "FED-"
#: how long the link (or publishing) must be down before it is an alarm (seconds)
LINK_ALARM_S = 10.0
#: how often a hub says it is alive, and how long a followed town may be silent before an alarm (seconds)
ALIVE_S = 5.0
SILENT_ALARM_S = 20.0
#: how often the problems are looked at (seconds)
CHECK_S = 1.0
#: who raises and closes these alarms in the log
ACTOR = "source:federation"


def alive_subject(center: str) -> str:
    """The plain NATS subject a hub says it is alive on (not stored: only the present matters)."""
    return f"duty.alive.{center}"


def stream_lost(town: str) -> tuple[str, str, str]:
    """The alarm of a followed town's lost or stalled stream: (severity, title, town)."""
    return "critical", f"{town} 的事件流丢失，正在重新同步：区县暂时看不到 {town}", town


class LinkAlarms:
    """Raises and closes one hub's federation alarms; `run()` is a task of the Federation."""

    def __init__(self, fed: Federation) -> None:
        self.fed = fed
        #: problem key → incident id of its open alarm
        self.open: dict[str, str] = {}
        #: followed town → monotonic time its hub was last heard of
        self.heard: dict[str, float] = {}
        self._down_since: float | None = None
        self._up_since: float | None = None
        self._started = time.monotonic()
        self._principal = alarms.principal(ACTOR)
        #: the thresholds (seconds), from the module's defaults
        self.link_after_s = LINK_ALARM_S
        self.silent_after_s = SILENT_ALARM_S

    def take_up(self) -> None:
        """Adopt the alarms a previous run of this hub left open (called once the state is recovered)."""
        for key, incident in alarms.open_alarms(self.fed.core, f"{LINK_ALERT_PREFIX}{self.fed.center}-").items():
            self.open.setdefault(key, incident)

    def problems(self, now: float) -> dict[str, tuple[str, str, str | None]]:
        """What is wrong now: key → (severity, title, the town it is about or None)."""
        fed = self.fed
        out: dict[str, tuple[str, str, str | None]] = {}
        if fed.connected.is_set():
            if self._down_since is not None or self._up_since is None:
                self._up_since = now  # a town is silent only if not heard since the link came back
            self._down_since = None
        elif self._down_since is None:
            self._down_since = now
        if self._down_since is not None and now - self._down_since >= self.link_after_s:
            out["link"] = ("critical", "联邦链路中断：本中心与其他中心之间的消息不通", None)
        if not fed.follow and fed.publish_failing_since is not None \
                and now - fed.publish_failing_since >= self.link_after_s:
            out["publish"] = ("critical", "本中心的事件未能送达区县：区县看不到本中心的新情况", None)
        if fed.connected.is_set():
            for town in fed.follow:
                if fed.follow_trouble.get(town):
                    out[f"stream-{town}"] = stream_lost(town)
                heard = max(self.heard.get(town, self._started), self._up_since or now)
                if now - heard >= self.silent_after_s:
                    out[f"silent-{town}"] = ("warning", f"{town} 的指挥中心已 {now - heard:.0f} 秒无联络", town)
        else:  # with the link down nothing about a town is known: its open alarms stay as they are
            out.update({key: ("", "", None) for key in self.open if key.startswith(("stream-", "silent-"))})
        return out

    async def run(self) -> None:
        """Look at the problems every CHECK_S: raise what is new, close what is gone."""
        self.take_up()
        while True:
            try:
                self.step(time.monotonic())
            except Exception:  # noqa: BLE001 - an alarm must never stop the federation
                log.exception("federation alarms failed")
            await asyncio.sleep(CHECK_S)

    def latch(self, town: str) -> None:
        """A followed town's stream was lost: raised now, even if the town is seen again before the
        next look (a loss is never a blip); closed at a later look once the town is followed again."""
        key = f"stream-{town}"
        if key not in self.open and alarms.can_raise(self.fed.core):
            severity, title, _ = stream_lost(town)
            incident = self._raise(key, severity, title, town)
            if incident:
                self.open[key] = incident
                log.warning("alarm raised: %s (%s)", title, incident)

    def step(self, now: float) -> None:
        """One look: raise an alarm per new problem, close the alarms whose problem is gone."""
        if not alarms.can_raise(self.fed.core):
            return
        problems = self.problems(now)
        for key, (severity, title, town) in problems.items():
            if key not in self.open:
                incident = self._raise(key, severity, title, town)
                if incident:
                    self.open[key] = incident
                    log.warning("alarm raised: %s (%s)", title, incident)
        for key in [k for k in self.open if k not in problems]:
            self._close(self.open.pop(key))

    def _raise(self, key: str, severity: str, title: str, town: str | None) -> str | None:
        core = self.fed.core
        state = core.state
        center = self.fed.center
        unit = state.org.get(town or center) or state.org.get(center)
        alert = Alert(id=f"{LINK_ALERT_PREFIX}{center}-{key}-{int(time.time() * 1000)}", source="center",
                      kind="other", severity=severity, title=title, at=core.clock.now(),
                      x=unit.center_x if unit else 0.0, y=unit.center_y if unit else 0.0, grid="", town=center)
        return alarms.raise_alarm(core, self._principal, alert)

    def _close(self, incident: str) -> None:
        """Close an alarm's incident (its tasks cancelled as a commander's close would) with a note."""
        alarms.close_alarm(self.fed.core, incident, ACTOR)
