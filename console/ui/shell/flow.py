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
from console.domain.focus import on_scene_count
from console.domain.model import RETURN_REASONS, SUSPEND_REASONS
from console.domain.recommend import plan_for
from console.ui.actions.table import BY_ACTION, HELD
from console.ui.actions.words import ActionWords
from console.ui.common import glossary
from console.ui.common.i18n import current_lang, resource_kind_label
from console.ui.shell.desk import Desk, DeskEntry
from console.ui.shell.dialogs import NoteDialog

#: severities whose false alarm needs a reason
REASON_SEVERITIES = frozenset({"warning", "critical"})


#: the pick list a case action asks first (codes; the glossary has their words)
_CASE_CHOICES = {
    "cmd.return": RETURN_REASONS, "cmd.suspend": SUSPEND_REASONS,
    "cmd.verify": ("verify_passed", "verify_failed"), "cmd.approve_extension": ("approve", "refuse"),
}


def _case_body(code: str, incident: str, choice: str, note: str) -> bodies.Body:
    """The command body of a case action from what the commander chose and wrote."""
    if code == "cmd.verify":
        return bodies.CmdVerify(incident=incident, passed=choice != "verify_failed", note=note)
    if code == "cmd.approve_extension":
        return bodies.CmdAnswerExtension(incident=incident, approved=choice != "refuse", note=note)
    if code == "cmd.return":
        return bodies.CmdReturn(incident=incident, reason=choice, note=note)
    if code == "cmd.suspend":
        return bodies.CmdSuspend(incident=incident, reason=choice, note=note)
    if code == "cmd.case_handled":
        return bodies.CmdCaseHandled(incident=incident, note=note)
    return bodies.CmdIncident(incident=incident, note=note)


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
        action = next((a for a in self.controller.available_actions(incident) if a.code == code), None)
        if action is not None and not action.live:
            # the key says what the greyed button's tooltip says, in words with names
            self.replica.notify("warning", action.refusal or "invalid_state", f"{code} on {incident}",
                                reason=action.reason, subject=action.subject)
            return
        arrived, on_way = on_scene_count(self.replica.state, inc)
        if row.ask == "person" and arrived:
            prompt = self.tr("%1 already has %2 on scene and %3 on the way. Send one more? "
                             "A note for them (optional):").replace("%1", inc.title) \
                .replace("%2", str(arrived)).replace("%3", str(on_way))
            self._ask(parent, self.tr("Dispatch another person?"), prompt,
                      lambda _c, text: self.dispatch(incident, note=text), ok_text=self.tr("Dispatch"))
        elif row.ask == "person":
            self.dispatch(incident)
        elif row.ask == "plan":
            self.activate_plan(incident)
        elif row.ask == "reason" and inc.severity in REASON_SEVERITIES:
            lang = current_lang()
            reasons = [(c, glossary.false_alarm_reason(c, lang)) for c in glossary.FALSE_ALARM_REASONS]
            title, prompt, ok = self.words.question(code)
            prompt = prompt.replace("%1", inc.title)
            if arrived or on_way:
                prompt += "\n" + self.tr("%1 on the way / %2 on scene will all be stood down.") \
                    .replace("%1", str(on_way)).replace("%2", str(arrived))
            self._ask(parent, title, prompt,
                      lambda c, text: self.hold(code, incident, glossary.reason_note(c, text)),
                      reasons=reasons, ok_text=ok)
        elif row.ask in ("note", "note_required"):
            self._ask_about(code, inc.title, parent, lambda _c, text: self.hold(code, incident, text),
                            note_required=row.ask == "note_required")
        else:
            self.hold(code, incident, "")

    def dispatch(self, incident: str, resource: str | None = None, note: str = "") -> DeskEntry | None:
        """Send one person (the best recommendation if none is named); undo cancels the task."""
        if resource is None:
            best = self.controller.recommendations(incident, limit=1)
            if not best:
                self.controller.dispatch_recommended(incident)  # refused here: says nobody is available
                return None
            resource = best[0].resource
        handle = self.controller.dispatch(incident, resource, note)
        res = self.replica.state.resources.get(resource)
        who = self.tr("%1 (%2)").replace("%1", res.name).replace("%2", resource_kind_label(res.kind)) \
            if res else resource
        return self.desk.sent(handle, incident, self.tr("Dispatched %1").replace("%1", who))

    def activate_plan(self, incident: str) -> DeskEntry | None:
        """Activate the incident's plan; undo cancels every task it made."""
        inc = self.replica.state.incidents.get(incident)
        plan = plan_for(self.replica.state, inc.kind) if inc else None
        handle = self.controller.activate_plan(incident)
        what = self.tr("Plan activated: %1").replace("%1", plan.name) if plan else self.tr("Plan activated")
        return self.desk.sent(handle, incident, what)

    def recall(self, task_id: str, parent: QWidget | None = None) -> None:
        """Call a person back from a task on its way: asks the reason they will read on their phone."""
        task = self.replica.state.tasks.get(task_id)
        if task is None or not self.controller.can("cmd.recall"):
            return
        res = self.replica.state.resources.get(task.resource)
        who = res.name if res else task.resource
        title, prompt, ok = self.words.question("cmd.recall")
        what = f"{self.words.done('cmd.recall')}: {who}"

        def hold(_code: str, reason: str) -> None:
            body = bodies.CmdRecall(task=task_id, reason=reason)
            self.desk.hold("cmd.recall", task.incident, what, lambda: self.controller.send("cmd.recall", body))

        self._ask(parent, title, prompt.replace("%1", who), hold, note_required=True, ok_text=ok)

    def hold(self, code: str, incident: str, note: str) -> DeskEntry | None:
        """Put an incident command that waits out its undo window on the desk (sent unless undone)."""
        if code not in HELD or BY_CODE[code].body is not bodies.CmdIncident:
            raise ValueError(f"{code} is not a held incident command")
        inc = self.replica.state.incidents.get(incident)
        title = inc.title if inc else incident
        body = bodies.CmdIncident(incident=incident, note=note)
        return self.desk.hold(code, incident, f"{self.words.done(code)}: {title}",
                              lambda: self.controller.send(code, body))

    def case_action(self, code: str, incident: str, parent: QWidget | None = None) -> None:
        """A case action (the case card's buttons): ask what its UI row says, then hold or send it.

        The command table's undo rule decides: a held one (return, suspend, resume, an
        extension's answer) waits on the desk for the undo window; the others (the handled
        report, a verification) go at once. A refusal is the controller's, as for every action.
        """
        inc = self.replica.state.incidents.get(incident)
        if inc is None or inc.case is None or not self.controller.can(code):
            return
        lang = current_lang()
        w = glossary.case_word
        title = w("act_" + code.removeprefix("cmd."), lang)
        prompt = w("q_" + code.removeprefix("cmd."), lang).replace("%1", inc.title)
        reasons = _CASE_CHOICES.get(code)
        choices = [(c, glossary.word(glossary.CASE_REASONS, c, lang) if code in ("cmd.return", "cmd.suspend")
                    else w(c, lang)) for c in reasons] if reasons else None

        def act(choice: str, note: str) -> None:
            body = _case_body(code, incident, choice, note)
            send = lambda: self.controller.send(code, body)  # noqa: E731 - the desk calls it later
            if code in HELD:
                self.desk.hold(code, incident, f"{title}: {inc.title}", send)
            else:
                send()

        if code == "cmd.resume":
            act("", "")
        else:
            self._ask(parent, title, prompt, act, reasons=choices, ok_text=title,
                      note_required=BY_ACTION[code].ask == "note_required")

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
