"""Cases (一办到底): open cases by stage, the overdue list, figures per town/grid/worker/department."""

from console.ui.panes.cases.widget import CasesPane

__all__ = ["CasesPane"]
