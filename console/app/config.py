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
    #: HMAC key file for signed audit checkpoints (None: no checkpoints)
    audit_key: str | None = None
    #: where the checkpoints are appended (None: beside the SQLite file, `<db file>.audit-checkpoints`)
    audit_checkpoints: str | None = None


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
    return cfg
