"""Direct SQL on a store's database, outside the store: the forger's (and the checker's) tool, on
SQLite and PostgreSQL alike."""

import contextlib
import sqlite3


def is_pg(url: str) -> bool:
    """True for a PostgreSQL URL."""
    return url.startswith("postgres")


class _PgRaw:
    """A raw psycopg connection that takes sqlite3's `?` placeholders."""

    def __init__(self, url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url)
        self.conn = psycopg.connect(host=u.query["host"], user=u.username, dbname=u.database)

    def execute(self, sql: str, params: tuple = ()):
        """Run one statement; returns the cursor (fetchone, fetchall, iteration)."""
        return self.conn.execute(sql.replace("?", "%s"), params)


@contextlib.contextmanager
def raw_db(url: str):
    """A DB-API connection to the database at `url`, committed on a clean exit, closed always."""
    if is_pg(url):
        raw = _PgRaw(url)
        with raw.conn:
            yield raw
        return
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        with con:
            yield con
    finally:
        con.close()


def db_bytes(url: str) -> int:
    """What the database occupies on disk: the SQLite file and its WAL, or PostgreSQL's database size."""
    if is_pg(url):
        with raw_db(url) as db:
            return db.execute("select pg_database_size(current_database())").fetchone()[0]
    from pathlib import Path

    path = Path(url.removeprefix("sqlite:///"))
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
