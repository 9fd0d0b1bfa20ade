"""A console started with no local file connects first and opens its file after (console/app/console.py).

Built the way the app builds it (`build_console`), against a real hub on 127.0.0.1, real SQLite files.
The first camera picture waited for SQLAlchemy's import and the file (P5 in bench/PERF.md): a
console with nothing to restore no longer waits, and one whose file cannot be made says so and
leaves nothing running.
"""

from __future__ import annotations

import threading

import pytest

import console.app.console as app_console
from console.client.session import Session
from tests.hub.harness import running_hub
from tests.ui.test_live_console import collect_on_the_gui_thread, console_on, keep_loop_on_close, until  # noqa: F401 - autouse

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(120)]


async def test_a_console_with_no_local_file_goes_live_before_its_file_is_opened(tmp_path, monkeypatch):
    sessions: list[Session] = []
    real_start, real_open = Session.start, app_console._open_store

    def start(session: Session) -> None:
        sessions.append(session)
        real_start(session)

    def open_once_live(local_db: str):
        # on the store's worker: the file is opened only once the session is live (the old order,
        # file first, never gets here: the session waited for the file)
        for _ in range(2000):
            if sessions and sessions[0].live.is_set():
                return real_open(local_db)
            threading.Event().wait(0.01)
        raise AssertionError("the session did not go live before the console's file was opened")

    monkeypatch.setattr(Session, "start", start)
    monkeypatch.setattr(app_console, "_open_store", open_once_live)
    async with running_hub(f"sqlite:///{tmp_path / 'hub.db'}") as hub:
        async with console_on(hub.url, "demo-commander", tmp_path, "fresh") as console:
            assert console.session.store is console.store is not None
            assert (tmp_path / "fresh.db").exists()
            await until(lambda: console.replica.state.seq == hub.core.state.seq, "the console to hold the hub's state")


async def test_a_console_whose_file_cannot_be_made_says_so_and_leaves_nothing_running(tmp_path):
    (tmp_path / "not-a-folder").write_text("a file where the console's folder should be")
    before = {t.ident for t in threading.enumerate()}
    async with running_hub(f"sqlite:///{tmp_path / 'hub.db'}") as hub:
        with pytest.raises(Exception) as failed:
            await app_console.build_console(hub.url, "demo-commander",
                                            local_db=f"sqlite:///{tmp_path / 'not-a-folder' / 'console.db'}")
        assert "not-a-folder" in str(failed.value)  # it names the path it could not make
        await until(lambda: not [t for t in threading.enumerate() if t.ident not in before and t.is_alive()
                                 and t.name.startswith(("console-db", "stream-"))],
                    "the session's and the readers' threads to end")
