"""tests/ui/conftest.py's loop factory: async UI tests run on a qasync loop, so Qt timers fire."""

import asyncio

import pytest
from PySide6.QtCore import QTimer

pytestmark = pytest.mark.ui


async def test_qt_timers_fire_inside_async_tests(qapp):
    """The tests/ui loop factory gives async tests a qasync loop, so QTimer fires while awaiting."""
    fired = asyncio.get_running_loop().create_future()
    QTimer.singleShot(10, lambda: fired.set_result(True))
    assert await asyncio.wait_for(fired, 2.0)
