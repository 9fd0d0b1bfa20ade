"""Persistent store: event log, snapshots, command results, audit chain, outbox, settings.

Plain blocking SQLAlchemy Core: no Qt, no asyncio. Callers run it on a
single-worker executor; the engine may be used by one thread at a time.
SQLite by default; PostgreSQL (psycopg 3) by a ``postgresql://`` URL, with the
same behaviour (engine.py); the schema's version is checked and brought up to date
on open (migrations.py).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from . import commands as _commands
from .archive import IncidentArchive
from .audit import AuditRow, AuditTrail, AuditVerdict, append_rows, verify_audit_url
from .commands import CommandResults
from .engine import make_engine, normalize_url, write_tx
from .event_log import DuplicateEventError, EventLog, EventRow, append_events, write_snapshot
from .migrations import SchemaVersionError, upgrade
from .handoff_outbox import HandoffOutbox, PendingHandoff
from .outbox import Outbox
from .settings import Settings

__all__ = [
    "AuditVerdict",
    "DuplicateEventError",
    "EventRow",
    "SchemaVersionError",
    "Store",
    "make_engine",
    "verify_audit_url",
]


class Store:
    """One database file (or URL) and every repository on it, behind one facade."""

    def __init__(self, url: str = "sqlite:///duty.db") -> None:
        self.url = normalize_url(url)
        self.engine: Engine = make_engine(self.url)
        try:
            self.schema_version = upgrade(self.engine, self.url)
        except BaseException:
            self.engine.dispose()
            raise
        self._events = EventLog(self.engine)
        self._commands = CommandResults(self.engine)
        self._audit = AuditTrail(self.engine)
        self._outbox = Outbox(self.engine)
        self._settings = Settings(self.engine)
        self._handoffs = HandoffOutbox(self.engine)
        self._archive = IncidentArchive(self.engine)
        self._closed = False

    # ---- event log -------------------------------------------------------

    def events_after(self, seq: int, limit: int | None = None) -> list[EventRow]:
        """Events with seq greater than ``seq``, ascending, at most ``limit``."""
        return self._events.after(seq, limit)

    def last_seq(self) -> int:
        """Highest seq in the log, 0 if empty."""
        return self._events.last_seq()

    def first_seq(self) -> int:
        """Lowest seq in the log, 0 if empty."""
        return self._events.first_seq()

    def log_epoch(self) -> str:
        """The id of this log, made the first time a hub asks (sent in `hello`, checked on `resume`)."""
        return self._events.epoch()

    def event_count(self) -> int:
        """Number of events in the log."""
        return self._events.count()

    def prune_events_before(self, seq: int) -> int:
        """Delete events with seq below ``seq``; returns how many."""
        return self._events.prune_before(seq)

    def commit(self, rows: list[EventRow], results: list[tuple[str, str, bytes]],
               audit: list[tuple[str | None, AuditRow]] = (),
               snapshot: tuple[int, bytes] | None = None) -> tuple[int, str] | None:
        """Events, the command results they answer, their audit entries and a snapshot, in ONE transaction.

        A crash can then never keep a command's events but lose its result (a
        retry would apply it twice) or its audit entry, or the other way round.
        Results are ``(command id, sender, result)``; one whose (sender, id) is
        already stored is skipped (the first result is kept), and so are the audit
        entries of those (``audit`` pairs a command id, or None, with its entry,
        whose first field is the sender), so a retried command is audited once.
        ``snapshot`` is ``(seq, state bytes)`` of the state after the last of
        ``rows`` (or of what is already logged). Returns the audit chain head
        ``(id, hash)`` when entries were written, else None.
        """
        now = time.time()
        try:
            with write_tx(self.engine) as conn:
                if rows:
                    append_events(conn, rows)
                known: set[tuple[str, str]] = set()
                if results:
                    known = _commands.insert_new(conn, results, now)
                head = append_rows(conn, [row for cid, row in audit if cid is None or (row[0], cid) not in known],
                                   now)
                if snapshot is not None:
                    write_snapshot(conn, *snapshot)
        except IntegrityError as exc:
            raise DuplicateEventError(f"duplicate sequence number in batch: {exc.orig}") from exc
        return head

    # ---- archive of past incidents -------------------------------------

    def keep_archived(self, hits: list) -> int:
        """Store the searchable rows of incidents leaving the live state (console/store/archive.py)."""
        return self._archive.keep(hits)

    def search_archive(self, query, towns: set[str] | None = None) -> list:
        """Archived incidents answering a `CaseQuery`, newest first (`towns`: only those)."""
        return self._archive.search(query, towns)

    def command_ids(self) -> set[tuple[str, str]]:
        """Every (sender, command id) with a stored result."""
        return self._commands.keys()

    # ---- snapshots -------------------------------------------------------

    def save_snapshot(self, seq: int, data: bytes) -> None:
        """Store an opaque state snapshot taken after applying ``seq``."""
        self._events.save_snapshot(seq, data)

    def latest_snapshot(self, at_or_before: int | None = None) -> tuple[int, bytes] | None:
        """``(seq, data)`` of the newest snapshot (at or before ``at_or_before``), or None."""
        return self._events.latest_snapshot(at_or_before)

    # ---- command results (hub) -------------------------------------------

    def command_result(self, actor: str, command_id: str) -> bytes | None:
        """First result stored for ``actor``'s ``command_id``, or None."""
        return self._commands.get(actor, command_id)

    def command_result_count(self) -> int:
        """Number of stored command results."""
        return self._commands.count()

    def prune_command_results(self, **bounds: float) -> set[tuple[str, str]]:
        """Drop results beyond the retention bounds (store/commands.py); returns the keys dropped."""
        return self._commands.prune(**bounds)

    # ---- audit -----------------------------------------------------------

    def audit(self, actor: str, role: str, action: str, outcome: str, detail: dict[str, Any]) -> int:
        """Append a hash-chained audit entry; returns its id (1, 2, 3, ...)."""
        return self._audit.append(actor, role, action, outcome, detail)

    def verify_audit(self) -> AuditVerdict:
        """Check the whole audit chain."""
        return self._audit.verify()

    # ---- outbox (console) ------------------------------------------------

    def outbox_add(self, command_id: str, data: bytes) -> None:
        """Queue a command until the hub confirms it (re-adding an id is a no-op)."""
        self._outbox.add(command_id, data)

    def outbox_pending(self) -> list[tuple[str, bytes]]:
        """Unconfirmed ``(command_id, data)`` in insertion order."""
        return self._outbox.pending()

    def outbox_confirm(self, command_id: str, result: bytes) -> None:
        """Record the hub's answer; the command leaves the pending list."""
        self._outbox.confirm(command_id, result)

    def outbox_depth(self) -> int:
        """Number of pending commands."""
        return self._outbox.depth()

    # ---- hand-off outbox (federated hub) ----------------------------------

    def handoff_add(self, msg_id: str, to_center: str, headers: dict[str, str], data: bytes) -> bool:
        """Keep an outgoing hand-off until JetStream acknowledges it (False: that id is already kept)."""
        return self._handoffs.add(msg_id, to_center, headers, data)

    def handoff_pending(self, limit: int = 500) -> list[PendingHandoff]:
        """Outgoing hand-offs not yet acknowledged, oldest first."""
        return self._handoffs.pending(limit)

    def handoff_sent(self, msg_id: str) -> None:
        """JetStream acknowledged this hand-off."""
        self._handoffs.mark_sent(msg_id)

    def handoff_depth(self) -> int:
        """Outgoing hand-offs still waiting."""
        return self._handoffs.depth()

    # ---- settings --------------------------------------------------------

    def put_setting(self, key: str, value: bytes) -> None:
        """Set a small opaque value."""
        self._settings.put(key, value)

    def get_setting(self, key: str) -> bytes | None:
        """Read a value set with ``put_setting``, or None."""
        return self._settings.get(key)

    # ---- lifecycle -------------------------------------------------------

    def close(self) -> None:
        """Dispose the engine; safe to call more than once."""
        if not self._closed:
            self._closed = True
            self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
