"""Scrape every hub of a `duty-console city` run and draw the dashboard's main panels to a PNG.

    python packaging/grafana/city_metrics.py --seconds 90 --speed 10 --out out/city-metrics.png

What Grafana would show over the same run without a Prometheus and a Grafana on this machine:
the city's eight hubs are scraped every `--every` seconds (their /metrics, as Prometheus
would), rates and quantiles are taken between scrapes as PromQL's rate() and
histogram_quantile() take them, and each panel of packaging/grafana/dashboard.py that the run
exercises is drawn as a small line chart. The scrapes are kept beside the PNG as JSON lines.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

CENTERS = [f"T{i}" for i in range(1, 8)] + ["D"]
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def scrape(port: int) -> dict[str, float] | None:
    """One hub's samples as {"name{label=value,...}": value}, or None while it does not answer."""
    try:
        with _OPENER.open(f"http://127.0.0.1:{port}/metrics", timeout=3) as r:
            text = r.read().decode()
    except OSError:
        return None
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            out[f"{s.name}{{{labels}}}"] = s.value
    return out


def run(seconds: float, speed: float, base_port: int, every: float, out: Path) -> list[dict]:
    """Start the city, scrape it until it ends, return the scrapes (t, center -> samples)."""
    city = subprocess.Popen([sys.executable, "-m", "console", "city", "--seconds", str(seconds),
                             "--speed", str(speed), "--base-port", str(base_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scrapes = []
    t0 = time.monotonic()
    try:
        while city.poll() is None:
            t = time.monotonic() - t0
            row = {"t": t, "hubs": {c: scrape(base_port + i) for i, c in enumerate(CENTERS)}}
            if any(row["hubs"].values()):
                scrapes.append(row)
            time.sleep(max(0.0, every - (time.monotonic() - t0 - t)))
    finally:
        if city.poll() is None:
            city.terminate()
            city.wait(60)
    with open(out.with_suffix(".jsonl"), "w", encoding="utf-8") as f:
        for row in scrapes:
            f.write(json.dumps(row) + "\n")
    return scrapes


def _sum(samples: dict | None, prefix: str, **labels) -> float | None:
    if not samples:
        return None
    want = [f"{k}={v}" for k, v in labels.items()]
    hits = [v for k, v in samples.items() if k.startswith(prefix + "{") and all(w in k for w in want)]
    return sum(hits) if hits else None


def _rate(scrapes, center, name, **labels):
    pts = []
    for a, b in zip(scrapes, scrapes[1:]):
        va, vb = _sum(a["hubs"][center], name, **labels), _sum(b["hubs"][center], name, **labels)
        if va is not None and vb is not None and b["t"] > a["t"]:
            pts.append((b["t"], max(0.0, vb - va) / (b["t"] - a["t"])))
    return pts


def _quantile(scrapes, center, q, window=5):
    """histogram_quantile(q, rate(duty_hub_commit_seconds_bucket[window scrapes])) in ms."""
    pts = []
    for i in range(window, len(scrapes)):
        a, b = scrapes[i - window]["hubs"][center], scrapes[i]["hubs"][center]
        if not a or not b:
            continue
        buckets = sorted((float(k.split("le=")[1].rstrip("}")) if "+Inf" not in k else float("inf"), b[k] - a.get(k, 0))
                         for k in b if k.startswith("duty_hub_commit_seconds_bucket{"))
        total = buckets[-1][1] if buckets else 0
        if total <= 0:
            continue
        lo, prev = 0.0, 0.0
        for le, count in buckets:
            if count >= q * total:
                hi = le if le != float("inf") else lo
                frac = (q * total - prev) / (count - prev) if count > prev else 0
                pts.append((scrapes[i]["t"], 1000 * (lo + (hi - lo) * frac)))
                break
            lo, prev = le, count
    return pts


def _gauge(scrapes, center, name, **labels):
    return [(r["t"], v) for r in scrapes if (v := _sum(r["hubs"][center], name, **labels)) is not None]


def panels(scrapes) -> list[tuple[str, dict[str, list]]]:
    """(title, {legend: [(t, value)]}) of each drawn panel."""
    towns = CENTERS[:-1]
    return [
        ("Events committed per second", {c: _rate(scrapes, c, "duty_hub_events_committed_total") for c in CENTERS}),
        ("Commands per second (all hubs, ok)",
         {c: _rate(scrapes, c, "duty_hub_commands_committed_total", outcome="ok") for c in CENTERS}),
        ("Commit latency p95 (ms)", {c: _quantile(scrapes, c, 0.95) for c in CENTERS}),
        ("Open incidents", {c: _gauge(scrapes, c, "duty_hub_incidents_open") for c in CENTERS}),
        ("District follow lag (events)",
         {t: _gauge(scrapes, "D", "duty_hub_federation_follow_lag_events", town=t) for t in towns}),
        ("Publish lag (events)", {c: _gauge(scrapes, c, "duty_hub_federation_publish_lag_events") for c in CENTERS}),
        ("Hand-offs pending", {c: _gauge(scrapes, c, "duty_hub_handoffs_pending") for c in CENTERS}),
        ("Hub memory (MB)", {c: [(t, v / 1e6) for t, v in _gauge(scrapes, c, "process_resident_memory_bytes")]
                             for c in CENTERS}),
    ]


COLOURS = ["#3d8bfd", "#e5484d", "#30a46c", "#f5a524", "#8e4ec6", "#12a594", "#d6409f", "#ffffff"]


def draw(drawn: list[tuple[str, dict[str, list]]], out: Path, note: str) -> None:
    """A 2-column grid of line charts (PIL; no Qt and no Grafana needed)."""
    from PIL import Image, ImageDraw

    w, h, cols = 620, 260, 2
    rows = (len(drawn) + cols - 1) // cols
    img = Image.new("RGB", (w * cols, h * rows + 30), "#111217")
    d = ImageDraw.Draw(img)
    d.text((10, 8), note, fill="#d8d9da")
    for n, (title, series) in enumerate(drawn):
        x0, y0 = (n % cols) * w + 10, (n // cols) * h + 30
        d.rectangle([x0, y0, x0 + w - 20, y0 + h - 10], outline="#2c3235", fill="#181b1f")
        d.text((x0 + 8, y0 + 6), title, fill="#d8d9da")
        pts = [p for s in series.values() for p in s]
        if not pts:
            d.text((x0 + 8, y0 + 30), "no data", fill="#888888")
            continue
        tmax = max(t for t, _ in pts) or 1
        vmax = max(v for _, v in pts) or 1
        px0, py0, pw, ph = x0 + 50, y0 + 28, w - 180, h - 60
        d.text((x0 + 6, py0 - 4), f"{vmax:.3g}", fill="#888888")
        d.text((x0 + 6, py0 + ph - 8), "0", fill="#888888")
        d.text((px0 + pw - 30, py0 + ph + 6), f"{tmax:.0f} s", fill="#888888")
        d.line([px0, py0 + ph, px0 + pw, py0 + ph], fill="#444444")
        for i, (name, s) in enumerate(series.items()):
            colour = COLOURS[i % len(COLOURS)]
            if len(s) > 1:
                d.line([(px0 + pw * t / tmax, py0 + ph - ph * v / vmax) for t, v in s], fill=colour, width=2)
            d.text((px0 + pw + 12, py0 + 12 * i), f"{name} {s[-1][1]:.3g}" if s else name, fill=colour)
    img.save(out)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=90)
    p.add_argument("--speed", type=float, default=10)
    p.add_argument("--base-port", type=int, default=8800)
    p.add_argument("--every", type=float, default=2.0)
    p.add_argument("--out", default="out/city-metrics.png")
    a = p.parse_args()
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    scrapes = run(a.seconds, a.speed, a.base_port, a.every, out)
    note = (f"duty-console city --seconds {a.seconds:g} --speed {a.speed:g}: {len(scrapes)} scrapes of 8 hubs "
            f"every {a.every:g} s (the panels of packaging/grafana/duty-hub.json)")
    draw(panels(scrapes), out, note)
    print(f"wrote {out} and {out.with_suffix('.jsonl')} ({len(scrapes)} scrapes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
