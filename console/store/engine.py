"""Engine construction and transaction helpers.

SQLite gets WAL and ``synchronous=NORMAL`` (durable across application crashes,
fast enough for >100k rows/s) and real ``BEGIN`` statements, so a transaction
that reads then writes (the audit chain) holds the write lock from its start.

PostgreSQL (``postgresql://`` or ``postgresql+psycopg://``, driven by psycopg 3)
gets the same single-writer behaviour from a transaction-scoped advisory lock that
every write transaction takes first: two hubs (or a hub and a tool) on one database
never interleave the read-then-write of the audit chain or the epoch. Reads run
at READ COMMITTED inside one transaction, as on SQLite's WAL snapshot they see one
committed state per query. Any other SQLAlchemy URL is used as given.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

_BEGIN_OPTION = "sqlite_begin"
#: the advisory lock key every PostgreSQL write transaction holds ("duty" in ASCII)
PG_WRITE_LOCK = 0x64757479


def normalize_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (SQLAlchemy's default driver for it is psycopg2)."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def is_postgres(url: str) -> bool:
    """True for a PostgreSQL URL (any driver)."""
    return make_url(normalize_url(url)).get_backend_name() == "postgresql"


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or None for in-memory and other URLs."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    db = u.database or ""
    if db in ("", ":memory:") or db.startswith("file:"):
        return None
    return Path(db)


def make_engine(url: str, *, create: bool = True) -> Engine:
    """Build an engine for ``url``.

    With ``create`` False a missing SQLite file raises ``FileNotFoundError``
    instead of being created (used by read-only tools such as audit verification).
    """
    url = normalize_url(url)
    u = make_url(url)
    if u.get_backend_name() == "postgresql":
        # pre_ping: a hub outlives a database restart; a dead pooled connection is replaced, not used
        return create_engine(url, pool_pre_ping=True)
    if u.get_backend_name() != "sqlite":
        return create_engine(url)

    path = sqlite_path(url)
    if path is not None:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.exists():
            raise FileNotFoundError(path)

    kwargs: dict = {"connect_args": {"check_same_thread": False}}
    if path is None:
        # In-memory: every connection must see the same database.
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if path is not None:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


@contextlib.contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A transaction that takes the write lock at once (``BEGIN IMMEDIATE`` on SQLite,
    the advisory write lock on PostgreSQL), held until commit or rollback."""
    with engine.connect() as conn:
        conn.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")
            yield conn


@contextlib.contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """A read transaction: one consistent view across several queries."""
    with engine.connect() as conn, conn.begin():
        yield conn
