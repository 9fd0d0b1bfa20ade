"""bench/threads_cpu.py: a thread's CPU lands in its group, the main thread's in "gui"."""

from __future__ import annotations

import threading
import time

from bench.threads_cpu import ThreadCpu


def _spin(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_busy_thread_counts_in_its_group_and_an_idle_one_does_not():
    go, done = threading.Event(), threading.Event()

    def busy() -> None:
        go.wait()
        _spin(0.3)
        done.wait()  # alive when the groups are read: a thread that ended is lost to its group

    def idle() -> None:
        done.wait()

    threads = [threading.Thread(target=busy, name="busy-1"), threading.Thread(target=idle, name="idle-1")]
    for t in threads:
        t.start()
    cpu = ThreadCpu(lambda name: name.split("-")[0])
    cpu.mark()
    go.set()
    _spin(0.1)
    while threads[0].is_alive() and cpu.groups().get("busy", 0.0) < 0.25:
        time.sleep(0.01)
    groups = cpu.groups()
    done.set()
    for t in threads:
        t.join()
    assert groups["busy"] >= 0.25
    assert groups.get("idle", 0.0) < 0.05
    assert groups["gui"] >= 0.05  # this test's own thread is the main one
