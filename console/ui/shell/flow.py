"""From a key or a click to a command: ask what must be asked, then send or hold it on the desk.

One path for keys and clicks alike, so Enter on the window and the Dispatch
button behave the same. What each command asks comes from its row in the UI
action table (`console/ui/actions/table.py`): acknowledge asks for an optional
comment, a false alarm on a warning or critical for a reason (pick list from
the glossary + text), escalate for a note; every action then lands on the
`Desk`, which shows its toast and offers a 5 s undo.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain import bodies
from console.domain.commands import BY_CODE
from console.ui.actions.table import BY_ACTION, HELD
from console.ui.actions.words import ActionWords
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
        self.words = ActionWords(self)

    # ------------------------------------------------------------------ API

    def request(self, code: str, incident: str, parent: QWidget | None = None) -> None:
        """Do the action `code` (a command type) on an incident, asking first what its UI row says to ask."""
        inc = self.replica.state.incidents.get(incident)
        row = BY_ACTION.get(code)
        if inc is None or row is None or not self.controller.can(code):
            return
        if row.ask == "person":
            self.dispatch(incident)
        elif row.ask == "plan":
            self.activate_plan(incident)
        elif row.ask == "reason" and inc.severity in REASON_SEVERITIES:
            lang = current_lang()
            reasons = [(c, glossary.false_alarm_reason(c, lang)) for c in glossary.FALSE_ALARM_REASONS]
            self._ask_about(code, inc.title, parent,
                            lambda c, text: self.hold(code, incident, glossary.reason_note(c, text)),
                            reasons=reasons)
        elif row.ask in ("note", "note_required"):
            self._ask_about(code, inc.title, parent, lambda _c, text: self.hold(code, incident, text),
                            note_required=row.ask == "note_required")
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
        """Put an incident command that waits out its undo window on the desk (sent unless undone)."""
        if code not in HELD or BY_CODE[code].body is not bodies.CmdIncident:
            raise ValueError(f"{code} is not a held incident command")
        inc = self.replica.state.incidents.get(incident)
        title = inc.title if inc else incident
        body = bodies.CmdIncident(incident=incident, note=note)
        return self.desk.hold(code, incident, f"{self.words.done(code)}: {title}",
                              lambda: self.controller.send(code, body))

    def hold_call(self, code: str, incident: str, what: str, send) -> DeskEntry | None:
        """Hold any other command (cooperation, broadcast) the same way; `send()` makes it."""
        return self.desk.hold(code, incident, what, send)

    # ------------------------------------------------------------------ private

    def _ask_about(self, code: str, subject: str, parent: QWidget | None, then, **kw) -> None:
        title, prompt, ok = self.words.question(code)
        self._ask(parent, title, prompt.replace("%1", subject), then, ok_text=ok, **kw)

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
