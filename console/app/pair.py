"""A desk and its wall from one machine: the desk's process starts the wall as a second process.

A second process, not a second window: the wall's type size and style are the whole
application's (console/ui/common/theme.py), so a wall window in the desk's process would give
the desk wall type. The wall process connects to the same hub with the wall's token and goes on
its own screen (`--screen`, else the one remembered on this workstation, else the second:
console/ui/wall/screens.py). It is ended when the desk closes.
"""

from __future__ import annotations

import logging
import subprocess
import sys

log = logging.getLogger(__name__)


def wall_command(url: str, token: str, *, lang: str = "zh", screen: int | None = None,
                 ca: str | None = None, pin: str | None = None) -> list[str]:
    """The command line of the wall's console (this same program)."""
    cmd = [sys.executable, "-m", "console", "console", "--url", url, "--token", token, "--wall", "--lang", lang]
    if screen is not None:
        cmd += ["--screen", str(screen)]
    if ca:
        cmd += ["--ca", ca]
    if pin:
        cmd += ["--pin", pin]
    return cmd


class WallProcess:
    """The wall's console process: `start(url)` once the hub's address is known, `stop()` with the desk."""

    def __init__(self, token: str, *, lang: str = "zh", screen: int | None = None,
                 ca: str | None = None, pin: str | None = None):
        self.token, self.lang, self.screen, self.ca, self.pin = token, lang, screen, ca, pin
        self.process: subprocess.Popen | None = None

    def start(self, url: str) -> subprocess.Popen:
        """Start the wall's console on `url` (the token is on its command line: a local process of the same user)."""
        cmd = wall_command(url, self.token, lang=self.lang, screen=self.screen, ca=self.ca, pin=self.pin)
        self.process = subprocess.Popen(cmd)
        log.info("wall console started (pid %d) on %s", self.process.pid, url)
        return self.process

    def stop(self, timeout: float = 5.0) -> None:
        """End the wall's console (it closes without asking: a wall has nothing unsent)."""
        p, self.process = self.process, None
        if p is None or p.poll() is not None:
            return
        p.terminate()
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout)
