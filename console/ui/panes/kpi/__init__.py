"""KPI dashboard: alerts per minute, open incidents, promise percentiles, utilisation, crowd density."""

from console.ui.panes.kpi.widget import KpiPane

__all__ = ["KpiPane"]
