"""duty-console: the hub, the console, the demo, and the audit check, from one command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys


def _hub_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--scenario", default="marathon", help="marathon | fire_hazard | rockfall | none")
    p.add_argument("--speed", type=float, default=1.0, help="scenario clock speed factor (default 1)")
    p.add_argument("--seed", type=int, default=7, help="scenario seed (default 7)")
    p.add_argument("--start", default=None, help="scenario start time HH:MM (default 07:00)")
    p.add_argument("--db", default="sqlite:///hub.db", help="SQLAlchemy URL of the event log")
    p.add_argument("--tokens", default=None, help="JSON file: [{token, role, name, center?}]")
    p.add_argument("--fps", type=float, default=5.0, help="camera frames per second per subscribed camera")
    p.add_argument("--no-field", action="store_true", help="do not simulate field units answering tasks")


def _hub_config(a: argparse.Namespace):
    from console.hub.runner import HubConfig

    return HubConfig(host=a.host, port=a.port, scenario=None if a.scenario == "none" else a.scenario,
                     speed=a.speed, seed=a.seed, start=a.start, db=a.db, tokens=a.tokens, fps=a.fps,
                     simulate_field=not a.no_field,
                     mode="exercise" if a.scenario not in (None, "none") else "live")


async def _run_hub(a: argparse.Namespace) -> int:
    from console.hub.auth import DEMO_TOKENS
    from console.hub.runner import start_hub

    hub = await start_hub(_hub_config(a))
    print(f"hub serving {hub.url}  scenario={a.scenario} speed={a.speed}x db={a.db}", flush=True)
    if not a.tokens:
        print("demo tokens (Authorization: Bearer <token>):", flush=True)
        for p in DEMO_TOKENS:
            print(f"  {p.token:18} {p.role:10} {p.name}  center={p.center or 'all'}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await hub.stop()
    return 0


def _audit_verify(a: argparse.Namespace) -> int:
    from console.store.audit import verify_audit_url

    verdict = verify_audit_url(a.db)
    if verdict.ok:
        print(f"audit trail OK: {verdict.checked} entries verified")
        return 0
    print(f"audit trail BROKEN at entry {verdict.first_broken}: {verdict.reason} "
          f"({verdict.checked} entries verified before it)")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="duty-console", description="Duty commander's console")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command")

    hub = sub.add_parser("hub", help="run the event hub")
    _hub_args(hub)

    demo = sub.add_parser("demo", help="hub in this process + console connected to it (the default)")
    _hub_args(demo)
    demo.set_defaults(db=None)  # None: a fresh event log in a temp dir, a new day each run

    con = sub.add_parser("console", help="the console, connected to a hub")
    for p in (demo, con):
        p.add_argument("--lang", default="zh", choices=["zh", "en"], help="interface language")
        p.add_argument("--wall", action="store_true", help="wall mode: full screen, read-only")
        p.add_argument("--screen", type=int, default=None, help="screen index for wall mode")
        p.add_argument("--local-db", default=None, help="the console's own SQLite file")
        p.add_argument("--smoke", type=float, default=None, metavar="N",
                       help="run N seconds offscreen, dispatch once, print a summary, exit")
        p.add_argument("--shot", default=None, metavar="PNG", help="with --smoke: save the window as PNG at the end")
    con.add_argument("--url", default="ws://127.0.0.1:8765")
    con.add_argument("--token", default="demo-commander")

    audit = sub.add_parser("audit", help="audit trail tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="check the hash chain; names the first broken entry")
    verify.add_argument("--db", default="sqlite:///hub.db")

    a = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if a.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if a.command is None:
        a = parser.parse_args(["demo", *(argv or sys.argv[1:])])
    if a.command == "hub":
        return asyncio.run(_run_hub(a))
    if a.command == "audit":
        return _audit_verify(a)
    if a.command in ("demo", "console"):
        from console.app import run_app

        return run_app(a)
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
