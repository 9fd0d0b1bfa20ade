"""The words of every desk action: its button, its key's help line, its question and its toast.

Kept apart from the table so the table stays data; one `tr` context for all of
them, so a command's button and its key say the same thing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from console.ui.common import glossary
from console.ui.common.i18n import current_lang


class ActionWords(QObject):
    """Translated words per command type (`tr` needs a QObject context)."""

    def button(self, code: str) -> str:
        """The incident actions bar's button text."""
        return {
            "cmd.acknowledge": self.tr("Acknowledge"),
            "cmd.dispatch": self.tr("Dispatch recommended"),
            "cmd.activate_plan": self.tr("Activate plan"),
            "cmd.escalate": self.tr("Escalate to district"),
            "cmd.request_cooperation": self.tr("Request cooperation"),
            "cmd.broadcast": self.tr("Broadcast a check to grids…"),
            "cmd.follow_up": glossary.case_word("act_follow_up", current_lang()),
            "cmd.accept_handoff": self.tr("Accept hand-off"),
            "cmd.decline_handoff": self.tr("Decline hand-off"),
            "cmd.resolve": self.tr("Resolve"),
            "cmd.close": self.tr("Close"),
            "cmd.false_alarm": self.tr("False alarm"),
            "cmd.recall": self.tr("Recall"),
            "cmd.end_drill": self.tr("End drill"),
        }.get(code, code)

    def key(self, code: str) -> str:
        """What the command's window-wide key does, for F1's list."""
        return {
            "cmd.dispatch": self.tr("Dispatch the recommended person"),
            "cmd.acknowledge": self.tr("Acknowledge (optional comment)"),
            "cmd.escalate": self.tr("Escalate to the district (asks for a note)"),
            "cmd.false_alarm": self.tr("False alarm (asks for a reason on warnings and criticals)"),
            "cmd.activate_plan": self.tr("Activate the response plan"),
        }.get(code, self.button(code))

    def done(self, code: str) -> str:
        """What the toast says was done."""
        return {
            "cmd.acknowledge": self.tr("Acknowledged"),
            "cmd.false_alarm": self.tr("False alarm"),
            "cmd.escalate": self.tr("Escalated to district"),
            "cmd.resolve": self.tr("Resolved"),
            "cmd.close": self.tr("Closed"),
            "cmd.accept_handoff": self.tr("Hand-off accepted"),
            "cmd.decline_handoff": self.tr("Hand-off declined"),
            "cmd.recall": self.tr("Recalled"),
            "cmd.request_cooperation": self.tr("Cooperation requested"),
            "cmd.follow_up": glossary.case_word("follow_up", current_lang()),
            "cmd.broadcast": self.tr("Broadcast"),
            "cmd.end_drill": self.tr("Drill ended"),
            "cmd.start_drill": self.tr("Drill started"),
        }.get(code, code)

    def question(self, code: str) -> tuple[str, str, str]:
        """(title, prompt with %1 for the incident's title, OK button) of the dialog the command asks."""
        return {
            "cmd.acknowledge": (self.tr("Acknowledge"),
                                self.tr("Acknowledge “%1”. A comment for the timeline (optional):"),
                                self.tr("Acknowledge")),
            "cmd.escalate": (self.tr("Escalate to district"),
                             self.tr("Escalate “%1” to the district. What do they need to know?"),
                             self.tr("Escalate")),
            "cmd.false_alarm": (self.tr("False alarm"), self.tr("Mark “%1” as a false alarm. Why?"),
                                self.tr("Mark false alarm")),
            "cmd.resolve": (self.tr("Resolve"), self.tr("Resolve “%1”. A note for the timeline (optional):"),
                            self.tr("Resolve")),
            "cmd.close": (self.tr("Close"), self.tr("Close “%1”. A note for the record (optional):"),
                          self.tr("Close")),
            "cmd.decline_handoff": (self.tr("Decline hand-off"), self.tr("Decline “%1”. Why (optional):"),
                                    self.tr("Decline hand-off")),
            "cmd.recall": (self.tr("Recall"), self.tr("Recall %1. Why? They read this on their phone:"),
                           self.tr("Recall")),
        }.get(code, (code, "%1", self.tr("OK")))
