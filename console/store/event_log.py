"""The hub's event log and state snapshots."""

from __future__ import annotations

import time

from sqlalchemy import Connection, Engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from .engine import read_tx, write_tx
from .schema import events, snapshots

EventRow = tuple[int, str, float, bytes]


class DuplicateEventError(ValueError):
    """An appended batch holds a sequence number that is already in the log."""


def write_snapshot(conn: Connection, seq: int, data: bytes) -> None:
    """Store a snapshot inside an open write transaction (replacing one at the same seq)."""
    conn.execute(delete(snapshots).where(snapshots.c.seq == seq))
    conn.execute(insert(snapshots).values(seq=seq, created=time.time(), data=data))


class EventLog:
    """Append-only log of hub events keyed by sequence number."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def append(self, rows: list[EventRow]) -> None:
        """Write ``(seq, type, ts, data)`` rows in one transaction; all or nothing."""
        if not rows:
            return
        params = [{"seq": s, "type": t, "ts": ts, "data": d} for s, t, ts, d in rows]
        try:
            with write_tx(self._engine) as conn:
                conn.execute(insert(events), params)
        except IntegrityError as exc:
            raise DuplicateEventError(f"duplicate sequence number in batch: {exc.orig}") from exc

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
