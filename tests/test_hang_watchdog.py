"""The hang watchdog (tests/conftest.py): a test that the timeout's signal cannot reach still ends.

The hang is a sleep with SIGALRM blocked, so pytest-timeout's handler never runs, as in Qt's C++
loop or a GIL wait. Without the watchdog the inner run would sleep its full minute.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HANGING = textwrap.dedent("""
    import signal, time
    import pytest

    @pytest.mark.timeout(1)
    def test_hangs_where_the_signal_cannot_reach():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
""")


def test_a_hang_the_timeout_cannot_reach_ends_with_every_threads_stack(tmp_path):
    test_file = tmp_path / "test_hanging.py"
    test_file.write_text(HANGING)
    env = dict(os.environ, PYTEST_HANG_GRACE_S="1")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
                           "--rootdir", str(tmp_path), str(test_file)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=50)
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    # the stack of the thread that hung, written to the stderr the capture had put aside
    assert "Timeout (0:00:02)!" in proc.stderr and "test_hanging.py\", line 8 in test_hangs" in proc.stderr, \
        proc.stderr[-2000:]
