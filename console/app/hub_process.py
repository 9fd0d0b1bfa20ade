"""`demo`'s hub in a child process: started before the console imports Qt, so its imports and
scenario world are built on the other core while the window paints.

The console talks to it over the real websocket, as to any hub. The child is this same program
(`python -m console _hub-child`, or the bundle's own executable with `_hub-child`): it reads its
`HubConfig` as one JSON line on stdin (no secret on a command line), starts the hub on a free
loopback port and writes one JSON line on a pipe of its own: `{"url": …}` once listening, or
`{"error": …}`. Its stdout and stderr are the console's (the field link and its QR code, the log).
It ends when its stdin closes: the console closing it, or the console dying in any way (killed,
crashed), which the kernel does for it. It is in its own session, so a Ctrl-C in the terminal
reaches the console, which then closes it in order.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import subprocess
import sys
import threading

from console.app.config import HubConfig
from console.app.startup import mark

log = logging.getLogger(__name__)

#: the hidden sub-command the child runs (console/cli.py dispatches it before parsing arguments)
CHILD_COMMAND = "_hub-child"


class HubStartError(RuntimeError):
    """The child hub could not start (its reason, one line), or it ended before it listened."""


def child_command(report_fd: int) -> list[str]:
    """The child's command line: this same program, in a bundle its own executable."""
    program = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "console"]
    verbose = ["-v"] if logging.getLogger().isEnabledFor(logging.DEBUG) else []
    return [*program, CHILD_COMMAND, "--report-fd", str(report_fd), *verbose]


class HubProcess:
    """The demo hub's child process: `start()` at once, `await ready()` for its URL, `await stop()` with the console.

    Stands where the in-process `RunningHub` stood for the console: `url` and `stop()`.
    """

    def __init__(self, cfg: HubConfig):
        self.cfg = cfg
        self.process: subprocess.Popen | None = None
        #: the hub's websocket URL once it listens ("" before)
        self.url = ""
        #: the scenario cameras' MJPEG server port (0: none)
        self.streams_port = 0
        self._report: dict | None = None
        self._reported = threading.Event()
        self._stopped = False

    def start(self) -> None:
        """Start the child (returns at once; it listens about a second later)."""
        read_end, write_end = os.pipe()
        try:
            self.process = subprocess.Popen(child_command(write_end), stdin=subprocess.PIPE,
                                            pass_fds=(write_end,), start_new_session=True)
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)  # the child holds the only write end: its exit ends the report
        self.process.stdin.write(json.dumps(dataclasses.asdict(self.cfg)).encode() + b"\n")
        self.process.stdin.flush()
        threading.Thread(target=self._read_report, args=(read_end,), name="hub-child-report", daemon=True).start()
        log.info("demo hub started in a child process (pid %d)", self.process.pid)
        mark("hub_process_started")

    def _read_report(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as report:
            line = report.readline()
        try:
            self._report = json.loads(line) if line else {}
        except ValueError:
            self._report = {"error": f"the hub process said {line[:200]!r}"}
        self._reported.set()

    def listening(self) -> bool:
        """Whether the hub listens already (then `url` is its address); never waits."""
        report = self._report if self._reported.is_set() else None
        if report and "url" in report:
            self.url, self.streams_port = report["url"], report.get("streams_port", 0)
            return True
        return False

    async def ready(self, timeout: float = 120.0) -> str:
        """The hub's URL once it listens. Raises HubStartError when it could not start."""
        loop = asyncio.get_running_loop()
        if not self._reported.is_set():
            # a thread waits on the event, not the report pipe: a timeout here leaves no reader behind
            ok = await loop.run_in_executor(None, self._reported.wait, timeout)
            if not ok:
                raise HubStartError(f"the demo hub did not start within {timeout:.0f} s")
        if not self.listening():
            report = self._report or {}
            code = self.process.poll() if self.process is not None else None
            raise HubStartError(report.get("error") or f"the demo hub process ended (exit code {code})")
        return self.url

    async def stop(self, timeout: float = 10.0) -> None:
        """Close the child's stdin (it stops its hub in order and exits); after `timeout`, end it. Safe twice."""
        if self._stopped or self.process is None:
            return
        self._stopped = True
        await asyncio.get_running_loop().run_in_executor(None, self.stop_now, timeout)

    def stop_now(self, timeout: float = 10.0) -> int | None:
        """`stop()` for a caller with no event loop (blocks up to twice `timeout`); the child's exit code."""
        p = self.process
        if p is None:
            return None
        self._stopped = True
        try:
            p.stdin.close()
        except OSError:
            pass
        try:
            return p.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("the demo hub (pid %d) did not stop within %.0f s; ending it", p.pid, timeout)
            p.terminate()
            try:
                return p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                return p.wait()


# ---------------------------------------------------------------------------------------- the child


def child_main(argv: list[str]) -> int:
    """`_hub-child --report-fd N`: the hub of stdin's config, until stdin closes (or SIGTERM)."""
    fd = int(argv[argv.index("--report-fd") + 1])
    logging.basicConfig(level=logging.DEBUG if "-v" in argv else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    report = os.fdopen(fd, "w", encoding="utf-8")
    line = _read_line(sys.stdin.fileno())
    if not line:
        return 0  # the console went away before it said what to run
    cfg = HubConfig(**json.loads(line))
    try:
        return asyncio.run(_serve(cfg, report))
    finally:
        if not report.closed:
            report.close()


async def _serve(cfg: HubConfig, report) -> int:
    import signal

    from console.app.hub import freeze_what_was_built, start_hub

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    # From the start: a console killed while its hub starts leaves no hub behind.
    threading.Thread(target=_wait_for_eof, args=(loop, stop), name="hub-child-stdin", daemon=True).start()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    told = False

    def tell(url: str, streams: int) -> None:
        """The console may connect: its URL on the report pipe (once)."""
        nonlocal told
        if told:
            return
        told = True
        mark("hub_listening")
        try:
            report.write(json.dumps({"url": url, "streams_port": streams}) + "\n")
            report.close()
        except OSError:
            stop.set()  # the console is gone

    try:
        # told as soon as consoles can see the site (the scenario's world is built after, in start_hub)
        hub = await start_hub(cfg, on_listening=tell)
    except Exception as exc:  # noqa: BLE001 - every reason goes to the console as one line
        reason = _reason(exc)
        print(f"duty-console demo: {reason}", file=sys.stderr, flush=True)
        if not told:
            report.write(json.dumps({"error": reason}) + "\n")
        return 2
    sys.stdout.flush()  # the field link's QR code now, not when the hub ends (stdout may be a pipe)
    tell(hub.url, hub.streams.port if hub.streams is not None else 0)
    freeze_what_was_built()  # this process is the hub: its world is built (start_hub returns after it)
    await stop.wait()
    await hub.stop()
    return 0


def _read_line(fd: int) -> bytes:
    """One line from the raw descriptor: unbuffered, so nothing after it is taken from the EOF watcher."""
    line = b""
    while not line.endswith(b"\n"):
        chunk = os.read(fd, 1)
        if not chunk:
            break
        line += chunk
    return line


def _wait_for_eof(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    # the raw descriptor, not sys.stdin: a daemon thread blocked inside a buffered read holds its lock,
    # and the interpreter's shutdown then aborts on it
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    try:
        loop.call_soon_threadsafe(stop.set)
    except RuntimeError:
        pass  # the loop has already ended


def _reason(exc: BaseException) -> str:
    errors = getattr(exc, "errors", None)  # SiteInvalid: every error, as `hub` prints them
    if errors:
        return "\n".join(str(e) for e in errors) + f"\n{len(errors)} error(s) in the site; nothing loaded"
    return str(exc) or type(exc).__name__
