"""The hub's event log and state snapshots."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import Connection, Engine, delete, func, insert, select

from .engine import read_tx, write_tx
from .schema import events, log_meta, snapshots

EventRow = tuple[int, str, float, bytes]


class DuplicateEventError(ValueError):
    """An appended batch holds a sequence number that is already in the log."""


#: the driver's placeholder by DB-API paramstyle (SQLite's sqlite3: qmark; psycopg 3: pyformat)
_MARK = {"qmark": "?", "pyformat": "%s"}


def append_events(conn: Connection, rows: list[EventRow]) -> None:
    """Append events inside an open write transaction.

    The tuples go straight to the driver's executemany. SQLAlchemy's own insert made a dict per
    row and ran a bind step per column: 5.3-6.1 µs a row against 2.7-3.2 for the same rows this
    way, in the hub's committer thread and under the GIL its loop needs (bench/PERF.md, ninth pass).
    """
    mark = _MARK[conn.dialect.paramstyle]  # the store's two drivers (engine.py) take these
    conn.exec_driver_sql(f"INSERT INTO {events.name} (seq, type, ts, data) VALUES ({mark}, {mark}, {mark}, {mark})",
                         rows)


def write_snapshot(conn: Connection, seq: int, data: bytes) -> None:
    """Store a snapshot inside an open write transaction (replacing one at the same seq)."""
    conn.execute(delete(snapshots).where(snapshots.c.seq == seq))
    conn.execute(insert(snapshots).values(seq=seq, created=time.time(), data=data))


class EventLog:
    """Append-only log of hub events keyed by sequence number."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def epoch(self) -> str:
        """This log's epoch: made (random) the first time it is asked for, then kept in the file."""
        with write_tx(self._engine) as conn:
            value = conn.execute(select(log_meta.c.value).where(log_meta.c.key == "epoch")).scalar()
            if value is None:
                value = uuid.uuid4().hex
                conn.execute(insert(log_meta).values(key="epoch", value=value))
        return value

    def after(self, seq: int, limit: int | None = None) -> list[EventRow]:
        """Events with a sequence number above ``seq``, ascending."""
        q = (
            select(events.c.seq, events.c.type, events.c.ts, events.c.data)
            .where(events.c.seq > seq)
            .order_by(events.c.seq)
        )
        if limit is not None:
            q = q.limit(limit)
        with read_tx(self._engine) as conn:
            return [(r[0], r[1], r[2], bytes(r[3])) for r in conn.execute(q)]

    def last_seq(self) -> int:
        """Highest sequence number, 0 when empty."""
        return self._scalar(select(func.max(events.c.seq)))

    def first_seq(self) -> int:
        """Lowest sequence number kept, 0 when empty."""
        return self._scalar(select(func.min(events.c.seq)))

    def count(self) -> int:
        """Number of events kept."""
        return self._scalar(select(func.count()).select_from(events))

    def prune_before(self, seq: int) -> int:
        """Drop events below ``seq`` (kept state lives in a snapshot); returns rows removed."""
        with write_tx(self._engine) as conn:
            return conn.execute(delete(events).where(events.c.seq < seq)).rowcount

    def save_snapshot(self, seq: int, data: bytes) -> None:
        """Store the full state as of ``seq``; replaces an earlier snapshot at the same seq."""
        with write_tx(self._engine) as conn:
            write_snapshot(conn, seq, data)

    def latest_snapshot(self, at_or_before: int | None = None) -> tuple[int, bytes] | None:
        """The newest snapshot, or the newest at or before ``at_or_before``."""
        q = select(snapshots.c.seq, snapshots.c.data).order_by(snapshots.c.seq.desc()).limit(1)
        if at_or_before is not None:
            q = q.where(snapshots.c.seq <= at_or_before)
        with read_tx(self._engine) as conn:
            row = conn.execute(q).first()
        return None if row is None else (row[0], bytes(row[1]))

    def _scalar(self, q) -> int:
        with read_tx(self._engine) as conn:
            return conn.execute(q).scalar() or 0
