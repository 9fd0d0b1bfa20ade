"""The resource roster: org tree with counts, a flat table, search and filters."""

from console.ui.panes.roster.model import RosterModel
from console.ui.panes.roster.widget import RosterPane

__all__ = ["RosterModel", "RosterPane"]
