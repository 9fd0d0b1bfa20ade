"""A throwaway PostgreSQL 15 cluster in a temp dir, reached over a unix socket.

For tests, `duty-console city` and the fault trials: `initdb` into a fresh directory,
`pg_ctl start` with no TCP listener (only a socket in the same directory), one
database per caller, `pg_ctl stop` at the end. PostgreSQL refuses to run as root,
so as root the server runs as `nobody` (the directory is handed to that user).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

#: where Debian's postgresql-15 puts its server programs
PG_BIN = Path(os.environ.get("DUTY_PG_BIN", "/usr/lib/postgresql/15/bin"))
_RUN_AS = "nobody"


class PgUnavailable(RuntimeError):
    """The PostgreSQL server programs are not installed here."""


def available() -> bool:
    """True when initdb and pg_ctl are installed (scripts/bootstrap.sh installs postgresql-15)."""
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


class PgCluster:
    """One private PostgreSQL server; `url(db)` gives a SQLAlchemy URL for a database on it."""

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        if not available():
            raise PgUnavailable(f"no PostgreSQL server programs in {PG_BIN} (apt-get install postgresql-15)")
        # Not under pytest's tmp_path: that is mode 700 for root, and the server runs as nobody.
        self.dir = Path(tempfile.mkdtemp(prefix="duty-pg-", dir=root))
        self.data = self.dir / "data"
        self.sock = self.dir  # the socket lives next to the data: short path, private
        self._as_root = os.geteuid() == 0
        self._running = False

    def _run(self, *args: str) -> None:
        cmd = [str(PG_BIN / args[0]), *args[1:]]
        if self._as_root:
            cmd = ["runuser", "-u", _RUN_AS, "--", *cmd]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({r.returncode}): {r.stderr.strip() or r.stdout.strip()}")

    def start(self) -> PgCluster:
        """initdb and start the server; returns self."""
        if self._as_root:
            shutil.chown(self.dir, _RUN_AS)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync", "--no-instructions")
        # fsync off: a test cluster never outlives a crash of this machine; durability is not under test
        opts = f"-k {self.sock} -c listen_addresses='' -c fsync=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.dir / "server.log"),
                  "-w", "-t", "30", "start")
        self._running = True
        return self

    def url(self, db: str = "postgres") -> str:
        """SQLAlchemy URL (psycopg 3) of database `db` over the unix socket."""
        return f"postgresql+psycopg://postgres@/{db}?host={self.sock}"

    def create_database(self, name: str) -> str:
        """Create database `name` (dropping one of that name) and return its URL."""
        import psycopg

        with psycopg.connect(host=str(self.sock), user="postgres", dbname="postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory; safe to call twice."""
        if self._running:
            self._running = False
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")
            except RuntimeError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
