"""The README's first command, as CI runs it: the embedded demo, offscreen, one dispatch."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.app.test_hub_process import child_pid_from_log, wait_gone

pytestmark = pytest.mark.ui  # the whole demo, offscreen, in a child process


def test_demo_smoke_dispatches_once_and_exits_zero(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "console", "demo", "--smoke", "60", "--speed", "4",
         "--local-db", f"sqlite:///{tmp_path/'console.db'}", "--db", f"sqlite:///{tmp_path/'hub.db'}"],
        capture_output=True, text=True, timeout=90, env=env)
    summary = [line for line in proc.stdout.splitlines() if line.startswith("smoke:")]
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert summary and summary[0].startswith("smoke: OK"), proc.stdout
    assert "dispatches=0" not in summary[0]
    # the key went to the focused widget of another pane, through the window's shortcuts
    key_to = summary[0].split("key_to=")[1].split()[0]
    assert key_to not in ("-", "QueueView", "AlertQueue"), summary[0]
    # its hub ran in a child process, which the console stopped as it closed
    assert wait_gone(child_pid_from_log(proc.stderr)), "the demo's hub process outlived its console"
