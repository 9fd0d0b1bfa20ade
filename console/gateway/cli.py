"""`duty-console gateway`: its command-line flags and its main loop."""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import signal
import sys

#: glibc's mallopt parameter for the size from which blocks are mapped (and unmapped when freed)
_M_MMAP_THRESHOLD = -3


def add_gateway_parser(sub) -> None:
    """The `gateway` sub-command on the main parser."""
    p = sub.add_parser("gateway", help="alert gateway: CAP 1.2, AI-camera webhook and photo reports over HTTP")
    p.add_argument("--site", required=True, metavar="DIR", help="the site folder the hub serves (for its origin)")
    p.add_argument("--hub", default="ws://127.0.0.1:8765", help="the hub's websocket URL")
    p.add_argument("--hub-token", default="demo-ingest", help="the gateway's ingest token on the hub")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8780, help="HTTP port (default 8780; 0 picks a free one)")
    p.add_argument("--tokens", default=None, metavar="FILE",
                   help="JSON: [{token, name, inputs: [cap|webhook|photo|stats], per_minute, burst}]")
    p.add_argument("--photos", default="gateway-photos", metavar="DIR", help="content-addressed photo folder")
    p.add_argument("--public-url", default=None, help="URL consoles fetch /photos/… from (default http://host:port)")
    p.add_argument("--heartbeat-s", type=float, default=10.0, metavar="S",
                   help="tell the hub every S seconds that the gateway is alive (0: never; default 10)")
    p.add_argument("--db", default="sqlite:///gateway.db", help="SQLAlchemy URL of the gateway's audit trail")
    p.add_argument("--field-tokens", default=None, metavar="FILE",
                   help="the hub's tokens file: its field tokens may post photo reports from the field page")


async def _main(a: argparse.Namespace) -> int:
    from console.gateway.run import GatewayConfig, start_gateway
    from console.gateway.sources import DEMO_SOURCES, SourceError
    from console.site import SiteInvalid

    cfg = GatewayConfig(site=a.site, hub=a.hub, hub_token=a.hub_token, host=a.host, port=a.port, tokens=a.tokens,
                        photos=a.photos, public_url=a.public_url, db=a.db,
                        field_tokens=a.field_tokens, heartbeat_s=a.heartbeat_s)
    try:
        gw = await start_gateway(cfg)
    except SiteInvalid as exc:
        for e in exc.errors:
            print(e, file=sys.stderr)
        return 2
    except (SourceError, ValueError) as exc:  # ValueError: TokenError of --field-tokens
        print(f"duty-console gateway: {exc}", file=sys.stderr)
        return 2
    print(f"gateway serving {gw.url}  → hub {a.hub}  photos in {a.photos}  audit {a.db}", flush=True)
    if not a.tokens:
        print("demo tokens (Authorization: Bearer <token>):", flush=True)
        for token, name, inputs, per_min, burst in DEMO_SOURCES:
            print(f"  {token:20} {','.join(inputs):8} {per_min:g}/min  {name}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await gw.stop()
    return 0


def return_freed_memory() -> None:
    """Have large freed blocks (a decoded photo) go back to the system at once.

    glibc raises its mmap threshold to the size of the largest block freed so far
    (up to 32 MiB), after which decoded photos are carved from the heap and the
    process stays at its peak: four 39 Mpixel photos left the gateway at 207 MB
    instead of 63 MB. A fixed threshold turns that off. Not glibc: nothing to do.
    """
    try:
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, 4 << 20)
    except (OSError, AttributeError):
        pass


def run_gateway(a: argparse.Namespace) -> int:
    """Run until SIGINT/SIGTERM."""
    return_freed_memory()
    return asyncio.run(_main(a))
