"""The offline map: grids, the course, cameras, people by status, open incidents."""

from console.ui.panes.map.widget import MapPane

__all__ = ["MapPane"]
