"""Shared test fixtures."""

import os

# Before anything imports Qt: tests never need a real screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture
def tmp_db_url(tmp_path):
    """A SQLAlchemy URL for a fresh SQLite file in the test's temp dir."""
    return f"sqlite:///{tmp_path / 't.db'}"


# UI fixtures (qasync loop factory via pytest_asyncio_loop_factories, shared
# QApplication) go below; owned by the UI engineer.
