"""The incident's service promises: the response and assembly clocks, and why a promise was broken."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from console.client.replica import Replica
from console.domain.model import Incident
from console.domain.sla import incident_sla
from console.domain.localtime import duration, whole_seconds
from console.ui.common import glossary, theme
from console.domain.attention import needs_redispatch
from console.ui.common.i18n import current_lang


class ServicePromises(QGroupBox):
    """Response (60 s) and assembly (10 min) clocks of the shown incident; they tick every UI tick."""

    def __init__(self, replica: Replica, parent: QWidget | None = None):
        super().__init__(self.tr("Service promises"), parent)
        self.replica = replica
        sla_layout = QVBoxLayout(self)
        self.response_label = QLabel(self)
        self.assembly_label = QLabel(self)
        self.reason_label = QLabel(self)
        for lbl in (self.response_label, self.assembly_label, self.reason_label):
            lbl.setWordWrap(True)  # English sentences are longer than a 400 px column
        self.reason_label.setStyleSheet(f"color: {theme.COUNTDOWN_RED};")
        for lbl in (self.response_label, self.assembly_label, self.reason_label):
            sla_layout.addWidget(lbl)

    def fill(self, inc: Incident) -> None:
        """Show the clocks as of the hub's now."""
        now = self.replica.hub_now()
        sla = incident_sla(inc, now)
        if sla.response_s is not None and needs_redispatch(self.replica.state, inc, now) is not None:
            # dispatched in time on paper, but nobody took it: not a kept promise
            colour = theme.COUNTDOWN_RED
            text = "⚠ " + self.tr("Response: dispatched in %1 s, nobody took it — send someone else") \
                .replace("%1", str(whole_seconds(sla.response_s)))
        elif sla.response_s is not None:
            colour = theme.COUNTDOWN_RED if sla.response_breached else theme.COUNTDOWN_MET
            text = self.tr("Response: %1 s (promise 60 s)").replace("%1", str(whole_seconds(sla.response_s)))
            text = ("✗ " if sla.response_breached else "✓ ") + text
        else:
            left = sla.response_left_s or 0.0
            colour = (theme.COUNTDOWN_RED if left < 0 else
                      theme.COUNTDOWN_AMBER if left < 20 else theme.COUNTDOWN_OK)
            text = (self.tr("Response: %1 left").replace("%1", duration(left)) if left >= 0
                    else self.tr("Response: breached by %1").replace("%1", duration(-left)))
        self.response_label.setText(text)
        self.response_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        if sla.assembly_left_s is not None:
            left = sla.assembly_left_s
            a_colour = theme.COUNTDOWN_RED if left < 0 else theme.COUNTDOWN_AMBER if left < 120 else theme.COUNTDOWN_OK
            a_text = (self.tr("Assembly: %1 left (promise 10 min)").replace("%1", duration(left)) if left >= 0
                      else self.tr("Assembly: breached by %1").replace("%1", duration(-left)))
        elif sla.full_on_scene_s is not None:
            a_colour = theme.COUNTDOWN_RED if sla.assembly_breached else theme.COUNTDOWN_MET
            a_text = self.tr("Assembly: whole team on scene in %1").replace("%1", duration(sla.full_on_scene_s))
        elif sla.first_arrival_s is not None:
            a_colour = theme.COUNTDOWN_MET
            a_text = self.tr("Assembly: first arrival in %1").replace("%1", duration(sla.first_arrival_s))
        else:
            a_colour, a_text = theme.FG_DIM, self.tr("Assembly: not dispatched yet")
        self.assembly_label.setText(a_text)
        self.assembly_label.setStyleSheet(f"color: {a_colour};")
        reason = glossary.describe_breaches(sla.breaches, current_lang())
        self.reason_label.setText(reason)
        self.reason_label.setVisible(bool(reason))
