"""Small key/value settings (last applied seq, cached replica, audit head)."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, insert, select, update

from .engine import read_tx, write_tx
from .schema import settings


def put(conn: Connection, key: str, value: bytes) -> None:
    """Upsert inside an open transaction (portable: update, then insert if absent)."""
    if conn.execute(update(settings).where(settings.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(settings).values(key=key, value=value))


def get(conn: Connection, key: str) -> bytes | None:
    """Read inside an open transaction."""
    v = conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
    return None if v is None else bytes(v)


class Settings:
    """Key/value store of opaque bytes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def put(self, key: str, value: bytes) -> None:
        """Set ``key`` to ``value``."""
        with write_tx(self._engine) as conn:
            put(conn, key, value)

    def get(self, key: str) -> bytes | None:
        """The value of ``key``, or None."""
        with read_tx(self._engine) as conn:
            return get(conn, key)
