"""Would a worker take the session off the GUI thread? Inline vs thread vs process, same run.

    python -m bench.worker_probe [--seconds 8] [--rate 5000]

Not a table row: a probe for issue 24's design choice, figures in bench/PERF.md. A
producer thread writes the hub's P2 mix (moves, status changes, alerts; 50 events a
frame, 5,000 events/s, a critical marker alert ten times a second) into a socket pair.
The "GUI thread" does Python work in 8 ms slices (what pane refreshes and model reads
are: Python holding the GIL) and, between slices, takes what the session has for it:

- inline (today): the GUI thread reads the socket and decodes the frames itself;
- thread: a reader thread reads and decodes; the GUI thread takes decoded lists from a queue;
- process: a child process reads and decodes, and sends the decoded messages back pickled
  (the GUI needs Python objects to fold into the state its panes read).

Per mode: the GUI thread's work done per second against the same loop without any session
(how much of the GUI the session takes, GIL included), the GUI thread's own CPU in session
code per second, and how long a marker alert took from the socket to the GUI's hand (p50/p99).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import pickle
import queue
import random
import socket
import struct
import sys
import threading
import time

from console.domain.model import Alert, Detection
from console.protocol import messages as m
from console.protocol.codec import decode_batch, encode, encode_batch

SLICE_S = 0.008
PER_FRAME = 50


def frames(n_frames: int, markers_every: int) -> list[bytes]:
    """Encoded hub frames of the P2 mix; every `markers_every`-th frame ends with a marker alert."""
    rng = random.Random(7)
    people = [f"R{i:05d}" for i in range(2000)]
    out, seq = [], 0
    for f in range(n_frames):
        msgs = []
        for i in range(PER_FRAME):
            seq += 1
            k = i % 10
            if k < 5:
                body = m.ResourcesMoved(moves=[(rid, rng.uniform(0, 9000), rng.uniform(0, 9000))
                                               for rid in rng.sample(people, 10)])
                msgs.append(encode("resources_moved", body, seq=seq, ts=1e9 + seq))
            elif k < 9 and not (i == PER_FRAME - 1 and f % markers_every == 0):
                msgs.append(encode("resource_status_changed", m.ResourceStatusChanged(
                    resource=rng.choice(people), status="busy"), seq=seq, ts=1e9 + seq))
            else:
                marker = i == PER_FRAME - 1 and f % markers_every == 0
                a = Alert(id=f"A{seq}", source="camera", kind="crowd_density",
                          severity="critical" if marker else "warning",
                          title=("BENCH marker " if marker else "人群密度偏高 ") + str(seq), at=1e9,
                          x=1.0, y=2.0, grid="G1", town="T1", camera="CAM01", text="bench",
                          detections=[Detection(label="person", score=0.9, x=0.1, y=0.2, w=0.05, h=0.1)])
                msgs.append(encode("alert_raised", m.AlertRaised(alert=a, incident=f"I{seq}"), seq=seq,
                                   ts=1e9 + seq))
        out.append(encode_batch(msgs))
    return out


def _send_frames(sock: socket.socket, data: list[bytes], rate_fps: float, stop: threading.Event) -> None:
    """Length-prefixed frames at `rate_fps`, each stamped with its send time (perf_counter)."""
    t0 = time.perf_counter()
    for i, frame in enumerate(data):
        if stop.is_set():
            break
        due = t0 + i / rate_fps
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        try:
            sock.sendall(struct.pack("!Id", len(frame), time.perf_counter()) + frame)
        except OSError:
            return  # the mode's time is up and its socket closed
    try:
        sock.sendall(struct.pack("!Id", 0, 0.0))
    except OSError:
        pass


def _read_frame(f) -> tuple[bytes, float] | None:
    head = f.read(12)
    if len(head) < 12:
        return None
    n, sent = struct.unpack("!Id", head)
    return (f.read(n), sent) if n else None


def _is_marker(msgs) -> bool:
    return any(getattr(x, "type", "") == "alert_raised" and x.body.alert.severity == "critical" for x in msgs)


def _process_reader(fd: int, conn) -> None:
    """The process mode's child: read, decode, send the decoded messages back pickled."""
    sock = socket.socket(fileno=fd)
    f = sock.makefile("rb")
    while (got := _read_frame(f)) is not None:
        raw, sent = got
        msgs = decode_batch(raw)
        conn.send_bytes(pickle.dumps((sent, msgs), protocol=pickle.HIGHEST_PROTOCOL))
    conn.send_bytes(b"")


def gui_work(seconds: float, take) -> dict:
    """Slices of Python work; `take()` between slices gives the GUI thread the session's output."""
    units = 0
    session_cpu = 0.0
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < end:
        stop = time.perf_counter() + SLICE_S
        while time.perf_counter() < stop:  # a pane refresh: Python on the GIL
            for i in range(200):
                x = (x * 31 + i) % 1_000_003
            units += 1
        t = time.thread_time()
        got = take()
        session_cpu += time.thread_time() - t
        now = time.perf_counter()
        for sent, msgs in got:
            if _is_marker(msgs):
                latencies.append((now - sent) * 1000.0)
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")  # noqa: E731
    return {"units_per_s": units / seconds, "session_cpu_ms_per_s": session_cpu * 1000.0 / seconds,
            "marker_p50_ms": pick(0.5), "marker_p99_ms": pick(0.99), "markers": len(latencies)}


def run(mode: str, seconds: float, rate: float) -> dict:
    fps = rate / PER_FRAME
    data = frames(int(fps * seconds) + 10, markers_every=max(1, int(fps / 10)))
    if mode == "none":
        return gui_work(seconds, lambda: [])
    a, b = socket.socketpair()
    stop = threading.Event()
    producer = threading.Thread(target=_send_frames, args=(a, data, fps, stop), daemon=True)
    try:
        if mode == "inline":
            b.setblocking(False)
            buf = bytearray()

            def take():
                out = []
                try:
                    while True:
                        chunk = b.recv(1 << 20)
                        if not chunk:
                            break
                        buf.extend(chunk)
                except BlockingIOError:
                    pass
                while len(buf) >= 12:
                    n, sent = struct.unpack_from("!Id", buf)
                    if n == 0 or len(buf) < 12 + n:
                        break
                    raw = bytes(buf[12:12 + n])
                    del buf[:12 + n]
                    out.append((sent, decode_batch(raw)))
                return out
            producer.start()
            return gui_work(seconds, take)
        if mode == "thread":
            q: queue.SimpleQueue = queue.SimpleQueue()

            def reader():
                f = b.makefile("rb")
                while (got := _read_frame(f)) is not None:
                    q.put((got[1], decode_batch(got[0])))

            threading.Thread(target=reader, daemon=True).start()

            def take():
                out = []
                while True:
                    try:
                        out.append(q.get_nowait())
                    except queue.Empty:
                        return out
            producer.start()
            return gui_work(seconds, take)
        if mode == "process":
            parent, child = mp.Pipe(duplex=False)
            proc = mp.get_context("fork").Process(target=_process_reader, args=(b.fileno(), child), daemon=True)
            proc.start()

            def take():
                out = []
                while parent.poll():
                    blob = parent.recv_bytes()
                    if not blob:
                        break
                    out.append(pickle.loads(blob))
                return out
            producer.start()
            try:
                return gui_work(seconds, take)
            finally:
                proc.terminate()
                proc.join(5)
        raise ValueError(mode)
    finally:
        stop.set()
        a.close()
        b.close()


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.worker_probe")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--rate", type=float, default=5000.0)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    import os

    results: dict[str, list[dict]] = {}
    for _ in range(a.rounds):  # interleaved, so drift in the machine hits every mode alike
        for mode in ("none", "inline", "thread", "process"):
            results.setdefault(mode, []).append(run(mode, a.seconds, a.rate))
    base = sorted(r["units_per_s"] for r in results["none"])[len(results["none"]) // 2]
    print(f"load {os.getloadavg()[0]:.2f}; {a.rate:.0f} ev/s, {PER_FRAME} a frame, {a.seconds:.0f} s × {a.rounds}")
    for mode, runs in results.items():
        for r in runs:
            r["gui_share_left"] = r["units_per_s"] / base
        print(mode.ljust(8), " | ".join(
            f"GUI work {r['gui_share_left']:.3f}×, session CPU on GUI {r['session_cpu_ms_per_s']:.1f} ms/s, "
            f"marker p50/p99 {r['marker_p50_ms']:.1f}/{r['marker_p99_ms']:.1f} ms (n={r['markers']})"
            for r in runs))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
