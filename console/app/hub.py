"""Build and run a whole hub from one config: store, core, server, and what plugs into it.

The hub itself knows no scenario and no drill file: this composition root plugs
the scenario world in as a source (the same command path a real source takes),
the drill recorder in as a tap on the committed envelopes, and, for review, a
drill player that feeds the recording into a replaying core.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Callable

from console.app.config import HubConfig
from console.app.startup import mark
from console.protocol.tls import check_plain, server_context

if TYPE_CHECKING:  # imported where used: `duty-console demo` checks its arguments without them
    from console.hub.auth import TokenRegistry
    from console.hub.core import HubCore
    from console.hub.server import HubServer
    from console.scenarios.world import World
    from console.store import Store
    from console.store.audit import AuditCheckpoints

log = logging.getLogger(__name__)


class RunningHub:
    """A started hub; `stop()` takes it down in order and is safe to call twice."""

    def __init__(self, store: Store, core: HubCore, server: HubServer, world: World | None, *,
                 recorder=None, player=None, site=None, streams=None, federation=None, health=None):
        self.store, self.core, self.server, self.world = store, core, server, world
        #: the camera and source alarms (console/hub/health.py), or None (review)
        self.health = health
        #: the link to the other hubs over NATS (console/hub/federation.py), or None
        self.federation = federation
        #: the SiteSource keeping the world equal to --site DIR (None without one)
        self.site = site
        #: the scenario cameras' MJPEG server (console/scenarios/streams.py), or None
        self.streams = streams
        #: the DrillRecorder writing this session (with --record) and the DrillPlayer (with --drill)
        self.recorder = recorder
        self.player = player
        self._flusher: asyncio.Task | None = None
        self._writing: asyncio.Future | None = None  # the recorder's write in flight, if any
        if recorder is not None:
            self._flusher = asyncio.create_task(self._flush_loop(), name="drill-recorder")
        self._stopped = False

    async def _flush_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(1.0)
            rows = self.recorder.take()
            self._writing = loop.run_in_executor(None, self.recorder.write, rows)
            # shielded: stopping cancels this loop, never a write half done on the executor's thread
            await asyncio.shield(self._writing)

    @property
    def url(self) -> str:
        return self.server.url

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.player is not None:
            await self.player.stop()
        if self.world is not None:
            await self.world.stop()
        if self.health is not None:
            await self.health.stop()
        if self.federation is not None:
            await self.federation.close()
        if self.streams is not None:
            await self.streams.stop()
        if self.site is not None:
            await self.site.stop()
        await self.server.stop()
        await self.core.close()
        if self._flusher is not None:
            self._flusher.cancel()
            try:
                await self._flusher
            except asyncio.CancelledError:
                pass
        if self._writing is not None:
            # the write the cancelled loop was waiting on ends before the file closes: the two
            # would otherwise run at once on the recording's connection and lose the rows taken
            await asyncio.wait([self._writing])
        if self.recorder is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.recorder.close)
        self.store.close()


def hub_ssl(cfg: HubConfig):
    """The hub's TLS context (None: plain ws://, allowed off loopback only with `insecure`).

    Raises TlsConfigError for a half-given or unusable certificate, or plain text off loopback.
    """
    from console.protocol.tls import TlsConfigError

    if bool(cfg.tls_cert) != bool(cfg.tls_key):
        raise TlsConfigError("--tls-cert and --tls-key go together")
    if cfg.tls_cert:
        return server_context(cfg.tls_cert, cfg.tls_key)
    check_plain(cfg.host, insecure=cfg.insecure, what="listening on")
    return None


def freeze_what_was_built() -> None:
    """A hub process's program, site and world, once built: left out of every later collection.

    Python's full collection walks every tracked object, and most of a started hub's are the
    program and its world, which live as long as the process. Walked three times in 20 s of P2's
    load, each one held the hub's loop 24-82 ms (every console's frames waiting meanwhile); frozen
    (`gc.freeze`), the same collections take 7-15 ms (bench/PERF.md, "the hub's full collections").
    Frozen objects are still freed by reference counting. Only for a process that is the hub (the
    `hub` command, `demo`'s hub child): a test's or a console's process runs hubs that come and go.
    """
    import gc

    gc.freeze()


async def start_hub(cfg: HubConfig, *, on_listening: Callable[[str, int], None] | None = None) -> RunningHub:
    """Open the store, recover, start serving and (with a scenario) start the world.

    Raises TokenError (tokens file) or TlsConfigError (TLS settings) before anything starts.
    `on_listening(url, streams port)` is called once consoles can connect and see the site: for a
    scenario on a site (the demo), before the scenario's world is built (0.25 s of pure Python the
    first camera picture no longer waits for; the cameras show their streets, the crowds join when
    it is built).
    """
    from console.hub.auth import TokenRegistry
    from console.hub.core import Clock, HubCore
    from console.hub.server import HubServer
    from console.scenarios.world import World
    from console.store import Store

    mark("hub_imported")
    tokens = TokenRegistry.from_file(cfg.tokens) if cfg.tokens else TokenRegistry.demo()
    ssl_context = hub_ssl(cfg)
    if cfg.drill:
        return await start_review(cfg, tokens, ssl_context)
    checkpoints = await asyncio.get_running_loop().run_in_executor(None, open_checkpoints, cfg)
    store = await asyncio.get_running_loop().run_in_executor(None, Store, cfg.db)
    scenario = None
    clock = Clock(rate=cfg.speed)
    # a scenario on a site, alone (no federation): consoles are let in before its world is built
    world_late = bool(on_listening is not None and cfg.scenario and cfg.site
                      and not (cfg.nats or cfg.center or cfg.follow))
    if world_late:
        from console.scenarios import scenario_start

        clock = Clock(start=scenario_start(cfg.start), rate=cfg.speed)
    elif cfg.scenario:
        scenario = await build_scenario(cfg)
        clock = Clock(start=scenario.start_time, rate=cfg.speed)
        mark("hub_world_built")
    core = HubCore(store, clock=clock, mode=cfg.mode, checkpoints=checkpoints)
    await core.start()
    restarted = bool(cfg.scenario and core.state.seq)
    if restarted:
        # A restarted hub goes on from where its log ends, not from the scenario start.
        clock.start = max(core.state.now, clock.start)
        if scenario is not None:
            scenario.due(clock.start)
    # with no org known yet (a fresh log that a --site loads below) there is no town incident to
    # decide here before it is made, after the site
    federation = make_federation(cfg, core, scenario) if core.state.org or scenario or cfg.follow \
        or not cfg.nats else None
    server = HubServer(core, tokens, host=cfg.host, port=cfg.port, queue_limit=cfg.queue_limit,
                       ssl_context=ssl_context)
    vault = await asyncio.get_running_loop().run_in_executor(None, open_vault, cfg, store)
    if vault is not None:
        core.camera_credentials = await asyncio.get_running_loop().run_in_executor(None, vault.load)
    server.pages.gateway = cfg.gateway_url  # where the field page posts photo reports
    recorder = None
    if cfg.record:
        from console.recording.drill_file import DrillRecorder

        recorder = DrillRecorder(cfg.record, scenario=cfg.scenario or "", seed=cfg.seed, mode=cfg.mode,
                                 cameras=cfg.record_cameras, fps=cfg.record_fps)
        recorder.attach(core, server)
    await server.start()
    mark("hub_server_started")
    # the enrolment links the roster's QR dialog gets (console/hub/enrol.py): an address a phone can open
    server.pages.public_url = field_link(server, "").split("#", 1)[0]
    streams = None
    if cfg.scenario and cfg.streams and cfg.fps > 0:
        # the cameras become real streams consoles pull (before the baseline goes out): the scenario's
        # own, or a site's that name no stream of their own (`sim://`, as the shipped marathon site's)
        from console.scenarios.streams import start_scenario_streams

        streams = await start_scenario_streams(core, scenario, fps=cfg.fps, host=cfg.host)
        mark("hub_streams_started")
    site = None
    if cfg.site:
        # Before the world starts: with a world already in the log the scenario does not load
        # its own baseline, so a scenario runs on the site's (a re-import emits only changes).
        from console.site.source import SiteSource

        site = SiteSource(core, cfg.site, poll_s=cfg.site_poll_s, geometry_checked=cfg.site_shipped,
                          adjust=None if streams is None else stream_pushed_cameras(streams.url_for))
        site.on_import.append(lambda loaded: keep_credentials(server, vault, loaded.credentials))
        try:
            await site.start()
        except Exception:
            if streams is not None:
                await streams.stop()
            await server.stop()
            await core.close()
            store.close()
            raise
        plane = site.site.plane
        server.pages.origin = (plane.lon0, plane.lat0)  # the field page's map links (console/hub/static.py)
        if scenario is not None and site.site.baseline != scenario.baseline:
            log.warning("site %s is not the %s scenario's world: its alerts may name grids and cameras "
                        "the site does not have", cfg.site, cfg.scenario)
    mark("hub_site_loaded")
    if world_late:
        log.info("hub listening on %s; building the %s world", server.url, cfg.scenario)
        on_listening(server.url, streams.port if streams is not None else 0)
        if streams is not None:
            # the site's cameras drawn ahead, then the world once the first picture went out (one core:
            # built at once, it slowed the console's first picture as much as it saved)
            streams.warm(sorted(core.state.cameras))
            try:
                await asyncio.wait_for(streams.first_sent.wait(), WORLD_WAITS_FOR_PICTURE_S)
            except asyncio.TimeoutError:
                pass
        scenario = await build_scenario(cfg)
        if restarted:
            scenario.due(clock.start)
        if streams is not None:
            from console.scenarios.streams import attach_scenario

            attach_scenario(streams, scenario)
        mark("hub_world_built")
    if scenario is not None and cfg.center:
        from console.app.city import TownScenario

        # the city split by town: a town hub raises its own town's alerts only, the district's none
        scenario = TownScenario(scenario, cfg.center)
    if federation is None and cfg.nats:
        federation = make_federation(cfg, core, scenario)
    if federation is not None:
        await federation.start()
        server.metrics.federation = federation  # link and lag figures, and /readyz waits for the link
    health = start_health(cfg, core, site, watch_cameras=scenario is None)
    world = None
    if scenario is not None:
        from console.scenarios.frames import FrameRenderer
        from console.scenarios.simulator import FieldSimulator

        simulator = FieldSimulator(cfg.seed) if cfg.simulate_field else None
        field_person = tokens.lookup(f"Bearer {cfg.field_link}") if cfg.field_link else None
        if simulator is not None and field_person is not None and field_person.resource:
            simulator.humans.add(field_person.resource)  # the browser playing this person answers, not the simulator
        world = World(core, server, scenario, simulator, fps=cfg.fps, renderer=FrameRenderer())
        world.record_cameras = set(cfg.record_cameras) if recorder is not None else set()
        await world.start()
    log.info("hub serving %s (scenario %s, site %s, speed %.1f×)", server.url, cfg.scenario, cfg.site, cfg.speed)
    if cfg.field_link:
        print_field_link(field_link(server, cfg.field_link))
    return RunningHub(store, core, server, world, recorder=recorder, site=site, streams=streams,
                      federation=federation, health=health)


#: how long a hub on a site waits for its first camera picture to go out before building the scenario's world (s)
WORLD_WAITS_FOR_PICTURE_S = 1.0


async def build_scenario(cfg: HubConfig):
    """The scenario's world (people, the day's events): a quarter second of pure Python, off the event
    loop (a console in this process keeps painting meanwhile)."""
    from console.scenarios import make_scenario

    return await asyncio.get_running_loop().run_in_executor(None, make_scenario, cfg.scenario, cfg.seed, cfg.start)


def start_health(cfg: HubConfig, core: HubCore, site, *, watch_cameras: bool):
    """The hub's camera and source alarms (console/hub/health.py), started.

    Cameras are watched (console/video/liveness.py) unless `--camera-offline-s 0` or a scenario runs
    (its cameras are the scenario's own). The site watcher speaks as a source every time it looks.
    """
    from console.hub.health import SITE_WATCHER, HealthAlarms

    feed = None
    if watch_cameras and cfg.camera_offline_s > 0:
        from console.video.liveness import CameraLiveness

        feed = CameraLiveness()
    health = HealthAlarms(core, camera_offline_s=cfg.camera_offline_s, quiet_limit=cfg.camera_alarms,
                          quiet_period_s=cfg.camera_alarm_period_s, feed=feed, center=cfg.center)
    core.health = health
    if site is not None and site.poll_s > 0:
        every = site.poll_s
        health.heard(SITE_WATCHER, every)
        site.on_look.append(lambda: health.heard(SITE_WATCHER, every))
        if feed is not None:
            site.on_import.append(lambda _loaded: watch_with_credentials(core))
            watch_with_credentials(core)
    health.start()
    return health


def watch_with_credentials(core: HubCore) -> None:
    """The site's camera users and passwords, for the hub's own stream readers (in memory only)."""
    from console.protocol.messages import CameraCredential
    from console.video.urls import set_credentials

    entries = [CameraCredential(url=url, username=cred.username, password=cred.password)
               for cid, cred in core.camera_credentials.items() if (cam := core.state.cameras.get(cid)) is not None
               for url in dict.fromkeys(u for u in (cam.main, cam.sub, cam.stream) if u)]
    if entries:
        set_credentials(entries)


def stream_pushed_cameras(url_for):
    """A site import's hook: its cameras with no stream of their own (`sim://` or no URL) get the
    scenario's MJPEG streams, `url_for(camera id, "main" | "sub")`.

    Without it a scenario on a site (`demo` loads the shipped marathon site) pushed frames through
    the hub: no console kept a ring of them, so no alert had a picture or a clip.
    """
    from console.video.urls import is_pulled

    def adjust(baseline) -> None:
        for cam in baseline.cameras:
            if not any(is_pulled(u) for u in (cam.main, cam.sub, cam.stream)):
                cam.main, cam.sub = url_for(cam.id, "main"), url_for(cam.id, "sub")

    return adjust


def make_federation(cfg: HubConfig, core: HubCore, scenario):
    """The hub's NATS link (None without `--nats`), attached to the core but not yet started.

    Attached before the port opens: from then on every command on a followed town's incident
    goes to that town's hub (a console reconnecting to a just-started district resends its
    unanswered decisions at once; the district must never decide them itself).
    """
    if not cfg.nats:
        from console.hub import district

        # a district log run without its link: its towns' incidents are still not this hub's to decide
        core.forwarders.append(district.refuse_town_commands)
        return None
    from console.hub.federation import Federation, NatsAuth

    # the org is the log's, or (a fresh log) the one the scenario is about to load
    org = list(core.state.org.values()) or (list(scenario.baseline.org) if scenario is not None else [])
    district = next((u.id for u in org if u.level == "district"), core.state.district())
    follow = cfg.follow
    if not follow and cfg.center == district:
        follow = sorted(u.id for u in org if u.level == "town")
    auth = NatsAuth(user=cfg.nats_user, password=cfg.nats_password, token=cfg.nats_token,
                    tls_ca=cfg.nats_tls_ca, tls_cert=cfg.nats_tls_cert, tls_key=cfg.nats_tls_key)
    federation = Federation(core, cfg.center or district, cfg.nats, follow=follow, auth=auth)
    federation.attach()
    return federation


def reachable_host(host: str) -> str:
    """The address a phone can open for a hub listening on `host` (a wildcard: this machine's LAN address)."""
    import socket

    if host not in ("0.0.0.0", "::", ""):
        return host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def field_link(server: HubServer, token: str) -> str:
    """The enrolment URL of a field token's page: the token rides in the fragment, never in a request."""
    from urllib.parse import quote

    scheme = "https" if server.ssl_context else "http"
    host = reachable_host(server.host)
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{server.port}/field/#token={quote(token, safe='')}"


def print_field_link(url: str) -> None:
    """Print a field page's URL and, when segno is installed, its QR code for a phone's camera."""
    print(f"field page: {url}", flush=True)
    try:
        import segno
    except ImportError:
        return
    segno.make(url, error="m").terminal(compact=True)


def open_vault(cfg: HubConfig, store):
    """The store's sealed camera credentials (console/store/vault.py), or None without a key file to use."""
    from console.store.engine import sqlite_path
    from console.store.vault import CredentialVault

    path = cfg.credentials_key
    if not path:
        db = sqlite_path(cfg.db or "")
        if db is None:
            return None
        path = f"{db}.credentials-key"
    return CredentialVault(store, path)


def keep_credentials(server, vault, credentials: dict) -> None:
    """A site's camera credentials: sealed in the store, and (changed) sent again to consoles that pull video."""
    from console.hub.views import credentials_message, gets_credentials

    core = server.core
    if vault is not None:
        vault.save(credentials)
    pairs = lambda creds: {cid: (c.username, c.password) for cid, c in creds.items()}  # noqa: E731
    changed = pairs(credentials) != pairs(core.camera_credentials)
    core.camera_credentials = dict(credentials)
    if not changed or not credentials:
        return
    data = credentials_message(core.state, core.camera_credentials)
    for ch in list(core.channels):
        if ch.backlog_done.is_set() and gets_credentials(ch.principal):
            ch.push(data)


def checkpoint_path(cfg: HubConfig) -> str | None:
    """Where the audit checkpoints of this hub go: the flag, else beside the SQLite file."""
    if cfg.audit_checkpoints:
        return cfg.audit_checkpoints
    from console.store.engine import sqlite_path

    path = sqlite_path(cfg.db or "")
    return None if path is None else f"{path}.audit-checkpoints"


def open_checkpoints(cfg: HubConfig) -> AuditCheckpoints | None:
    """The signed checkpoint file of the hub's audit chain, or None without `--audit-key`.

    Raises CheckpointError (one clear line) for an unreadable or short key, a
    missing checkpoint path, or an existing file signed with another key.
    """
    if not cfg.audit_key:
        return None
    from console.store.audit import AuditCheckpoints, CheckpointError, read_key

    key = read_key(cfg.audit_key)
    path = checkpoint_path(cfg)
    if path is None:
        raise CheckpointError("--audit-checkpoints FILE is needed when --db is not a SQLite file")
    checkpoints = AuditCheckpoints(path, key)
    checkpoints.last()  # an existing file must authenticate with this key before we append to it
    return checkpoints


async def start_review(cfg: HubConfig, tokens: TokenRegistry | None = None, ssl_context=None) -> RunningHub:
    """Serve a drill file in review mode: the recording replays on the hub clock at `cfg.speed`.

    `cfg.start` ("HH:MM[:SS]" on the drill's day, or epoch seconds) is where the replay begins
    (default: the start of the recording). Raises DrillFileError for a file that cannot be used.
    """
    from console.hub.auth import TokenRegistry
    from console.hub.core import Clock
    from console.hub.server import HubServer
    from console.recording.drill_file import DrillReader
    from console.hub.replay import ReviewCore
    from console.recording.review import DrillPlayer, ReviewStore

    tokens = tokens or (TokenRegistry.from_file(cfg.tokens) if cfg.tokens else TokenRegistry.demo())
    loop = asyncio.get_running_loop()
    reader = await loop.run_in_executor(None, DrillReader, cfg.drill)
    meta = reader.meta
    start = meta.start
    if cfg.start:
        from console.scenarios.marathon import parse_start

        first = await loop.run_in_executor(None, reader.state_at, meta.start)
        start = min(max(parse_start(first.day_start or meta.start, cfg.start), meta.start), meta.end)
    state = await loop.run_in_executor(None, reader.state_at, start)
    clock = Clock(start=start, rate=cfg.speed)
    core = ReviewCore(ReviewStore(reader), decode=reader.decode, clock=clock, state=state)
    await core.start()
    server = HubServer(core, tokens, host=cfg.host, port=cfg.port, queue_limit=cfg.queue_limit,
                       ssl_context=ssl_context if ssl_context is not None else hub_ssl(cfg))
    await server.start()
    player = DrillPlayer(core, server, reader, speed=cfg.speed)
    await player.start()
    log.info("hub reviewing %s on %s (%d events, %.0f min, speed %.1f×)", cfg.drill, server.url,
             meta.events, meta.duration / 60, cfg.speed)
    return RunningHub(core.store, core, server, None, player=player)
