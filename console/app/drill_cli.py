"""`duty-console drill start|end`: inject a site's drill script (演练) into a town's live queue, or end a
drill at once, from the command line of the district (or the town's chief).

A one-shot protocol client: it connects with the token, sends one command and prints the hub's
answer. `start` reads the script from the site folder's drills.toml and sends the whole
exercise-marked alert (`cmd.start_drill`); through a district hub (`--district`) the alert's id
names its town (`T1/<drill id>`) and the district hub hands it to that town's hub.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.protocol import messages as m

# The protocol client's modules are imported where they are used: every start of the program
# builds this sub-command's parser, and `demo` starts its hub only once the arguments are read.


def add_drill_parser(sub) -> None:
    """The `drill` subcommand and its `start` / `end`."""
    drill = sub.add_parser("drill", help="no-notice drills (演练): start a site's script in a town, or end one")
    drill_sub = drill.add_subparsers(dest="drill_command", required=True)
    for name, help_ in (("start", "inject a drills.toml script into a town's live queue"),
                        ("end", "end a drill at once: its tasks end, every screen and phone is told")):
        p = drill_sub.add_parser(name, help=help_)
        p.add_argument("--url", required=True, help="the hub (ws:// or wss://), a town's or the district's")
        p.add_argument("--token", required=True, help="a commander token of that hub")
        p.add_argument("--ca", default=None, metavar="PEM", help="trust this CA or certificate for wss://")
        if name == "start":
            p.add_argument("--site", required=True, metavar="DIR", help="the site folder with drills.toml")
            p.add_argument("--script", required=True, help="the drill script's id (drills.toml)")
            p.add_argument("--district", action="store_true",
                           help="the hub is a district hub: it hands the drill to the script's town")
        else:
            p.add_argument("--incident", required=True, help="the drill's incident (I-DR-…; T1/I-DR-… on a district)")


async def send_once(url: str, token: str, type_: str, body: m.Body, *, ca: str | None = None,
                    timeout: float = 15.0) -> m.Result:
    """Send one command and return the hub's result (an error answer as a refused result)."""
    from websockets.asyncio.client import connect

    from console.protocol import messages as m
    from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode_batch, encode
    from console.protocol.tls import client_context

    cid = uuid.uuid4().hex
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}, compression=None,
                       proxy=None, max_size=MAX_HUB_MESSAGE_BYTES, ssl=client_context(url, ca=ca)) as ws:
        await ws.send(encode(type_, body, id=cid), text=True)

        async def answer() -> m.Result:
            async for raw in ws:
                if isinstance(raw, bytes):
                    continue
                for msg in decode_batch(raw, max_bytes=MAX_HUB_MESSAGE_BYTES):
                    if isinstance(msg, Exception) or msg.id != cid:
                        continue
                    if msg.type == "result":
                        return msg.body
                    if msg.type == "error":
                        return m.Result(ok=False, code=msg.body.code, message=msg.body.message)
            raise ConnectionError("the hub closed the link before answering")

        return await asyncio.wait_for(answer(), timeout)


def start_body(site_dir: str, script_id: str, *, district: bool, drill: str | None = None) -> m.CmdStartDrill:
    """The `cmd.start_drill` of one script of a site folder (KeyError naming it when the folder lacks it)."""
    from console.protocol import messages as m
    from console.site.drill_scripts import drill_alert
    from console.site.loader import load_site

    site = load_site(site_dir)
    script = next((d for d in site.drills if d.id == script_id), None)
    if script is None:
        raise KeyError(f"no drill {script_id!r} in {site_dir}/drills.toml "
                       f"(it has: {', '.join(d.id for d in site.drills) or 'none'})")
    drill = drill or f"DR-{time.strftime('%m%d%H%M%S')}-{uuid.uuid4().hex[:4]}"
    alert = drill_alert(script, site.baseline, drill, by="")  # the hub names who sent it
    if district:
        alert.id = f"{alert.town}/{drill}"
    return m.CmdStartDrill(alert=alert)


def run_drill(a: argparse.Namespace) -> int:
    """`duty-console drill start|end`: 0 when the hub took it, 1 when it refused, 2 for bad arguments."""
    from console.domain.drills import drill_incident_id
    from console.protocol import messages as m

    if a.drill_command == "start":
        from console.site.loader import SiteInvalid

        try:
            body = start_body(a.site, a.script, district=a.district)
        except (KeyError, OSError, ValueError, SiteInvalid) as exc:
            print(f"duty-console drill start: {exc.args[0] if isinstance(exc, KeyError) else exc}",
                  file=sys.stderr, flush=True)
            return 2
        type_ = "cmd.start_drill"
    else:
        body, type_ = m.CmdIncident(incident=a.incident), "cmd.end_drill"
    try:
        result = asyncio.run(send_once(a.url, a.token, type_, body, ca=a.ca))
    except (OSError, TimeoutError, ConnectionError) as exc:
        print(f"duty-console drill {a.drill_command}: cannot reach {a.url}: {exc}", file=sys.stderr, flush=True)
        return 2
    if not result.ok:
        print(f"duty-console drill {a.drill_command}: refused ({result.code}): {result.message}", file=sys.stderr)
        return 1
    if a.drill_command == "start":
        drill = body.alert.exercise.drill
        town = body.alert.town
        prefix = f"{town}/" if a.district else ""
        print(f"drill {drill} started in {town}: incident {prefix}{drill_incident_id(drill)}")
    else:
        print(f"drill {a.incident} ended")
    return 0
