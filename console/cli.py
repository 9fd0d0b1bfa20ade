"""duty-console: the hub, the console, the demo, and the audit check, from one command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys


def _hub_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", "--bind", dest="host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 lets phones on the network reach the field page)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--scenario", default="marathon", help="marathon | fire_hazard | rockfall | none")
    p.add_argument("--speed", type=float, default=1.0, help="scenario clock speed factor (default 1)")
    p.add_argument("--seed", type=int, default=7, help="scenario seed (default 7)")
    p.add_argument("--start", default=None, help="scenario start time HH:MM (default 07:00)")
    p.add_argument("--db", default="sqlite:///hub.db", help="SQLAlchemy URL of the event log")
    p.add_argument("--tokens", default=None,
                   help="JSON file: [{token | token_sha256, role, name, center?, resource?, expires?}]; "
                        "re-read when it changes or on SIGHUP")
    p.add_argument("--tls-cert", default=None, metavar="PEM", help="serve wss:// with this certificate (chain)")
    p.add_argument("--tls-key", default=None, metavar="PEM", help="the certificate's private key")
    p.add_argument("--insecure", action="store_true",
                   help="allow plain ws:// on an address that is not loopback (tokens travel in clear)")
    p.add_argument("--fps", type=float, default=5.0, help="camera frames per second per subscribed camera")
    p.add_argument("--no-field", action="store_true", help="do not simulate field units answering tasks")
    p.add_argument("--record", default=None, metavar="FILE", help="record the session to this drill file")
    p.add_argument("--record-cameras", default="", metavar="CAM01,CAM02",
                   help="cameras whose frames go into the recording (default none)")
    p.add_argument("--record-fps", type=float, default=1.0,
                   help="recorded frames per hub second per camera (default 1)")
    p.add_argument("--drill", default=None, metavar="FILE",
                   help="review: replay this drill file as if live (--speed sets the pace, --start the position)")
    p.add_argument("--site", default=None, metavar="DIR",
                   help="serve this site folder's world (org, grids, roster, cameras, plans); "
                        "changes to it are re-imported (see `duty-console site check`)")
    p.add_argument("--camera-offline-s", type=float, default=30.0, metavar="S",
                   help="a camera with no frame for S seconds raises one camera_offline alarm, cleared when it is "
                        "back (shorter gaps are blips; default 30; 0: cameras are not watched; not with a scenario)")
    p.add_argument("--camera-alarms", type=int, default=3, metavar="N",
                   help="at most N camera_offline alarms per camera per --camera-alarm-period-s (default 3)")
    p.add_argument("--camera-alarm-period-s", type=float, default=3600.0, metavar="S",
                   help="the period --camera-alarms counts in (default 3600)")
    p.add_argument("--gateway-url", default=None, metavar="URL",
                   help="the alert gateway the field page posts photo reports to (e.g. http://10.0.0.5:8780)")
    p.add_argument("--audit-key", default=None, metavar="FILE",
                   help="HMAC key file (keep it off the database's disk): sign audit checkpoints with it")
    p.add_argument("--credentials-key", default=None, metavar="FILE",
                   help="key file sealing camera credentials in the database (default: <db file>.credentials-key)")
    p.add_argument("--audit-checkpoints", default=None, metavar="FILE",
                   help="append-only file of signed audit checkpoints (default: <db file>.audit-checkpoints)")
    p.add_argument("--center", default=None, metavar="ID",
                   help="the center this hub serves when federated (T1..T7, or D for the district); "
                        "a town hub feeds only its own town's scenario alerts")
    p.add_argument("--nats", default=None, metavar="URL",
                   help="federate with other hubs over this NATS JetStream server (nats://host:4222)")
    p.add_argument("--follow", default="", metavar="T1,T2",
                   help="towns a district hub follows (default: every town of its org)")
    p.add_argument("--nats-user", default=None, metavar="NAME", help="NATS user name (with a password)")
    p.add_argument("--nats-password", default=os.environ.get("DUTY_NATS_PASSWORD"), metavar="SECRET",
                   help="NATS password (better: the DUTY_NATS_PASSWORD environment variable; never logged)")
    p.add_argument("--nats-token", default=os.environ.get("DUTY_NATS_TOKEN"), metavar="SECRET",
                   help="NATS token instead of a user (better: DUTY_NATS_TOKEN; never logged)")
    p.add_argument("--nats-tls-ca", default=None, metavar="PEM", help="CA that signed the NATS server's certificate")
    p.add_argument("--nats-tls-cert", default=None, metavar="PEM", help="this hub's client certificate for NATS")
    p.add_argument("--nats-tls-key", default=None, metavar="PEM", help="the key of --nats-tls-cert")


def _hub_config(a: argparse.Namespace):
    from console.app.config import HubConfig

    return HubConfig(host=a.host, port=a.port, scenario=None if a.scenario == "none" else a.scenario,
                     speed=a.speed, seed=a.seed, start=a.start, db=a.db, tokens=a.tokens, fps=a.fps,
                     simulate_field=not a.no_field,
                     mode="review" if a.drill else "exercise" if a.scenario not in (None, "none") else "live",
                     record=a.record, record_fps=a.record_fps, drill=a.drill, site=a.site,
                     audit_key=a.audit_key, audit_checkpoints=a.audit_checkpoints,
                     credentials_key=getattr(a, "credentials_key", None),
                     record_cameras=[c.strip() for c in a.record_cameras.split(",") if c.strip()],
                     tls_cert=a.tls_cert, tls_key=a.tls_key, insecure=a.insecure,
                     center=a.center, nats=a.nats, gateway_url=getattr(a, "gateway_url", None),
                     camera_offline_s=a.camera_offline_s, camera_alarms=a.camera_alarms,
                     camera_alarm_period_s=a.camera_alarm_period_s,
                     follow=[t.strip() for t in a.follow.split(",") if t.strip()],
                     nats_user=a.nats_user, nats_password=a.nats_password, nats_token=a.nats_token,
                     nats_tls_ca=a.nats_tls_ca, nats_tls_cert=a.nats_tls_cert, nats_tls_key=a.nats_tls_key)


def _check_hub_args(a: argparse.Namespace, prog: str) -> str | None:
    """One line naming what is wrong with the tokens file, the TLS or the federation settings, or None."""
    # Only what the check needs: `demo` paints its window before the hub's modules are loaded.
    from console.app.hub import hub_ssl
    from console.protocol.tls import TlsConfigError

    if getattr(a, "nats", None) and not a.center:
        return f"{prog}: --nats needs --center (the center this hub serves: T1..T7 or D)"
    if a.tokens:
        from console.hub.auth import TokenError, TokenRegistry

        try:
            TokenRegistry.from_file(a.tokens)
        except TokenError as exc:
            return f"{prog}: {exc}"
    try:
        hub_ssl(_hub_config(a))
    except TlsConfigError as exc:
        return f"{prog}: {exc}"
    return None


async def _run_hub(a: argparse.Namespace) -> int:
    from console.hub.auth import DEMO_TOKENS
    from console.app.hub import freeze_what_was_built, start_hub

    from console.hub.auth import TokenError
    from console.protocol.tls import TlsConfigError
    from console.recording.drill_file import DrillFileError
    from console.site import SiteInvalid
    from console.store import SchemaVersionError
    from console.store.audit import CheckpointError

    try:
        hub = await start_hub(_hub_config(a))
    except (DrillFileError, CheckpointError, TokenError, TlsConfigError, SchemaVersionError) as exc:
        print(f"duty-console hub: {exc}", file=sys.stderr, flush=True)
        return 2
    except SiteInvalid as exc:
        for e in exc.errors:
            print(e, file=sys.stderr)
        print(f"duty-console hub: site {a.site} has {len(exc.errors)} error(s); nothing loaded",
              file=sys.stderr, flush=True)
        return 2
    freeze_what_was_built()
    if a.drill:
        meta = hub.player.meta
        print(f"hub serving {hub.url}  review of {a.drill} ({meta.events} events, "
              f"{meta.duration / 60:.0f} min, scenario {meta.scenario or '-'}) speed={a.speed}x", flush=True)
    else:
        print(f"hub serving {hub.url}  scenario={a.scenario} speed={a.speed}x db={a.db}"
              + (f" site={a.site}" if a.site else "")
              + (f" recording to {a.record}" if a.record else ""), flush=True)
    if not a.tokens:
        print("demo tokens (Authorization: Bearer <token>):", flush=True)
        for p in DEMO_TOKENS:
            print(f"  {p.token:18} {p.role:10} {p.name}  center={p.center or 'all'}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # SIGHUP: re-read the tokens file now and close the sessions of tokens it no longer holds
    loop.add_signal_handler(signal.SIGHUP, hub.server.reload_tokens)
    await stop.wait()
    await hub.stop()
    return 0


def _enrol(a: argparse.Namespace) -> int:
    from urllib.parse import quote

    from console.hub.auth import TokenError, enrol_field, revoke_field

    try:
        if a.revoke:
            n = revoke_field(a.tokens, a.resource)
            print(f"{a.resource}: {n} field token(s) removed; the hub closes their sessions within seconds")
            return 0 if n else 1
        token = enrol_field(a.tokens, a.resource, a.name or f"现场终端 {a.resource}", expires=a.expires)
    except (TokenError, OSError, ValueError) as exc:
        print(f"duty-console enrol: {exc}", file=sys.stderr, flush=True)
        return 2
    from console.app.hub import print_field_link

    print_field_link(f"{a.hub.rstrip('/')}/field/#token={quote(token, safe='')}")
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


def _site_check(a: argparse.Namespace) -> int:
    """Every error as file:row:column: message (exit 1), or one summary line (exit 0)."""
    from console.site import check_site

    site, errors = check_site(a.dir)
    if errors:
        for e in errors:
            print(e)
        print(f"{len(errors)} error(s) in {a.dir}; nothing would be loaded", file=sys.stderr)
        return 1
    for w in site.warnings:
        print(f"warning: {w}")
    print(site.summary())
    return 0


def _evidence(a: argparse.Namespace) -> int:
    """`evidence verify`: every file against the manifest (exit 0, or 1 naming each problem);
    `evidence add-to-drill`: the kept clips of a drill's alerts into its file."""
    if a.evidence_command == "verify":
        from console.video.evidence import verify_bundle

        problems = verify_bundle(a.path)
        for p in problems:
            print(p)
        if problems:
            print(f"{a.path}: {len(problems)} problem(s); this evidence does not verify", file=sys.stderr)
            return 1
        print(f"{a.path}: every file matches the manifest")
        return 0
    from console.recording.clips import add_kept_clips
    from console.recording.drill_file import DrillFileError

    try:
        n = add_kept_clips(a.drill, a.kept)
    except DrillFileError as exc:
        print(f"duty-console evidence: {exc}", file=sys.stderr)
        return 2
    print(f"{n} clip(s) added to {a.drill}")
    return 0


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


def _add_ops_parsers(sub) -> None:
    """`--config FILE` on the serving commands; `config check`, `backup` and `restore`."""
    from console.app.config_file import SECTIONS

    for name in sorted({c for commands in SECTIONS.values() for c in commands}):
        sub.choices[name].add_argument(
            "--config", default=None, metavar="TOML",
            help="read settings from this file ([hub], [gateway], [console]); flags given here win")
    config = sub.add_parser("config", help="the TOML config file of hub, gateway and console")
    config_sub = config.add_subparsers(dest="config_command", required=True)
    check = config_sub.add_parser("check", help="read a config file; print each bad key as FILE:LINE: ...")
    check.add_argument("file")
    backup = sub.add_parser("backup", help="copy a hub database while the hub runs (SQLite online backup, pg_dump)")
    backup.add_argument("--db", required=True, help="SQLAlchemy URL of the hub's event log")
    backup.add_argument("--out", required=True, metavar="FILE", help="the backup file to write")
    restore = sub.add_parser("restore", help="a backup into a new database, its audit chain verified, a new log epoch")
    restore.add_argument("file", metavar="FILE", help="a file written by `duty-console backup`")
    restore.add_argument("--db", required=True, help="SQLAlchemy URL of the database to restore into (new or empty)")


def _apply_config_file(argv: list[str], commands) -> int | None:
    """The --config file's values as the sub-command's defaults; 2 (after saying why) when it is bad."""
    from console.app.config_file import ConfigFileError, apply_config

    command = next((x for x in argv if not x.startswith("-")), None)
    try:
        warnings = apply_config(command, argv, commands) if command in commands else []
    except ConfigFileError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        print(f"duty-console {command}: the config file has {len(exc.problems)} problem(s); not started",
              file=sys.stderr, flush=True)
        return 2
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr, flush=True)
    return None


def _run_ops(a: argparse.Namespace, commands) -> int:
    """`config check`, `backup`, `restore` (console/app/ops.py)."""
    from console.app import ops

    if a.command == "config":
        return ops.config_check(a.file, commands)
    if a.command == "backup":
        return ops.backup(a.db, a.out)
    return ops.restore(a.file, a.db)


#: options of the top-level parser (they come before a sub-command)
_GLOBAL_OPTIONS = ("-v", "--verbose", "-h", "--help")


def _with_default_command(argv: list[str], commands) -> list[str]:
    """`demo` is the default sub-command: `duty-console --wall -v` means `duty-console -v demo --wall`."""
    lead = 0
    while lead < len(argv) and argv[lead] in _GLOBAL_OPTIONS:
        if argv[lead] in ("-h", "--help"):
            return argv  # the top-level help lists the sub-commands
        lead += 1
    if lead < len(argv) and argv[lead] in commands:
        return argv
    return [*argv[:lead], "demo", *argv[lead:]]


def main(argv: list[str] | None = None) -> int:
    from console.app.startup import mark

    mark("cli_main")
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["_hub-child"]:
        # `demo`'s hub, started by the console as a child process (console/app/hub_process.py)
        from console.app.hub_process import child_main

        return child_main(args)
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
        p.add_argument("--basemap", default=None, metavar="MBTILES",
                       help="offline base map under the map (demo default: the marathon area's)")
        p.add_argument("--live-tiles", type=int, default=16, metavar="N",
                       help="camera tiles decoding live; the others show a still every --still-s seconds")
        p.add_argument("--still-s", type=float, default=10.0, metavar="S", help="idle tiles' still interval")
        p.add_argument("--shared-views", default=None, metavar="JSON",
                       help="the site's shared saved-views file (default: shared-views.json in the data dir)")
        p.add_argument("--with-wall", action="store_true",
                       help="also start a wall console on this machine's other screen (a desk + wall pair)")
        p.add_argument("--wall-token", default="demo-wall", help="with --with-wall: the wall's token")
        p.add_argument("--wall-screen", type=int, default=None,
                       help="with --with-wall: the wall's screen (default: the one it was on last, else the second)")
    con.add_argument("--armed-rings", type=int, default=8, metavar="N",
                     help="cameras off the live tiles that keep ~16 s of packets (no decoding, 1 MiB and one "
                          "stream session each) so an alert on one has its seconds before; 0: none")
    con.add_argument("--url", default="ws://127.0.0.1:8765", help="ws://host:port or wss://host:port")
    con.add_argument("--token", default="demo-commander")
    con.add_argument("--ca", default=None, metavar="PEM", help="wss://: trust the certificates in this file")
    con.add_argument("--pin", default=None, metavar="SHA256",
                     help="wss://: trust exactly the hub certificate with this SHA-256 fingerprint")
    con.add_argument("--insecure", action="store_true",
                     help="allow plain ws:// to a hub that is not on loopback (the token travels in clear)")

    city = sub.add_parser("city", help="seven town hubs and a district hub on NATS and PostgreSQL, on this machine")
    city.add_argument("--speed", type=float, default=1.0, help="scenario clock speed factor (default 1)")
    city.add_argument("--base-port", type=int, default=8800, help="T1 listens here, T2 on the next, ... D last")
    city.add_argument("--seconds", type=float, default=None, help="stop after this long (default: Ctrl-C)")
    hash_token = sub.add_parser("hash-token", help="print the token_sha256 form of a token for a tokens file")
    hash_token.add_argument("token", nargs="?", default=None, help="the token (default: read one line from stdin)")

    enrol = sub.add_parser("enrol", help="a person's field page: mint (or --revoke) their token, print link + QR")
    enrol.add_argument("resource", help="the person's id (e.g. R0001)")
    enrol.add_argument("--tokens", required=True, metavar="FILE", help="the hub's --tokens file (edited in place)")
    enrol.add_argument("--name", default=None, help="who the token stands for in timelines (default: 现场终端 ID)")
    enrol.add_argument("--hub", default="https://127.0.0.1:8765", metavar="URL",
                       help="the hub as a phone reaches it (default https://127.0.0.1:8765)")
    enrol.add_argument("--expires", default=None, help="ISO time with zone after which the token is refused")
    enrol.add_argument("--revoke", action="store_true", help="remove the person's token instead")

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

    site = sub.add_parser("site", help="site folders: check one before serving it")
    site_sub = site.add_subparsers(dest="site_command", required=True)
    check = site_sub.add_parser("check", help="read everything; print each error as file:row:column: message")
    check.add_argument("dir", help="the site folder")

    evidence = sub.add_parser("evidence", help="incident evidence: verify an export; put kept clips in a drill")
    evidence_sub = evidence.add_subparsers(dest="evidence_command", required=True)
    ev_verify = evidence_sub.add_parser("verify", help="check every file of an export against its SHA-256 manifest")
    ev_verify.add_argument("path", metavar="DIR|ZIP", help="the exported folder or zip")
    ev_add = evidence_sub.add_parser("add-to-drill", help="add the clips this console kept to a drill file")
    ev_add.add_argument("drill", help="the drill file")
    ev_add.add_argument("--kept", default=None, metavar="DIR",
                        help="the console's kept evidence (default: ~/.local/share/duty-console/evidence)")

    from console.gateway.cli import add_gateway_parser

    add_gateway_parser(sub)
    _add_ops_parsers(sub)
    from console.app.drill_cli import add_drill_parser

    add_drill_parser(sub)

    argv = _with_default_command(args, sub.choices)
    problem = _apply_config_file(argv, sub.choices)
    if problem is not None:
        return problem
    a = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if a.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if a.command == "hash-token":
        from console.hub.auth import hash_token

        token = a.token if a.token is not None else sys.stdin.readline().strip()
        print(hash_token(token).removeprefix("sha256:"))
        return 0
    if a.command in ("hub", "demo"):
        problem = _check_hub_args(a, f"duty-console {a.command}")
        if problem:
            print(problem, file=sys.stderr, flush=True)
            return 2
    if a.command == "hub":
        return asyncio.run(_run_hub(a))
    if a.command == "city":
        from console.app.city import run_city

        return asyncio.run(run_city(speed=a.speed, base_port=a.base_port, seconds=a.seconds))
    if a.command == "enrol":
        return _enrol(a)
    if a.command == "audit":
        return _audit(a)
    if a.command == "report":
        return _report(a)
    if a.command == "site":
        return _site_check(a)
    if a.command == "evidence":
        return _evidence(a)
    if a.command == "drill":
        from console.app.drill_cli import run_drill

        return run_drill(a)
    if a.command in ("config", "backup", "restore"):
        return _run_ops(a, sub.choices)
    if a.command == "gateway":
        from console.gateway.cli import run_gateway

        return run_gateway(a)
    if a.command in ("demo", "console"):
        from console.app.config import ConsoleConfig, demo_hub_config
        from console.app.console import run_app

        console_cfg = ConsoleConfig(lang=a.lang, wall=a.wall, screen=a.screen, local_db=a.local_db,
                                    smoke=a.smoke, shot=a.shot, basemap=a.basemap, live_tiles=a.live_tiles,
                                    still_s=a.still_s, shared_views=a.shared_views, with_wall=a.with_wall,
                                    wall_token=a.wall_token, wall_screen=a.wall_screen)
        if a.command == "console":
            from console.protocol.tls import TlsConfigError, client_context

            console_cfg.url, console_cfg.token = a.url, a.token
            console_cfg.ca, console_cfg.pin, console_cfg.insecure = a.ca, a.pin, a.insecure
            try:
                client_context(a.url, ca=a.ca, pin=a.pin, insecure=a.insecure)
            except TlsConfigError as exc:
                print(f"duty-console console: {exc}", file=sys.stderr, flush=True)
                return 2
            return run_app(console_cfg)
        hub_cfg = demo_hub_config(_hub_config(a))
        if console_cfg.basemap is None and hub_cfg.site:
            from console.app.config import marathon_basemap, marathon_site_dir

            if hub_cfg.site == str(marathon_site_dir()):
                console_cfg.basemap = marathon_basemap()
        return run_app(console_cfg, hub_cfg)
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
