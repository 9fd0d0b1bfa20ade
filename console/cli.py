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
    p.add_argument("--record", default=None, metavar="FILE", help="record the session to this drill file")
    p.add_argument("--record-cameras", default="", metavar="CAM01,CAM02",
                   help="cameras whose frames go into the recording (default none)")
    p.add_argument("--record-fps", type=float, default=1.0,
                   help="recorded frames per hub second per camera (default 1)")
    p.add_argument("--drill", default=None, metavar="FILE",
                   help="review: replay this drill file as if live (--speed sets the pace, --start the position)")
    p.add_argument("--audit-key", default=None, metavar="FILE",
                   help="HMAC key file (keep it off the database's disk): sign audit checkpoints with it")
    p.add_argument("--audit-checkpoints", default=None, metavar="FILE",
                   help="append-only file of signed audit checkpoints (default: <db file>.audit-checkpoints)")


def _hub_config(a: argparse.Namespace):
    from console.app.config import HubConfig

    return HubConfig(host=a.host, port=a.port, scenario=None if a.scenario == "none" else a.scenario,
                     speed=a.speed, seed=a.seed, start=a.start, db=a.db, tokens=a.tokens, fps=a.fps,
                     simulate_field=not a.no_field,
                     mode="review" if a.drill else "exercise" if a.scenario not in (None, "none") else "live",
                     record=a.record, record_fps=a.record_fps, drill=a.drill,
                     audit_key=a.audit_key, audit_checkpoints=a.audit_checkpoints,
                     record_cameras=[c.strip() for c in a.record_cameras.split(",") if c.strip()])


async def _run_hub(a: argparse.Namespace) -> int:
    from console.hub.auth import DEMO_TOKENS
    from console.app.hub import start_hub

    from console.recording.drill_file import DrillFileError
    from console.store.audit import CheckpointError

    try:
        hub = await start_hub(_hub_config(a))
    except (DrillFileError, CheckpointError) as exc:
        print(f"duty-console hub: {exc}", file=sys.stderr, flush=True)
        return 2
    if a.drill:
        meta = hub.player.meta
        print(f"hub serving {hub.url}  review of {a.drill} ({meta.events} events, "
              f"{meta.duration / 60:.0f} min, scenario {meta.scenario or '-'}) speed={a.speed}x", flush=True)
    else:
        print(f"hub serving {hub.url}  scenario={a.scenario} speed={a.speed}x db={a.db}"
              + (f" recording to {a.record}" if a.record else ""), flush=True)
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


def _audit(a: argparse.Namespace) -> int:
    from console.store.audit import CheckpointError, make_key_file, read_key, verify_audit_url

    if a.audit_command == "keygen":
        try:
            make_key_file(a.file)
        except OSError as exc:
            print(f"duty-console audit keygen: cannot write {a.file}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        print(f"wrote a new audit key to {a.file} (mode 600); keep it off the hub database's disk")
        return 0
    if (a.key is None) != (a.checkpoints is None):
        print("duty-console audit verify: --key and --checkpoints go together", file=sys.stderr)
        return 2
    try:
        key = read_key(a.key) if a.key else None
    except CheckpointError as exc:
        print(f"duty-console audit verify: {exc}", file=sys.stderr)
        return 2
    verdict = verify_audit_url(a.db, key=key, checkpoints=a.checkpoints)
    if verdict.ok:
        signed = (f", {verdict.checkpoints} signed checkpoints match" if a.key else
                  " (no checkpoints given: a recomputed chain or a cut tail cannot be detected)")
        print(f"audit trail OK: {verdict.checked} entries verified{signed}")
        return 0
    where = f" at entry {verdict.first_broken}" if verdict.first_broken is not None else ""
    print(f"audit trail BROKEN{where}: {verdict.reason} ({verdict.checked} entries verified before it)")
    return 1


def _report(a: argparse.Namespace) -> int:
    from console.recording.drill_file import DrillFileError

    try:
        from console.ui.report import write_report

        paths = write_report(a.file, out=a.out, pdf=a.pdf, lang=a.lang,
                             progress=None if a.quiet else _print_progress)
    except DrillFileError as exc:
        print(f"duty-console report: {exc}", file=sys.stderr)
        return 2
    for p in paths:
        print(f"wrote {p}")
    return 0


def _print_progress(done: float, what: str) -> None:
    """Progress on the command line: one line rewritten in place on a terminal."""
    bar = "#" * int(done * 30)
    end = "\n" if done >= 1.0 else ""
    if sys.stderr.isatty():
        print(f"\r[{bar:<30}] {done * 100:5.1f}% {what:<40}", end=end, file=sys.stderr, flush=True)
    else:
        print(f"[{done * 100:5.1f}%] {what}", file=sys.stderr, flush=True)


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

    report = sub.add_parser("report", help="after-action report of a drill file (HTML, optionally PDF)")
    report.add_argument("file", help="the drill file")
    report.add_argument("--out", default=None, help="HTML file to write (default: FILE with .html)")
    report.add_argument("--pdf", action="store_true", help="also write a PDF beside the HTML")
    report.add_argument("--quiet", action="store_true", help="no progress output")
    report.add_argument("--lang", default="zh", choices=["zh", "en"], help="language of the report's words")

    audit = sub.add_parser("audit", help="audit trail tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="check the hash chain; names the first broken entry")
    verify.add_argument("--db", default="sqlite:///hub.db")
    verify.add_argument("--key", default=None, metavar="FILE", help="the hub's --audit-key file")
    verify.add_argument("--checkpoints", default=None, metavar="FILE", help="the hub's signed checkpoint file")
    keygen = audit_sub.add_parser("keygen", help="write a new random audit key file")
    keygen.add_argument("file")

    a = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if a.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if a.command is None:
        a = parser.parse_args(["demo", *(argv or sys.argv[1:])])
    if a.command == "hub":
        return asyncio.run(_run_hub(a))
    if a.command == "audit":
        return _audit(a)
    if a.command == "report":
        return _report(a)
    if a.command in ("demo", "console"):
        from console.app.config import ConsoleConfig, demo_hub_config
        from console.app.console import run_app

        console_cfg = ConsoleConfig(lang=a.lang, wall=a.wall, screen=a.screen, local_db=a.local_db,
                                    smoke=a.smoke, shot=a.shot)
        if a.command == "console":
            console_cfg.url, console_cfg.token = a.url, a.token
            return run_app(console_cfg)
        return run_app(console_cfg, demo_hub_config(_hub_config(a)))
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
