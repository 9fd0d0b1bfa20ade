"""The hub's own alarms in its own log: raised through the ordinary `ingest.alert` path, closed by the hub.

A hub that sees something wrong with itself or its inputs (a federation link, a camera, a silent
source) says so where the commander looks: the queue. Such an alarm is an ordinary alert of this
hub (so the queue, replay, the drill file and federation see it like any other), raised as an
`ingest` source would, and closed by the hub itself with the domain's close rule (like the
archiver's own events) once the problem is gone. `console/hub/link_health.py` (federation) and
`console/hub/health.py` (cameras, sources) both raise and close through here.
"""

from __future__ import annotations

import logging

from console.domain import rules
from console.domain.bodies import CmdIncident, IngestAlert
from console.domain.model import FINAL_STATUSES, Alert
from console.domain.rules import Actor
from console.hub.auth import Principal

log = logging.getLogger(__name__)

#: the note an alarm closed by the hub carries (a source's text, as a person's note would be)
CLOSE_NOTE = "已恢复，自动关闭"


def principal(actor: str) -> Principal:
    """The in-process `ingest` principal an alarm source raises its alerts as."""
    return Principal(token="", role="ingest", name=actor, center=None)


def can_raise(core) -> bool:
    """Whether the hub may write its own alarms now (not a read-only review, storage writable)."""
    return not core.read_only and not core.storage_fault


def raise_alarm(core, who: Principal, alert: Alert) -> str | None:
    """Raise `alert` in the hub's log; the id of the incident it opened, or None if it was refused."""
    seqs = core.inject(who, "ingest.alert", IngestAlert(alert=alert))
    return f"I-{alert.id}" if seqs else None


def close_alarm(core, incident: str, actor: str) -> bool:
    """Close an alarm's incident (its tasks cancelled as a commander's close would); False if already final."""
    inc = core.state.incidents.get(incident)
    if inc is None or inc.status in FINAL_STATUSES:
        return False
    events = rules.close(core.state, CmdIncident(incident=incident, note=CLOSE_NOTE),
                         Actor(actor, "commander", None), core.clock.now())
    core.emit(events)
    log.info("alarm closed: %s is healthy again", incident)
    return True


def open_alarms(core, prefix: str) -> dict[str, str]:
    """Alarms a previous run left open, by alert id prefix: the key between the prefix and the
    trailing `-<ms>` → incident id (a restarted hub takes them up and closes them when healthy)."""
    found: dict[str, str] = {}
    for inc in core.state.incidents.values():
        if inc.alert.startswith(prefix) and inc.status not in FINAL_STATUSES:
            found.setdefault(inc.alert[len(prefix):].rpartition("-")[0], inc.id)
    return found
