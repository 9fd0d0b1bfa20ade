"""Shared test fixtures."""

import gc
import os
import sys

# Before anything imports Qt: tests never need a real screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

# ---------------------------------------------------------------- the fast lane (make test-fast)
# `pytest --fast` runs the pure and headless tests: no Qt, no video, no browser, no server but an
# in-process hub. A test leaves the lane by one of these markers, which it gets from its folder,
# from a fixture it takes, or from its own pytestmark. This is the only place the lane is defined.

#: markers that keep a test out of the fast lane (registered in pyproject.toml)
NOT_FAST = ("ui", "video", "browser", "external", "slow")
#: a folder under tests/ whose every test carries the marker
MARKER_BY_FOLDER = {"ui": "ui", "video": "video", "federation": "external", "faults": "slow"}
#: a fixture whose every user carries the marker
MARKER_BY_FIXTURE = {
    "qapp": "ui", "qtbot": "ui", "qsettings": "ui", "english": "ui",
    "browser": "browser", "phone": "browser",
    "pg_cluster": "external", "pg_url": "external", "nats": "external",
}
TESTS = os.path.dirname(os.path.abspath(__file__))


def pytest_addoption(parser):
    parser.addoption("--fast", action="store_true",
                     help="only the pure and headless tests (make test-fast; the lane is in tests/conftest.py)")


def pytest_ignore_collect(collection_path, config):
    """With --fast, a folder whose every test is out of the lane is not even imported (no Qt loaded)."""
    if not config.getoption("--fast", default=False):
        return None
    rel = os.path.relpath(str(collection_path), TESTS).split(os.sep)
    return True if len(rel) == 1 and rel[0] in MARKER_BY_FOLDER else None


def pytest_collection_modifyitems(config, items):
    for item in items:
        rel = os.path.relpath(str(item.path), TESTS).split(os.sep)
        marks = {MARKER_BY_FOLDER[rel[0]]} if rel[0] in MARKER_BY_FOLDER else set()
        marks |= {MARKER_BY_FIXTURE[f] for f in item.fixturenames if f in MARKER_BY_FIXTURE}
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("tmp_db_url") == "postgresql":
            marks.add("external")  # tmp_db_url asks for pg_url at run time, not by name
        for name in sorted(marks):
            item.add_marker(name)
    if config.getoption("--fast"):
        keep = [i for i in items if not any(i.get_closest_marker(m) for m in NOT_FAST)]
        dropped = [i for i in items if i not in keep]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep


# ---------------------------------------------------------------- the hang watchdog
# pytest-timeout's signal fails a test only when the main thread runs Python again and the failure
# it raises gets out: a thread stuck in Qt's C++ loop with no Python callback due, or waiting on the
# GIL, never sees it, and inside a Qt slot or a qasync callback the failure is caught and logged. A
# suite that hangs so runs until CI kills it, printing nothing (it did once, at 1,051 of 1,057).
# Behind it sits faulthandler's watchdog, a C thread that needs no GIL: past the test's timeout and
# a grace it writes every thread's stack to the real stderr and ends the process, so xdist reports
# the test as crashed and the run goes on.

#: seconds past a test's own timeout before the watchdog ends its process (the watchdog's own test
#: sets a short one)
HANG_GRACE_S = float(os.environ.get("PYTEST_HANG_GRACE_S", "60"))
_REAL_STDERR = pytest.StashKey[int]()


def pytest_configure(config):
    capman = config.pluginmanager.getplugin("capturemanager")
    err = getattr(getattr(capman, "_global_capturing", None), "err", None)
    # the stderr that fd capture put aside (a test's own stderr is captured to a temp file)
    config.stash[_REAL_STDERR] = os.dup(getattr(err, "targetfd_save", 2))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    import faulthandler

    from pytest_timeout import _get_item_settings

    # the timeout pytest-timeout itself applies (marker, --timeout, PYTEST_TIMEOUT, the ini), read its way
    timeout = _get_item_settings(item).timeout or 0
    if timeout > 0:
        faulthandler.dump_traceback_later(timeout + HANG_GRACE_S, exit=True, file=item.config.stash[_REAL_STDERR])
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="session", autouse=True)
def console_data_dir(tmp_path_factory):
    """Consoles built by tests keep evidence (snapshots, clips, exports) in a temp dir, never the user's."""
    os.environ["DUTY_CONSOLE_DATA"] = str(tmp_path_factory.mktemp("console-data"))


@pytest.fixture(scope="session")
def pg_cluster():
    """One real PostgreSQL 15 server for the session (temp dir, unix socket), stopped at the end."""
    from console.store import pg_cluster

    if not pg_cluster.available():
        pytest.skip("PostgreSQL 15 is not installed (scripts/bootstrap.sh installs postgresql-15)")
    cluster = pg_cluster.PgCluster().start()
    yield cluster
    cluster.stop()


_pg_dbs = iter(range(1, 1_000_000))


@pytest.fixture
def pg_url(pg_cluster):
    """A SQLAlchemy URL of a fresh, empty PostgreSQL database on the session's server."""
    return pg_cluster.create_database(f"t{next(_pg_dbs)}")


@pytest.fixture
def sqlite_db_url(tmp_path):
    """A SQLAlchemy URL of a fresh SQLite file in the test's temp dir: for tests of the network
    (heartbeats, deadlines) whose time goes into waiting, not into the store."""
    return f"sqlite:///{tmp_path / 't.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def tmp_db_url(request, tmp_path):
    """A SQLAlchemy URL of a fresh, empty database: a SQLite file in the test's temp dir, then
    a database on the session's PostgreSQL server (every test that takes it runs on both)."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_db_url")
    return request.getfixturevalue("pg_url")


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


@pytest.fixture(autouse=True)
def collect_on_the_main_thread(request):
    """Tests with Qt objects collect garbage on the GUI thread only, as the app does (console/app/
    gui_gc.py): widget tests start stream readers and workers too. The GUI-thread timer collects
    only while a Qt loop runs; between tests this thread does it."""
    if {"qapp", "qtbot"} & set(request.fixturenames):
        request.getfixturevalue("qapp")
        from console.app.gui_gc import collect_on_gui_thread

        collect_on_gui_thread()
    yield
    gui_gc = sys.modules.get("console.app.gui_gc")
    if gui_gc is not None and not gc.isenabled():
        gui_gc.collect_due()
