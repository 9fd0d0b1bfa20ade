"""Async tests here drive a whole console, so they run on the qasync loop (Qt timers fire while they await)."""

from tests.ui.conftest import qasync_loop_factory


def pytest_asyncio_loop_factories(config, item):
    """Every async test under tests/video/live runs on the qasync loop."""
    return {"qasync": qasync_loop_factory}


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def keep_loop_on_close(qapp):
    """As in the app: closing a console's window must not quit Qt, which would stop the test's loop."""
    before = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(before)
