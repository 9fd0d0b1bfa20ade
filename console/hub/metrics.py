"""Prometheus metrics and health checks on the hub's own port: /metrics, /healthz, /readyz.

The operations team's view of one hub, in the tools they already run (Prometheus,
Grafana; packaging/grafana/duty-hub.json is a ready dashboard): how fast it commits,
how many events and commands it takes, who is connected, what waits in send queues
and in the hand-off outbox, how far federation lags, whether the log can be written.

Nothing here sits on the command path. Most figures are read when Prometheus scrapes
(the core's counters, its channels, the federation's cursor), by a collector, not
pushed on every event. Two things cannot be read afterwards and are measured as they
happen: each commit's duration and what it wrote, by `TimedLog`, a decorator on the
core's log port (`console/hub/log.py`) that the metrics put in front of the store.
Figures that need the database or NATS (hand-offs pending, the towns' last published
seq) are read during the scrape, on the core's store thread and with a timeout,
because the hub answers plain HTTP requests asynchronously.

- `/healthz`: 200 while the hub's loop answers and its committer runs (a process to
  restart otherwise: systemd's watchdog, a load balancer).
- `/readyz`: 200 when the hub can take commands: its log is writable and, for a
  federated hub, its NATS link is up; 503 naming what is not. One line per check.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import shutil
import time
from collections import Counter
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import msgspec
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from console.domain.model import FINAL_STATUSES

if TYPE_CHECKING:
    from console.hub.federation import Federation
    from console.hub.server import HubServer

log = logging.getLogger(__name__)

#: the paths answered here (everything else is the field page's, console/hub/static.py)
PATHS = frozenset({"/metrics", "/healthz", "/readyz"})
#: commit durations (s): a healthy SQLite commit is ~1 ms, a slow disk or PostgreSQL tens of ms
COMMIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
#: how long a scrape waits for the store thread or NATS before serving what it has
SCRAPE_WAIT_S = 2.0


class TimedLog:
    """The core's log port with every commit timed and counted; anything else passes through."""

    def __init__(self, inner, metrics: HubMetrics):
        self._inner = inner
        self._metrics = metrics

    def commit(self, rows, results, audit=(), snapshot=None):
        """`HubLog.commit`, timed: the histogram sees only commits that succeeded."""
        t0 = time.perf_counter()
        try:
            head = self._inner.commit(rows, results, audit, snapshot)
        except Exception:
            self._metrics.commit_failures += 1
            raise
        self._metrics.committed(time.perf_counter() - t0, rows, results)
        return head

    def __getattr__(self, name):
        return getattr(self._inner, name)


class HubMetrics:
    """One hub's metrics registry and its three plain HTTP answers.

    `federation` is set by whoever starts the hub's federation (console/app/hub.py);
    None for a hub on its own.
    """

    def __init__(self, server: HubServer):
        self.server = server
        self.core = server.core
        self.federation: Federation | None = None
        #: a registry per hub: `duty-console city` and the tests run several hubs in one process
        self.registry = CollectorRegistry(auto_describe=True)
        self.commit_seconds = Histogram("duty_hub_commit_seconds", "Time to write one batch to the event log "
                                        "(events, results, audit entries in one transaction)",
                                        buckets=COMMIT_BUCKETS, registry=self.registry)
        self.events_committed = 0
        self.commands_committed: Counter[str] = Counter()
        self.commit_failures = 0
        self.handoffs_pending: int | None = None
        self.follow_lag: dict[str, int] = {}
        ProcessCollector(registry=self.registry)
        self.registry.register(_HubCollector(self))
        if not self.core.read_only and hasattr(self.core.store, "commit"):
            self.core.store = TimedLog(self.core.store, self)

    # ------------------------------------------------------------------ measured as it happens

    def committed(self, seconds: float, rows, results) -> None:
        """One commit went through (called on the store thread: counters only)."""
        self.commit_seconds.observe(seconds)
        self.events_committed += len(rows)
        for _id, _actor, data in results:
            try:
                ok = msgspec.json.decode(data).get("ok", False)
            except (msgspec.DecodeError, AttributeError):
                ok = False
            self.commands_committed["ok" if ok else "refused"] += 1

    # ------------------------------------------------------------------ HTTP

    def respond(self, request: Request):
        """A coroutine answering /metrics, /healthz or /readyz; None for any other request."""
        path = urlsplit(request.path).path
        if path not in PATHS:
            return None
        return self._respond(path)

    async def _respond(self, path: str) -> Response:
        if path == "/healthz":
            alive, why = self.alive()
            return _text(HTTPStatus.OK if alive else HTTPStatus.SERVICE_UNAVAILABLE, why)
        if path == "/readyz":
            checks = self.readiness()
            ready = all(ok for ok, _ in checks.values())
            lines = [f"{'ready' if ready else 'not ready'}"] + [
                f"{name}: {'ok' if ok else 'FAIL'} {why}".rstrip() for name, (ok, why) in checks.items()]
            return _text(HTTPStatus.OK if ready else HTTPStatus.SERVICE_UNAVAILABLE, "\n".join(lines))
        await self._refresh()
        body = generate_latest(self.registry)
        headers = Headers({"Content-Type": CONTENT_TYPE_LATEST, "Content-Length": str(len(body)),
                           "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
        return Response(HTTPStatus.OK.value, HTTPStatus.OK.phrase, headers, body)

    # ------------------------------------------------------------------ health

    def alive(self) -> tuple[bool, str]:
        """The loop answers (this runs on it) and the committer task has not died."""
        committer = getattr(self.core, "_committer", None)
        if committer is not None and committer.done():
            return False, "the event log's committer has stopped"
        return True, "alive"

    def readiness(self) -> dict[str, tuple[bool, str]]:
        """name -> (ok, why) of each check /readyz makes."""
        checks = {"log": self._log_writable()}
        if self.federation is not None:
            fed = self.federation
            linked = fed.connected.is_set() and not fed.link_error
            checks["federation"] = (linked, "linked" if linked else f"not linked ({fed.link_error or 'connecting'})")
        return checks

    def _log_writable(self) -> tuple[bool, str]:
        core = self.core
        if core.read_only:
            return True, "read-only review log"
        alive, why = self.alive()
        if not alive:
            return False, why
        if core.storage_fault:
            return False, core.storage_fault
        path = self._db_path()
        if path is not None and not os.access(path, os.W_OK):
            return False, f"{path} is not writable"
        return True, "writable"

    def _db_path(self):
        from console.store.engine import sqlite_path

        url = getattr(self.core.store, "url", None)
        return sqlite_path(url) if isinstance(url, str) else None

    # ------------------------------------------------------------------ read at scrape time

    async def _refresh(self) -> None:
        """What needs the database or NATS: read now, each with a bound, on their own threads."""
        depth = getattr(self.core.store, "handoff_depth", None)
        if depth is not None and not self.core.read_only:
            try:
                self.handoffs_pending = await asyncio.wait_for(self.core._blocking(depth), SCRAPE_WAIT_S)
            except Exception as exc:  # noqa: BLE001 - a busy or failing store: the scrape still answers
                log.debug("hand-off depth not read: %s", exc)
        fed = self.federation
        if fed is not None and fed.js is not None and fed.replicas:
            try:
                await asyncio.wait_for(self._read_follow_lag(fed), SCRAPE_WAIT_S)
            except Exception as exc:  # noqa: BLE001 - NATS away: the link gauge says so
                log.debug("follow lag not read: %s", exc)

    async def _read_follow_lag(self, fed: Federation) -> None:
        from console.hub.federation import EVENTS_STREAM, events_subject, parse_msg_id

        for town, rep in fed.replicas.items():
            try:
                last = await fed.js.get_last_msg(EVENTS_STREAM, events_subject(town))
            except Exception:  # noqa: BLE001 - nothing published by that town yet
                self.follow_lag[town] = 0
                continue
            epoch, seq = parse_msg_id((last.headers or {}).get("Nats-Msg-Id", ""))
            self.follow_lag[town] = max(0, seq - (rep.state.seq if epoch == rep.epoch else 0))


class _HubCollector:
    """Reads the hub's live figures at scrape time (registered in `HubMetrics.registry`)."""

    def __init__(self, metrics: HubMetrics):
        self.m = metrics

    def describe(self):
        return []  # described by what collect() yields; auto_describe stays cheap this way

    def collect(self):
        m, core = self.m, self.m.core
        yield _gauge("duty_hub_up", "1 while this hub serves", 1)
        info = GaugeMetricFamily("duty_hub_info", "What this hub is", labels=["center", "mode", "epoch"])
        info.add_metric([m.federation.center if m.federation else "", core.mode, core.epoch], 1)
        yield info
        yield _gauge("duty_hub_committed_seq", "Last sequence number written to the event log", core.committed_seq)
        yield _counter("duty_hub_events_committed", "Events written to the event log", m.events_committed)
        commands = CounterMetricFamily("duty_hub_commands_committed", "Client commands answered and logged, "
                                       "by outcome", labels=["outcome"])
        for outcome in ("ok", "refused"):
            commands.add_metric([outcome], m.commands_committed[outcome])
        yield commands
        yield _counter("duty_hub_commit_failures", "Event log writes that failed (retried)", m.commit_failures)
        yield _gauge("duty_hub_gc_frozen_objects", "Objects no collection walks: a hub process freezes its "
                     "program and world once built (console/app/hub.py)", gc.get_freeze_count())
        what = CounterMetricFamily("duty_hub_occurrences", "The hub's own counters (rejections, refusals, "
                                   "resumes, snapshots, drops...)", labels=["what"])
        for key, n in sorted(core.counters.items()):
            what.add_metric([key], n)
        yield what
        yield from self._sessions(core)
        yield from self._storage(core)
        yield from self._state(core)
        yield from self._health(core)
        yield from self._federation()

    def _sessions(self, core):
        sessions = GaugeMetricFamily("duty_hub_sessions", "Connected sessions by role", labels=["role"])
        queued = GaugeMetricFamily("duty_hub_send_queue_messages", "Messages waiting in send queues, by role",
                                   labels=["role"])
        by_role: Counter[str] = Counter()
        depth: Counter[str] = Counter()
        deepest = 0
        for ch in list(core.channels):
            role = ch.principal.role
            by_role[role] += 1
            depth[role] += len(ch.queue)
            deepest = max(deepest, len(ch.queue))
        for role in sorted(by_role):
            sessions.add_metric([role], by_role[role])
            queued.add_metric([role], depth[role])
        yield sessions
        yield queued
        yield _gauge("duty_hub_send_queue_max", "The longest send queue of one session", deepest)

    def _storage(self, core):
        state = GaugeMetricFamily("duty_hub_storage_state", "1 for the event log's state "
                                  "(ok, storage_full, storage_error)", labels=["state"])
        current = core.storage_fault or "ok"
        for s in ("ok", "storage_full", "storage_error"):
            state.add_metric([s], 1 if s == current else 0)
        yield state
        path = self.m._db_path()
        if path is not None:
            size = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
            yield _gauge("duty_hub_db_bytes", "Size of the SQLite event log (with its WAL)", size)
            try:
                free = shutil.disk_usage(path.parent).free
            except OSError:
                free = float("nan")
            yield _gauge("duty_hub_disk_free_bytes", "Free space on the event log's filesystem", free)
        if self.m.handoffs_pending is not None:
            yield _gauge("duty_hub_handoffs_pending", "Hand-offs in the outbox not yet acknowledged by NATS",
                         self.m.handoffs_pending)

    def _state(self, core):
        cams = GaugeMetricFamily("duty_hub_cameras", "Cameras by health", labels=["state"])
        online = sum(1 for c in core.state.cameras.values() if c.online)
        cams.add_metric(["online"], online)
        cams.add_metric(["offline"], len(core.state.cameras) - online)
        yield cams
        open_ = [i for i in core.state.incidents.values() if i.status not in FINAL_STATUSES]
        drills = sum(1 for i in open_ if i.exercise is not None)  # drills (演练) are counted apart
        yield _gauge("duty_hub_incidents_open", "Incidents not yet closed (drills apart)", len(open_) - drills)
        yield _gauge("duty_hub_drills_open", "Drills (exercise-marked incidents) not yet closed", drills)

    def _health(self, core):
        health = core.health
        if health is None:
            return
        open_ = GaugeMetricFamily("duty_hub_health_alarms_open", "The hub's own camera_offline and source_silent "
                                  "alarms open now", labels=["kind"])
        by_kind = Counter("camera_offline" if key.startswith("camera-") else "source_silent" for key in health.open)
        for kind in ("camera_offline", "source_silent"):
            open_.add_metric([kind], by_kind[kind])
        yield open_
        counts = CounterMetricFamily("duty_hub_health_occurrences", "Health alarms raised and closed, outages "
                                     "quieted, heartbeat sources refused over the cap", labels=["what"])
        for key, n in sorted(health.counts.items()):
            counts.add_metric([key], n)
        yield counts
        yield _gauge("duty_hub_heartbeat_sources", "Sources that said how often they speak", len(health.sources))

    def _federation(self):
        fed = self.m.federation
        if fed is None:
            return
        linked = fed.connected.is_set() and not fed.link_error
        yield _gauge("duty_hub_federation_linked", "1 while the NATS link is up", 1 if linked else 0)
        yield _gauge("duty_hub_federation_publish_lag_events", "Logged events not yet acknowledged by JetStream",
                     max(0, self.m.core.committed_seq - fed.cursor))
        lag = GaugeMetricFamily("duty_hub_federation_follow_lag_events", "Events a followed town published that "
                                "this hub has not folded yet", labels=["town"])
        for town in sorted(fed.replicas):
            if town in self.m.follow_lag:
                lag.add_metric([town], self.m.follow_lag[town])
        yield lag
        counts = CounterMetricFamily("duty_hub_federation_occurrences", "The federation link's own counters",
                                     labels=["what"])
        for key, n in sorted(fed.counters.items()):
            counts.add_metric([key], n)
        yield counts


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


def _counter(name: str, doc: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(name, doc, value=value)


def _text(status: HTTPStatus, text: str) -> Response:
    body = (text + "\n").encode()
    headers = Headers({"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body)),
                       "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
    return Response(status.value, status.phrase, headers, body)
