"""Idempotent command results (hub side): each command id is applied once."""

from __future__ import annotations

import time

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from .engine import read_tx, write_tx
from .schema import command_results


class CommandResults:
    """First result of every command id, so retries get the same answer."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, command_id: str) -> bytes | None:
        """The stored result for ``command_id``, or None if never applied."""
        q = select(command_results.c.result).where(command_results.c.command_id == command_id)
        with read_tx(self._engine) as conn:
            v = conn.execute(q).scalar()
        return None if v is None else bytes(v)

    def save(self, command_id: str, actor: str, result: bytes) -> bool:
        """Store the result; False (and the first result kept) if the id is known."""
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

    def ids(self) -> set[str]:
        """Every command id with a stored result (the hub loads them at start)."""
        with read_tx(self._engine) as conn:
            return {r[0] for r in conn.execute(select(command_results.c.command_id))}
