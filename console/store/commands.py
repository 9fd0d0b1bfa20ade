"""Idempotent command results (hub side): each (sender, command id) is applied once.

Ids are scoped by the sender (the principal's name): commander 2 reusing commander
1's id is a new command of commander 2's, never commander 1's result. Results are
kept for a bounded time and count (`MAX_RESULTS`, `MAX_RESULT_AGE`): a retry older
than that would be applied again, which no client does (the console retries within
its session).
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, Engine, delete, func, insert, inspect, select, text, tuple_
from sqlalchemy.exc import IntegrityError

from .engine import read_tx, write_tx
from .schema import command_results

#: at most this many results are kept (the newest)
MAX_RESULTS = 100_000
#: and none older than this (seconds): 7 days
MAX_RESULT_AGE = 7 * 24 * 3600.0

#: (sender, command id)
Key = tuple[str, str]


def migrate(engine: Engine) -> None:
    """Bring a file made before ids were scoped by sender to the current table (same rows, new key)."""
    insp = inspect(engine)
    if "command_results" not in insp.get_table_names():
        return
    pk = insp.get_pk_constraint("command_results").get("constrained_columns") or []
    if pk != ["command_id"]:
        return
    with write_tx(engine) as conn:
        conn.execute(text("ALTER TABLE command_results RENAME TO command_results_unscoped"))
        conn.execute(text("DROP INDEX IF EXISTS ix_command_results_created"))
    command_results.create(engine)
    with write_tx(engine) as conn:
        conn.execute(text("INSERT INTO command_results (actor, command_id, created, result) "
                          "SELECT actor, command_id, created, result FROM command_results_unscoped"))
        conn.execute(text("DROP TABLE command_results_unscoped"))


def insert_new(conn: Connection, results: list[tuple[str, str, bytes]], now: float) -> set[Key]:
    """Insert (command id, sender, result) rows whose key is not stored yet (the first result is kept).

    Returns the keys that were already stored (their commands were retries).
    """
    wanted = {(actor, cid) for cid, actor, _ in results}
    known = {tuple(r) for r in conn.execute(
        select(command_results.c.actor, command_results.c.command_id).where(
            tuple_(command_results.c.actor, command_results.c.command_id).in_(wanted)))}
    fresh: dict[Key, dict] = {}
    for cid, actor, data in results:
        key = (actor, cid)
        if key not in known and key not in fresh:
            fresh[key] = {"command_id": cid, "actor": actor, "created": now, "result": data}
    if fresh:
        conn.execute(insert(command_results), list(fresh.values()))
    return known


class CommandResults:
    """First result of every (sender, command id), so retries get the same answer."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, actor: str, command_id: str) -> bytes | None:
        """The stored result of ``actor``'s ``command_id``, or None if never applied."""
        q = select(command_results.c.result).where(command_results.c.actor == actor,
                                                   command_results.c.command_id == command_id)
        with read_tx(self._engine) as conn:
            v = conn.execute(q).scalar()
        return None if v is None else bytes(v)

    def save(self, actor: str, command_id: str, result: bytes) -> bool:
        """Store the result; False (and the first result kept) if the key is known."""
        try:
            with write_tx(self._engine) as conn:
                conn.execute(
                    insert(command_results).values(
                        command_id=command_id, actor=actor, created=time.time(), result=result
                    )
                )
        except IntegrityError:
            return False
        return True

    def keys(self) -> set[Key]:
        """Every (sender, command id) with a stored result (the hub loads them at start)."""
        with read_tx(self._engine) as conn:
            return {(r[0], r[1]) for r in conn.execute(
                select(command_results.c.actor, command_results.c.command_id))}

    def count(self) -> int:
        """Number of stored results."""
        with read_tx(self._engine) as conn:
            return conn.execute(select(func.count()).select_from(command_results)).scalar() or 0

    def prune(self, *, max_rows: int | None = None, max_age: float | None = None,
              now: float | None = None) -> set[Key]:
        """Delete results older than max_age and all but the newest max_rows; returns the keys deleted.

        The bounds default to MAX_RESULTS and MAX_RESULT_AGE (read at the call).
        """
        max_rows = MAX_RESULTS if max_rows is None else max_rows
        max_age = MAX_RESULT_AGE if max_age is None else max_age
        now = time.time() if now is None else now
        c = command_results.c
        with write_tx(self._engine) as conn:
            old = c.created < now - max_age
            # the newest row beyond the bound: it and everything older go (rows of one commit share a time)
            edge = conn.execute(select(c.created).order_by(c.created.desc()).offset(max_rows).limit(1)).scalar()
            cond = old if edge is None else (old | (c.created <= edge))
            gone = {(r[0], r[1]) for r in conn.execute(select(c.actor, c.command_id).where(cond))}
            if gone:
                conn.execute(delete(command_results).where(cond))
        return gone
