"""UI tests: async tests here run on a qasync loop so Qt timers fire while they await."""


def qasync_loop_factory():
    """The console's GUI loop (qasync's QEventLoop, console/app/gui_loop.py) on the shared QApplication.

    Inside an async test never call the blocking `qtbot.waitSignal`: await a
    future that the signal completes instead (ENVIRONMENT.md).
    """
    import PySide6.QtWidgets  # noqa: F401 - PySide6 before qasync
    from PySide6.QtWidgets import QApplication

    from console.app.gui_loop import GuiLoop

    app = QApplication.instance() or QApplication(["pytest"])
    return GuiLoop(app)


def pytest_asyncio_loop_factories(config, item):
    """Every async test under tests/ui runs on the qasync loop; the hub's tests keep plain asyncio."""
    return {"qasync": qasync_loop_factory}


import pytest  # noqa: E402


@pytest.fixture
def world():
    """A widget-test world (tests/ui/world.py): the sample baseline on a real Replica, commands recorded."""
    from tests.ui.world import World

    return World()
