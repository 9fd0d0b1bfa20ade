"""P9b: a real alert source and a real site at size.

1. CAP POST over real HTTP → the alert's row painted in a live console, p50/p99, at rest
   and with 1,000 background events/s. Four processes, as deployed: the hub
   (`bench.hubproc`, the marathon world, which is what the shipped marathon site folder
   loads), the gateway (`duty-console gateway --site <marathon site>`), this worker's
   console (`build_console`, offscreen) and the HTTP client (a thread of this worker, so
   the time starts before the request's first byte). The clock stops in the queue view's
   `paintEvent` once the model has the new incident's row: what P2 calls painted.
2. `duty-console site check` of a 65,000-grid, 100,000-person folder (`bench.site_bench`
   writes it, people as GB18030 CSV): wall seconds and the child's own peak RSS (wait4).

A run in which no alert was painted is INVALID (no figure is reported from it).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import ROOT, Measure, child_env, expect_async, percentile, python, start_hub

#: inside grid T1-C01-G2 of the marathon site (WGS-84 lat,lon pairs, CAP's order)
POLYGON = "29.5340,106.5310 29.5340,106.5326 29.5356,106.5326 29.5356,106.5310 29.5340,106.5310"
SENDER = "bench@example.gov.cn"
CAP_TOKEN = "bench-cap"


def cap_doc(identifier: str) -> bytes:
    """A CAP 1.2 Alert (Extreme/Immediate/Observed: critical) inside the marathon site."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">'
            f"<identifier>{identifier}</identifier><sender>{SENDER}</sender>"
            "<sent>2025-11-30T08:00:00+08:00</sent><status>Actual</status><msgType>Alert</msgType>"
            "<scope>Public</scope><info><language>zh-CN</language><category>Geo</category><event>地质灾害</event>"
            "<urgency>Immediate</urgency><severity>Extreme</severity><certainty>Observed</certainty>"
            "<expires>2099-12-31T23:00:00+08:00</expires><senderName>预警发布中心</senderName>"
            "<headline>P9b 江滨路段滑坡预警</headline><instruction>疏散坡下人员</instruction>"
            f"<area><areaDesc>江滨社区</areaDesc><polygon>{POLYGON}</polygon></area></info></alert>").encode()


def http_post(url: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    """One POST over a fresh socket (as a CAP feed sends)."""
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        conn.request("POST", u.path, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def start_gateway(hub_url: str, tmp: Path) -> tuple[subprocess.Popen, str]:
    """`duty-console gateway` in its own process, with a bench token that no rate limit slows."""
    from console.app.config import marathon_site_dir

    tokens = tmp / "gateway-tokens.json"
    tokens.write_text(json.dumps([{"token": CAP_TOKEN, "name": "P9b", "inputs": ["cap"],
                                   "per_minute": 1e6, "burst": 1e5}]), encoding="utf-8")
    proc = subprocess.Popen([python(), "-m", "console", "gateway", "--site", str(marathon_site_dir()),
                             "--hub", hub_url, "--port", "0", "--tokens", str(tokens),
                             "--photos", str(tmp / "photos"), "--db", f"sqlite:///{tmp / 'gateway.db'}"],
                            cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("gateway serving "):
            return proc, line.split()[2]
    proc.terminate()
    raise RuntimeError("gateway did not start:\n" + "".join(lines[-20:]))


def site_check(grids: int, people: int, tmp: Path) -> dict:
    """Generate the large folder, then time `duty-console site check` on it (its own peak RSS)."""
    from bench.site_bench import make_large_site

    folder = make_large_site(tmp / "big-site", grids, people)
    out_path, err_path = tmp / "site-check.out", tmp / "site-check.err"
    t0 = time.perf_counter()
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = subprocess.Popen([python(), "-m", "console", "site", "check", str(folder)], cwd=ROOT,
                                env=child_env(), stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS, not every child's
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024
    ok = proc.returncode == 0
    out, err = out_path.read_text(), err_path.read_text()
    return {"check_s": seconds, "check_peak_mb": peak, "check_ok": ok, "grids": grids, "people": people,
            "check_summary": (out.strip() or err.strip())[:200]}


async def p9b(tmp: Path, quick: bool) -> dict:
    """CAP → painted row at rest and under 1,000 ev/s, then `site check` at size."""
    from console.ui.panes.alerts.widget import QueueView

    from bench.console import ConsoleUnderTest

    #: incident id → perf_counter at the POST; filled before the request goes out
    waiting: dict[str, float] = {}
    painted: dict[str, float] = {}
    #: incident id → ms from the POST to the console's replica applying its alert_raised
    applied: dict[str, float] = {}
    original = QueueView.paintEvent

    def hooked(view, event):
        original(view, event)
        if waiting:
            now = time.perf_counter()
            model = view.model()
            for iid in [i for i in waiting if model.row_of(i) is not None]:
                painted[iid] = (now - waiting.pop(iid)) * 1000.0

    QueueView.paintEvent = hooked
    from console.gateway.cap import cap_alert_id

    hub, url = start_hub({}, tmp)
    gw = c = None
    posts = 30 if quick else 100
    results: dict[str, list[float]] = {"rest": [], "load": []}
    answered: dict[str, list[float]] = {"rest": [], "load": []}
    in_replica: dict[str, list[float]] = {"rest": [], "load": []}
    refused: list[str] = []
    background = {}
    try:
        gw, gw_url = start_gateway(url, tmp)
        c = await ConsoleUnderTest.create(url, tmp)
        apply_event = c.replica.apply_event

        def watch(msg):
            apply_event(msg)
            if msg.type == "alert_raised" and msg.body.incident in waiting:
                applied[msg.body.incident] = (time.perf_counter() - waiting[msg.body.incident]) * 1000.0

        c.replica.apply_event = watch
        await c.wait_live()
        headers = {"Content-Type": "application/xml", "Authorization": f"Bearer {CAP_TOKEN}"}

        async def post_series(phase: str, n: int, every_s: float) -> None:
            for i in range(n):
                ident = f"P9B_{phase}_{i}"
                iid = f"I-{cap_alert_id(SENDER, ident)}"
                waiting[iid] = t0 = time.perf_counter()
                status, body = await asyncio.to_thread(http_post, f"{gw_url}/cap", cap_doc(ident), headers)
                answered[phase].append((time.perf_counter() - t0) * 1000.0)  # the row may be painted first
                if status != 201:
                    waiting.pop(iid, None)
                    refused.append(f"{status} {body[:120]!r}")
                    continue
                deadline = time.monotonic() + 5.0
                while iid not in painted and time.monotonic() < deadline:
                    await asyncio.sleep(0.001)
                if iid in painted:
                    results[phase].append(painted[iid])
                    if iid in applied:
                        in_replica[phase].append(applied[iid])
                else:
                    waiting.pop(iid, None)
                await asyncio.sleep(every_s)

        await post_series("rest", posts, 0.05)
        seconds = 10 if quick else 25
        hub.send(op="rate", rate=1000, seconds=seconds)
        await asyncio.sleep(1.0)  # the load running at its rate before the first post
        t0 = time.monotonic()
        await post_series("load", posts, 0.05)
        posting_s = time.monotonic() - t0
        background = await expect_async(hub, "done", timeout=seconds + 120)
        stalls = c.stalls_since(0.0)
    finally:
        QueueView.paintEvent = original
        if c is not None:
            await c.close()
        if gw is not None:
            gw.terminate()
            try:
                gw.wait(10)
            except subprocess.TimeoutExpired:
                gw.kill()
        hub.stop()
    rest, load = results["rest"], results["load"]
    out = {"painted": len(rest) + len(load), "posts": 2 * posts, "refused": refused[:5],
           "rest_p50_ms": percentile(rest, 50), "rest_p99_ms": percentile(rest, 99),
           "load_p50_ms": percentile(load, 50), "load_p99_ms": percentile(load, 99),
           "load_max_ms": max(load, default=float("nan")), "background_sent": background.get("sent"),
           "background_s": background.get("seconds"), "load_posting_s": posting_s,
           "stall_p99_ms": percentile(stalls, 99), "loadavg": os.getloadavg(),
           # where the time goes: the gateway's HTTP answer (after the hub's result) and the replica
           "rest_http_p50_ms": percentile(answered["rest"], 50), "load_http_p50_ms": percentile(answered["load"], 50),
           "rest_replica_p50_ms": percentile(in_replica["rest"], 50),
           "load_replica_p50_ms": percentile(in_replica["load"], 50),
           "load_replica_p99_ms": percentile(in_replica["load"], 99)}
    out.update(await asyncio.get_running_loop().run_in_executor(
        None, site_check, 6_500 if quick else 65_000, 10_000 if quick else 100_000, tmp))
    out["loadavg_end"] = os.getloadavg()
    return out


def measures(results: list[dict]) -> list[Measure]:
    """The P9b rows of the table; INVALID (no figure) for a run that painted no alert."""
    valid = [r for r in results if r.get("painted")]

    def v(key: str) -> list[float]:
        return [float(r[key]) for r in valid if r.get(key) is not None and r[key] == r[key]]

    if not valid:
        why = "no run" if not results else f"INVALID: no alert was painted ({(results[0].get('refused') or ['?'])[0]})"
        return [Measure("P9b", "CAP POST → alert row painted", "ms", "p99 ≤ 100 ms", [], [], available=False,
                        note=why)]
    load_note = ", ".join(f"{r.get('background_sent')} background events in {r.get('background_s', 0):.0f} s"
                          for r in valid[:1])
    la = valid[0].get("loadavg") or [float("nan")] * 3
    return [
        Measure("P9b", "CAP POST → alert row painted, at rest, p50", "ms", "—", v("rest_p50_ms"), []),
        Measure("P9b", "CAP POST → alert row painted, at rest, p99", "ms", "≤ 100 ms", v("rest_p99_ms"), [],
                check=lambda val, r: val <= 100),
        Measure("P9b", "CAP POST → painted, 1,000 ev/s, p50", "ms", "—", v("load_p50_ms"), []),
        Measure("P9b", "CAP POST → painted, 1,000 ev/s, p99", "ms", "≤ 100 ms", v("load_p99_ms"), [],
                check=lambda val, r: val <= 100,
                note=f"painted {valid[0]['painted']}/{valid[0]['posts']}; {load_note}; in the replica p50 "
                     f"{valid[0]['rest_replica_p50_ms']:.0f} / {valid[0]['load_replica_p50_ms']:.0f} ms, HTTP answer p50 "
                     f"{valid[0]['rest_http_p50_ms']:.0f} / {valid[0]['load_http_p50_ms']:.0f} ms (rest / load); "
                     f"load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} at start"),
        Measure("P9b", f"site check, {valid[0]['grids']:,} grids / {valid[0]['people']:,} people", "s", "—",
                v("check_s"), [], note=f"peak RSS {v('check_peak_mb')[0]:.0f} MB; "
                                       f"{valid[0].get('check_summary', '')[:90]}"),
    ]
