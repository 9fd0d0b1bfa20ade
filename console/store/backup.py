"""Backups of a hub database taken while the hub runs, and their restore into a new database.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database in one
step under one read transaction. On a WAL database that transaction does not stop the
hub's committer, and the copy is the state as of one commit: a batch's events, results
and audit entries are all in it or all out. (Copying in steps would restart from the
beginning every time the hub commits, and might never finish on a busy hub.)
PostgreSQL: `pg_dump --format=custom`, one consistent snapshot too, restored with
`pg_restore` into an existing empty database in one transaction.

A restore is never an overwrite: the target must be new or empty. After the copy the
store is opened (an older schema is brought up to date, `migrations.py`), the audit
chain is verified, and the log gets a **new epoch** (PROTOCOL.md, section 7: "a hub on
a fresh or restored database has another one"). The restored log may end before
events that consoles and the district have already folded; with a new epoch they take
a snapshot instead of splicing seq numbers of two different histories.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, insert, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from .audit import AuditTrail, AuditVerdict
from .engine import is_postgres, make_engine, normalize_url, read_tx, sqlite_path, write_tx
from .migrations import read_version
from .schema import audit_log, events, log_meta

#: the first bytes of each kind of backup file
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
#: log_meta key remembering which log a restored one was copied from
RESTORED_FROM_KEY = "restored_from"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why in one line."""


@dataclass(frozen=True)
class Summary:
    """What a backup or a restored database holds."""

    events: int
    last_seq: int
    audit_entries: int
    schema_version: int | None
    epoch: str
    audit: AuditVerdict
    #: the epoch of the log the restore was copied from ("" for a backup)
    previous_epoch: str = ""


def summarize(url: str) -> Summary:
    """Counts, schema version, epoch and the audit verdict of a database (nothing is created)."""
    engine = make_engine(url, create=False)
    try:
        try:
            tables = set(inspect(engine).get_table_names())
        except DBAPIError as exc:
            raise BackupError(f"{_safe(url)} holds no hub event log ({exc.orig})") from exc
        if events.name not in tables:
            raise BackupError(f"{_safe(url)} holds no hub event log")
        with read_tx(engine) as conn:
            n, last = conn.execute(select(func.count(), func.coalesce(func.max(events.c.seq), 0))).one()
            audits = conn.execute(select(func.count()).select_from(audit_log)).scalar() if audit_log.name in tables else 0
            epoch = conn.execute(select(log_meta.c.value).where(log_meta.c.key == "epoch")).scalar() or ""
            prev = conn.execute(select(log_meta.c.value).where(log_meta.c.key == RESTORED_FROM_KEY)).scalar() or ""
        return Summary(n, last, audits, read_version(engine), epoch, AuditTrail(engine).verify(), prev)
    finally:
        engine.dispose()


# ------------------------------------------------------------------ backup

def backup(url: str, out: str | os.PathLike) -> Summary:
    """Copy the database at `url` to the file `out` (written whole, then renamed into place).

    Raises BackupError for a missing database, an existing `out`, or a failed copy.
    """
    url = normalize_url(url)
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; a backup never overwrites a file")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if is_postgres(url):
            _pg_dump(url, partial)
        else:
            _sqlite_backup(url, partial)
        os.chmod(partial, 0o600)  # the audit trail and the whole history: not for every user
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    if is_postgres(url):
        return summarize(url)  # what was dumped: the live database, counted after the snapshot
    return summarize(f"sqlite:///file:{out}?mode=ro&uri=true")  # read-only: the file stays one file


def _sqlite_backup(url: str, out: Path) -> None:
    path = sqlite_path(url)
    if path is None:
        raise BackupError(f"{_safe(url)}: only a SQLite file or a PostgreSQL database can be backed up")
    if not path.is_file():
        raise BackupError(f"no database at {path}")
    src = sqlite3.connect(path, timeout=30)
    try:
        src.execute("PRAGMA query_only=1")
        dst = sqlite3.connect(out)
        try:
            src.backup(dst)  # pages=-1: one step, one read transaction, one consistent state
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            problems = dst.execute("PRAGMA integrity_check").fetchall()
            if problems != [("ok",)]:
                raise BackupError(f"the copy of {path} fails its integrity check: {problems[:3]}")
        finally:
            dst.close()
    finally:
        src.close()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for pg_dump/pg_restore, and the environment holding its password
    (never on the command line, where every user's `ps` shows it)."""
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    plain = u.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client-15)")
    return found


def _pg_dump(url: str, out: Path) -> None:
    target, env = _libpq(url)
    r = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                        "--file", str(out), target], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise BackupError(f"pg_dump of {_safe(url)} failed: {r.stderr.strip()[:500]}")


# ------------------------------------------------------------------ restore

def restore(backup_file: str | os.PathLike, url: str) -> Summary:
    """Restore a backup into `url` (a new SQLite file, or an existing empty PostgreSQL database).

    The schema is brought up to date, the log gets a new epoch, and the audit chain is
    verified: check `Summary.audit.ok` (a broken chain is reported, not raised, so the
    operator sees where it breaks). Raises BackupError when nothing could be restored.
    """
    from . import Store

    src = Path(backup_file)
    url = normalize_url(url)
    try:
        with open(src, "rb") as f:
            magic = f.read(16)
    except OSError as exc:
        raise BackupError(f"cannot read {src}: {exc.strerror or exc}") from exc
    if magic.startswith(SQLITE_MAGIC):
        if is_postgres(url):
            raise BackupError(f"{src} is a SQLite backup: restore it into a sqlite:/// URL")
        _sqlite_restore(src, url)
    elif magic.startswith(PG_DUMP_MAGIC):
        if not is_postgres(url):
            raise BackupError(f"{src} is a PostgreSQL dump: restore it into a postgresql:// URL")
        _pg_restore(src, url)
    else:
        raise BackupError(f"{src} is neither a SQLite backup nor a pg_dump archive")
    store = Store(url)  # migrations: a backup of an older release opens as this release's schema
    try:
        previous = store.log_epoch()
        with write_tx(store.engine) as conn:
            conn.execute(delete(log_meta).where(log_meta.c.key.in_(["epoch", RESTORED_FROM_KEY])))
            conn.execute(insert(log_meta), [{"key": "epoch", "value": uuid.uuid4().hex},
                                            {"key": RESTORED_FROM_KEY, "value": previous}])
    finally:
        store.close()
    return summarize(url)


def _sqlite_restore(src: Path, url: str) -> None:
    path = sqlite_path(url)
    if path is None:
        raise BackupError(f"{_safe(url)}: restore into a SQLite file or a PostgreSQL database")
    if path.exists() and path.stat().st_size > 0:
        raise BackupError(f"{path} already exists; restore into a new file (a restore never overwrites)")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        backup_db = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                backup_db.backup(dst)
            finally:
                dst.close()
        finally:
            backup_db.close()
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except sqlite3.Error as exc:
        raise BackupError(f"{src} cannot be restored: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)


def _pg_restore(src: Path, url: str) -> None:
    engine = make_engine(url)
    try:
        if inspect(engine).get_table_names():
            raise BackupError(f"{_safe(url)} is not empty; restore into a new, empty database")
    finally:
        engine.dispose()
    target, env = _libpq(url)
    r = subprocess.run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                        "--single-transaction", "--dbname", target, str(src)],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise BackupError(f"pg_restore into {_safe(url)} failed: {r.stderr.strip()[:500]}")


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is named as given, minus nothing secret
        return "(the database URL)"
