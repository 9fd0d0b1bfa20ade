"""Waiting on a condition, never for a fixed time: one helper for async tests, one for threaded ones."""

from __future__ import annotations

import asyncio
import time
from typing import Callable


async def until(predicate: Callable[[], object], what: str = "the condition", timeout: float = 15.0,
                step: float = 0.01) -> None:
    """Return once `predicate()` is true; AssertionError naming `what` after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await asyncio.sleep(step)


def wait_until(predicate: Callable[[], object], what: str = "the condition", timeout: float = 15.0,
               step: float = 0.01):
    """`until` for code without an event loop (threads, servers in other processes); returns the
    predicate's first true value (the picture, the frame waited for)."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(step)
    return value
