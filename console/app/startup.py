"""Start-up timeline marks: with DUTY_CONSOLE_FIRST_FRAME=1, `mark(label)` prints "startup <label> <epoch>".

The start-up benchmark (bench/worker.py, P5) reads these lines beside `window_painted` and
`first_frame_painted` to say where the time to the first camera picture goes.
"""

from __future__ import annotations

import os
import sys
import time

_on = bool(os.environ.get("DUTY_CONSOLE_FIRST_FRAME"))
_seen: set[str] = set()


def mark(label: str) -> None:
    """Print the first time `label` is reached (nothing without DUTY_CONSOLE_FIRST_FRAME)."""
    if _on and label not in _seen:
        _seen.add(label)
        # one write: the demo hub's child process prints into the same stdout
        sys.stdout.write(f"startup {label} {time.time():.6f}\n")
        sys.stdout.flush()
