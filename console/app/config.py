"""What the composition roots are built from: one config for a hub, one for a console.

`cli.py` turns command-line flags into these; the app never reads argparse.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class HubConfig:
    """Everything `duty-console hub` takes on its command line."""

    host: str = "127.0.0.1"
    port: int = 8765
    scenario: str | None = "marathon"
    speed: float = 1.0
    seed: int = 7
    start: str | None = None
    #: SQLAlchemy URL of the event log (None only for `demo`: a fresh temp file)
    db: str | None = "sqlite:///hub.db"
    tokens: str | None = None
    fps: float = 5.0
    #: serve the scenario's cameras as MJPEG streams the consoles pull (else the hub pushes frames)
    streams: bool = True
    simulate_field: bool = True
    mode: str = "live"
    queue_limit: int = 20_000
    #: record the session to this drill file
    record: str | None = None
    #: cameras whose frames go into the recording, and how many per hub second
    record_cameras: list[str] = field(default_factory=list)
    record_fps: float = 1.0
    #: serve this drill file in review mode instead of running a scenario
    drill: str | None = None
    #: a site folder (console/site): the world comes from it, and changes to it are re-imported
    site: str | None = None
    #: how often (s) the site folder is checked for changes (0: only at start)
    site_poll_s: float = 5.0
    #: the site is the shipped folder, whose grid drawing the suite checks: not checked again at start
    site_shipped: bool = False
    #: a camera with no frame this long (s) raises camera_offline (console/hub/health.py); 0: not watched
    camera_offline_s: float = 30.0
    #: at most this many camera_offline alarms per camera in `camera_alarm_period_s` (then quieted)
    camera_alarms: int = 3
    camera_alarm_period_s: float = 3600.0
    #: HMAC key file for signed audit checkpoints (None: no checkpoints)
    audit_key: str | None = None
    #: the key file sealing camera credentials in the store (None: beside the SQLite file,
    #: `<db file>.credentials-key`, made on first use; no SQLite file: kept in memory only)
    credentials_key: str | None = None
    #: where the checkpoints are appended (None: beside the SQLite file, `<db file>.audit-checkpoints`)
    audit_checkpoints: str | None = None
    #: TLS: PEM certificate (chain) and key; without them the hub speaks plain ws://
    tls_cert: str | None = None
    tls_key: str | None = None
    #: allow plain ws:// on an address that is not loopback (a warning is logged)
    insecure: bool = False
    #: the command center this hub serves in a federation (a town id, or the district's); with a
    #: scenario, a town hub feeds only its own town's alerts (the city split by town)
    center: str | None = None
    #: NATS server URL: federate with the other hubs over JetStream (console/hub/federation.py)
    nats: str | None = None
    #: towns a district hub follows (empty: every town of its org, when `center` is the district)
    follow: list[str] = field(default_factory=list)
    #: NATS credentials (a user and password, or a token) and TLS files; the secrets never in a repr
    nats_user: str | None = None
    nats_password: str | None = field(default=None, repr=False)
    nats_token: str | None = field(default=None, repr=False)
    nats_tls_ca: str | None = None
    nats_tls_cert: str | None = None
    nats_tls_key: str | None = None
    #: print the field page's URL and a QR code for this demo token once serving (demo: the volunteer's)
    field_link: str | None = None
    #: the alert gateway the field page posts photo reports to (console/gateway/field.py)
    gateway_url: str | None = None


#: the token of the volunteer whose field page `demo` prints (console/hub/auth.py DEMO_TOKENS)
DEMO_FIELD_TOKEN = "demo-volunteer"


@dataclass(slots=True)
class ConsoleConfig:
    """Everything `duty-console console` (and the console half of `demo`) takes."""

    url: str = "ws://127.0.0.1:8765"
    token: str = "demo-commander"
    lang: str = "zh"
    wall: bool = False
    screen: int | None = None
    #: the console's own SQLite file (outbox, cached replica); None: one per token in the user's data dir
    local_db: str | None = None
    #: run this many seconds offscreen, dispatch once, print a summary line, exit
    smoke: float | None = None
    #: with smoke: save the window as PNG at the end
    shot: str | None = None
    #: TLS trust for a wss:// hub: a PEM CA file, or the SHA-256 fingerprint of the hub's certificate
    ca: str | None = None
    pin: str | None = None
    #: allow plain ws:// to a hub that is not on loopback (a warning is logged)
    insecure: bool = False
    #: an MBTiles base map under the map pane (console/site/SITE_FORMAT.md, "Base map")
    basemap: str | None = None
    #: camera wall: tiles that decode live; the others show a still every `still_s` seconds
    live_tiles: int = 16
    still_s: float = 10.0
    #: the site's shared saved-views file (None: shared-views.json in this machine's data dir)
    shared_views: str | None = None
    #: a desk and its wall from one machine: also start a wall console (console/app/pair.py) with
    #: this token, on this screen (None: the one remembered here, else the second screen)
    with_wall: bool = False
    wall_token: str = "demo-wall"
    wall_screen: int | None = None


#: the demo opens 20 s before the dog reaches the cordon at the start area
DEMO_START = "07:29:40"


def demo_hub_config(cfg: HubConfig) -> HubConfig:
    """The embedded hub of `demo`: a free loopback port, a fresh log in a temp dir, the dog's morning."""
    import tempfile

    if cfg.port == 8765:
        cfg.port = 0
    if cfg.db is None:
        cfg.db = f"sqlite:///{tempfile.mkdtemp(prefix='duty-demo-')}/hub.db"
    if cfg.start is None:
        cfg.start = DEMO_START
    if cfg.field_link is None and not cfg.tokens:
        cfg.field_link = DEMO_FIELD_TOKEN
    if cfg.site is None and cfg.scenario in ("marathon", "fire_hazard", "rockfall") and cfg.seed == MARATHON_SITE_SEED:
        # the shipped site folder is the marathon world of seed 7: the demo loads it like any site
        site = marathon_site_dir()
        if site.is_dir():
            cfg.site = str(site)
            cfg.site_shipped = True  # tests/site/test_loader.py loads it whole, geometry and all
    return cfg


def marathon_basemap() -> str | None:
    """resources/basemaps/marathon.mbtiles, if it is there (the demo's base map)."""
    path = marathon_site_dir().parents[1] / "basemaps" / "marathon.mbtiles"
    return str(path) if path.is_file() else None


#: scripts/make_marathon_site.py writes the marathon world of this seed
MARATHON_SITE_SEED = 7


def marathon_site_dir():
    """resources/sites/marathon in the source tree or the bundle."""
    import sys
    from pathlib import Path

    frozen = getattr(sys, "_MEIPASS", None)
    base = Path(frozen) if frozen else Path(__file__).resolve().parents[2]
    return base / "resources" / "sites" / "marathon"
