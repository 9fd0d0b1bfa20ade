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


# The qasync loop factory for async UI tests is in tests/ui/conftest.py (a
# pytest_asyncio_loop_factories hook there applies to tests/ui only).


@pytest.fixture
def qsettings(tmp_path):
    """A QSettings in the test's temp dir, so layouts never touch the user's real settings."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def english(qapp):
    """The English UI for one test (Chinese is the default otherwise)."""
    from console.ui.common.i18n import install_translator

    install_translator(qapp, "en")
    yield
    install_translator(qapp, "en")
