"""The console's outbox: commands made while offline, kept until the hub confirms."""

from __future__ import annotations

import time

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .engine import read_tx, write_tx
from .schema import outbox


class Outbox:
    """Durable queue of outgoing commands, in the order they were made."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, command_id: str, data: bytes) -> None:
        """Queue a command; adding an id already queued is a no-op (first kept)."""
        try:
            with write_tx(self._engine) as conn:
                conn.execute(
                    insert(outbox).values(command_id=command_id, created=time.time(), data=data)
                )
        except IntegrityError:
            pass

    def pending(self) -> list[tuple[str, bytes]]:
        """Unconfirmed commands in insertion order."""
        q = (
            select(outbox.c.command_id, outbox.c.data)
            .where(outbox.c.confirmed.is_(None))
            .order_by(outbox.c.pos)
        )
        with read_tx(self._engine) as conn:
            return [(r[0], bytes(r[1])) for r in conn.execute(q)]

    def confirm(self, command_id: str, result: bytes) -> None:
        """Mark a command answered by the hub; unknown or already confirmed ids are ignored."""
        with write_tx(self._engine) as conn:
            conn.execute(
                update(outbox)
                .where(outbox.c.command_id == command_id, outbox.c.confirmed.is_(None))
                .values(confirmed=time.time(), result=result)
            )

    def depth(self) -> int:
        """Number of commands still waiting for confirmation."""
        q = select(func.count()).select_from(outbox).where(outbox.c.confirmed.is_(None))
        with read_tx(self._engine) as conn:
            return conn.execute(q).scalar() or 0
