"""From a key or a click to a command: ask what must be asked, then send or hold it on the desk.

One path for keys and clicks alike, so Enter on the window and the Dispatch
button behave the same: acknowledge asks for an optional comment, a false alarm
on a warning or critical asks for a reason (pick list from the glossary + text),
escalate asks for a note; every action then lands on the `Desk`, which shows
its toast and offers a 5 s undo.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from console.client.controller import Controller
from console.client.replica import Replica
from console.protocol import messages as m
from console.ui.common import glossary
from console.ui.common.i18n import current_lang, resource_kind_label
from console.ui.shell.desk import Desk, DeskEntry
from console.ui.shell.dialogs import NoteDialog

#: severities whose false alarm needs a reason
REASON_SEVERITIES = frozenset({"warning", "critical"})


class ActionFlow(QObject):
    """The commander's actions on incidents, each asked about as it needs, then put on the desk."""

    def __init__(self, replica: Replica, controller: Controller, desk: Desk | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.replica = replica
        self.controller = controller
        self.desk = desk or Desk(controller, self)
        #: the question being asked now (tests answer it)
        self.dialog: NoteDialog | None = None

    # ------------------------------------------------------------------ API

    def request(self, code: str, incident: str, parent: QWidget | None = None) -> None:
        """Do the action `code` (a command type) on an incident, asking first where it must."""
        inc = self.replica.state.incidents.get(incident)
        if inc is None or not self.controller.can(code):
            return
        if code == "cmd.dispatch":
            self.dispatch(incident)
        elif code == "cmd.activate_plan":
            self.activate_plan(incident)
        elif code == "cmd.acknowledge":
            self._ask(parent, self.tr("Acknowledge"),
                      self.tr("Acknowledge “%1”. A comment for the timeline (optional):").replace("%1", inc.title),
                      lambda _c, text: self.hold(code, incident, text))
        elif code == "cmd.false_alarm" and inc.severity in REASON_SEVERITIES:
            lang = current_lang()
            reasons = [(c, glossary.false_alarm_reason(c, lang)) for c in glossary.FALSE_ALARM_REASONS]
            self._ask(parent, self.tr("False alarm"),
                      self.tr("Mark “%1” as a false alarm. Why?").replace("%1", inc.title),
                      lambda c, text: self.hold(code, incident, glossary.reason_note(c, text)),
                      reasons=reasons, ok_text=self.tr("Mark false alarm"))
        elif code == "cmd.escalate":
            self._ask(parent, self.tr("Escalate to district"),
                      self.tr("Escalate “%1” to the district. What do they need to know?").replace("%1", inc.title),
                      lambda _c, text: self.hold(code, incident, text), note_required=True,
                      ok_text=self.tr("Escalate"))
        else:
            self.hold(code, incident, "")

    def dispatch(self, incident: str, resource: str | None = None) -> DeskEntry | None:
        """Send one person (the best recommendation if none is named); undo cancels the task."""
        if resource is None:
            best = self.controller.recommendations(incident, limit=1)
            if not best:
                self.controller.dispatch_recommended(incident)  # refused here: says nobody is available
                return None
            resource = best[0].resource
        handle = self.controller.dispatch(incident, resource)
        res = self.replica.state.resources.get(resource)
        who = self.tr("%1 (%2)").replace("%1", res.name).replace("%2", resource_kind_label(res.kind)) \
            if res else resource
        return self.desk.sent(handle, incident, self.tr("Dispatched %1").replace("%1", who))

    def activate_plan(self, incident: str) -> DeskEntry | None:
        """Activate the incident's plan; undo cancels every task it made."""
        handle = self.controller.activate_plan(incident)
        return self.desk.sent(handle, incident, self.tr("Plan activated"))

    def hold(self, code: str, incident: str, note: str) -> DeskEntry | None:
        """Put a command with no inverse on the desk: sent after the undo window unless undone."""
        inc = self.replica.state.incidents.get(incident)
        title = inc.title if inc else incident
        c = self.controller
        send = {
            "cmd.acknowledge": lambda: c.send("cmd.acknowledge", _incident_body(incident, note)),
            "cmd.false_alarm": lambda: c.false_alarm(incident, note),
            "cmd.escalate": lambda: c.escalate(incident, note),
            "cmd.resolve": lambda: c.resolve(incident, note),
            "cmd.close": lambda: c.close(incident, note),
            "cmd.accept_handoff": lambda: c.accept_handoff(incident),
            "cmd.decline_handoff": lambda: c.decline_handoff(incident, note),
        }.get(code)
        if send is None:
            return None
        return self.desk.hold(code, incident, f"{self._done_words().get(code, code)}: {title}", send)

    def hold_call(self, code: str, incident: str, what: str, send) -> DeskEntry | None:
        """Hold any other command (cooperation, broadcast) the same way; `send()` makes it."""
        return self.desk.hold(code, incident, what, send)

    # ------------------------------------------------------------------ private

    def _done_words(self) -> dict[str, str]:
        """What the toast says was done."""
        return {
            "cmd.acknowledge": self.tr("Acknowledged"),
            "cmd.false_alarm": self.tr("False alarm"),
            "cmd.escalate": self.tr("Escalated to district"),
            "cmd.resolve": self.tr("Resolved"),
            "cmd.close": self.tr("Closed"),
            "cmd.accept_handoff": self.tr("Hand-off accepted"),
            "cmd.decline_handoff": self.tr("Hand-off declined"),
        }

    def _ask(self, parent: QWidget | None, title: str, prompt: str, then, **kw) -> None:
        if self.dialog is not None:
            self.dialog.close()
        dialog = NoteDialog(title, prompt, parent, **kw)
        dialog.sig_answered.connect(then)
        dialog.finished.connect(lambda _r, d=dialog: self._forget(d))
        self.dialog = dialog
        dialog.ask()

    def _forget(self, dialog: NoteDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()


def _incident_body(incident: str, note: str) -> m.CmdIncident:
    return m.CmdIncident(incident=incident, note=note)

