"""The incident's header: title, severity, kind, status and id; where it is and who reported what.

The alert's pictures (snapshot, photos) are shown by evidence.py beneath it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from console.client.replica import Replica
from console.domain.model import Incident
from console.ui.common import theme
from console.ui.common.i18n import kind_label, severity_label, source_label, status_label, title_label


class IncidentHeader(QWidget):
    """Title and badges over the alert's place, source and report text."""

    def __init__(self, replica: Replica, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.title_label = QLabel(self)
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet("font-weight: bold;")
        self.badges = QLabel(self)
        self.badges.setTextFormat(Qt.TextFormat.RichText)

        info = QGroupBox(self.tr("Alert"), self)
        form = QFormLayout(info)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.location_label = QLabel(self)
        self.reporter_label = QLabel(self)
        self.text_label = QLabel(self)
        self.text_label.setWordWrap(True)
        for lbl in (self.location_label, self.reporter_label, self.text_label):
            lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Location"), self.location_label)
        form.addRow(self.tr("Source"), self.reporter_label)
        form.addRow(self.tr("Report"), self.text_label)

        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.title_label)
        col.addWidget(self.badges)
        col.addWidget(info)

    def fill(self, inc: Incident) -> None:
        """Show this incident's header and its alert."""
        state = self.replica.state
        alert = state.alerts.get(inc.alert)
        self.title_label.setText(title_label(inc))
        title_font = self.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        self.title_label.setFont(title_font)
        sev = theme.SEVERITY_COLORS.get(inc.severity, theme.FG)
        st = theme.INCIDENT_STATUS_COLORS.get(inc.status, theme.FG)
        self.badges.setText(
            f'<span style="background:{sev}; color:white;">&nbsp;{severity_label(inc.severity)}&nbsp;</span>'
            f' &nbsp;<b>{kind_label(inc.kind)}</b> &nbsp;'
            f'<span style="color:{st};">● {status_label(inc.status)}</span>'
            f' &nbsp;<span style="color:{theme.FG_DIM};">{inc.id}</span>')
        town = state.org.get(inc.town)
        grid = state.org.get(inc.grid)
        self.location_label.setText(
            f"{town.name if town else inc.town} / {grid.name if grid else inc.grid}"
            f"  ({inc.x:.0f}, {inc.y:.0f})")
        if alert is None:
            self.reporter_label.setText("—")
            self.text_label.setText("")
            return
        who = alert.reporter or ""
        if alert.camera:
            cam = state.cameras.get(alert.camera)
            who = f"{cam.name if cam else alert.camera}" + (f" · {who}" if who else "")
        self.reporter_label.setText(f"{source_label(alert.source)} · {who}" if who else source_label(alert.source))
        self.text_label.setText(alert.text or "—")
