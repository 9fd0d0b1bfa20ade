"""Schema versions: a one-row version table and an ordered list of migrations.

Not Alembic: the store is a handful of tables created by `metadata.create_all`,
and one ordered list in this file says everything Alembic's version tree would,
without a second configuration (env.py, alembic.ini) that must agree with the
hub's URL handling, or a dependency the venv does not otherwise need. A database
records the version it was brought to; a store opening one with a version it
does not know (a newer hub wrote it) refuses with `SchemaVersionError`, before it
reads or writes anything else.

Version 1 is the schema as it stood when versions began (a file from before then
has no version table: it is brought to version 1 by the legacy step that scopes
command ids by sender, then stamped). Add a migration by appending a function to
`MIGRATIONS`; it runs inside one write transaction with the previous version stamped.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, inspect, select, update

from . import commands as _commands
from .engine import write_tx
from .schema import metadata


class SchemaVersionError(RuntimeError):
    """The database's schema version is one this program does not know."""


_version_md = MetaData()
schema_version = Table(
    "schema_version",
    _version_md,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1: one row
    Column("version", Integer, nullable=False),
    Column("written_by", String(64), nullable=False),
)


def _v1_baseline(conn: Connection) -> None:
    """Version 1: every table of schema.py (created before this runs; nothing to change)."""


def _v2_handoff_outbox(conn: Connection) -> None:
    """Version 2: the federated hub's outbox of hand-offs (schema.handoff_outbox)."""
    from .schema import handoff_outbox

    handoff_outbox.create(conn, checkfirst=True)  # create_all made it already on a new database


def _v3_incident_archive(conn: Connection) -> None:
    """Version 3: archived incidents, one searchable row each (schema.incident_archive)."""
    from .schema import incident_archive

    incident_archive.create(conn, checkfirst=True)


#: ordered: MIGRATIONS[i] brings version i to version i + 1
MIGRATIONS: list[Callable[[Connection], None]] = [_v1_baseline, _v2_handoff_outbox, _v3_incident_archive]
#: the version this program writes and understands
CURRENT = len(MIGRATIONS)


def read_version(engine: Engine) -> int | None:
    """The stamped version, or None for a database without a version table (new or pre-version)."""
    if not inspect(engine).has_table(schema_version.name):
        return None
    with engine.connect() as conn:
        return conn.execute(select(schema_version.c.version).where(schema_version.c.id == 1)).scalar()


def upgrade(engine: Engine, url: str = "") -> int:
    """Bring the database to `CURRENT` (creating it if empty); returns the version it now has.

    Raises SchemaVersionError for a version newer than CURRENT, naming both.
    """
    found = read_version(engine)
    if found is not None and found > CURRENT:
        raise SchemaVersionError(
            f"the database {_safe(url)} has schema version {found}, but this duty-console knows "
            f"versions up to {CURRENT}: it was written by a newer release; run that release "
            f"(or a newer one) against it, never an older one")
    if found is None:
        _commands.migrate(engine)  # a pre-version SQLite file: command ids scoped by sender
    metadata.create_all(engine)
    schema_version.create(engine, checkfirst=True)
    with write_tx(engine) as conn:
        # re-read under the write lock: two stores opening one new database stamp it once
        found = conn.execute(select(schema_version.c.version).where(schema_version.c.id == 1)).scalar()
        if found is None:
            conn.execute(schema_version.insert().values(id=1, version=0, written_by=_me()))
            found = 0
        for step in range(found, CURRENT):
            MIGRATIONS[step](conn)
        if found < CURRENT:
            conn.execute(update(schema_version).where(schema_version.c.id == 1)
                         .values(version=CURRENT, written_by=_me()))
    return CURRENT


def _me() -> str:
    try:
        from importlib.metadata import version

        return f"duty-console {version('duty-console')}"
    except Exception:  # noqa: BLE001 - a source checkout without install metadata
        return "duty-console"


def _safe(url: str) -> str:
    """The URL without a password, for messages."""
    if not url:
        return "(unnamed)"
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "(unparsable URL)"
