"""Writes duty-hub.json, the Grafana dashboard of the hubs' /metrics (console/hub/metrics.py).

    python3 packaging/grafana/dashboard.py      # rewrites packaging/grafana/duty-hub.json

The panels are declared here once (title, PromQL, unit); tests/packaging/test_dashboard.py
checks the JSON is this script's output and that every metric it queries is one a real hub
serves. Import the JSON in Grafana (Dashboards > Import) and pick the Prometheus data source.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEL = 'instance=~"$instance"'

#: (title, [(PromQL, legend)], unit, kind, width): one row of panels after another, 24 columns wide
PANELS: list[tuple[str, list[tuple[str, str]], str, str, int]] = [
    ("Hubs up", [(f"sum(duty_hub_up{{{SEL}}})", "hubs")], "none", "stat", 4),
    ("Ready: log writable", [(f'sum(duty_hub_storage_state{{{SEL},state="ok"}})', "writable")], "none", "stat", 4),
    ("Federation linked", [(f"sum(duty_hub_federation_linked{{{SEL}}})", "linked")], "none", "stat", 4),
    ("Open incidents", [(f"sum(duty_hub_incidents_open{{{SEL}}})", "open")], "none", "stat", 4),
    ("Cameras dark", [(f'sum(duty_hub_cameras{{{SEL},state="offline"}})', "offline")], "none", "stat", 4),
    ("Hand-offs pending", [(f"sum(duty_hub_handoffs_pending{{{SEL}}})", "pending")], "none", "stat", 4),
    ("Events committed per second",
     [(f"sum by (instance) (rate(duty_hub_events_committed_total{{{SEL}}}[1m]))", "{{instance}}")],
     "ops", "timeseries", 12),
    ("Commands per second",
     [(f"sum by (outcome) (rate(duty_hub_commands_committed_total{{{SEL}}}[1m]))", "{{outcome}}")],
     "ops", "timeseries", 12),
    ("Commit latency (p50, p95, p99)",
     [(f"histogram_quantile({q}, sum by (le) (rate(duty_hub_commit_seconds_bucket{{{SEL}}}[5m])))", f"p{p}")
      for q, p in ((0.5, 50), (0.95, 95), (0.99, 99))], "s", "timeseries", 12),
    ("Sessions by role", [(f"sum by (role) (duty_hub_sessions{{{SEL}}})", "{{role}}")], "none", "timeseries", 12),
    ("Send queues",
     [(f"sum by (role) (duty_hub_send_queue_messages{{{SEL}}})", "{{role}} queued"),
      (f"max(duty_hub_send_queue_max{{{SEL}}})", "longest one")], "none", "timeseries", 12),
    ("Federation lag (events)",
     [(f"duty_hub_federation_publish_lag_events{{{SEL}}}", "{{instance}} publish"),
      (f"duty_hub_federation_follow_lag_events{{{SEL}}}", "follow {{town}}")], "none", "timeseries", 12),
    ("Refusals and drops per second",
     [(f'sum by (what) (rate(duty_hub_occurrences_total{{{SEL},what=~"refused.*|rejected.*|dropped.*"}}[5m]))',
       "{{what}}")], "ops", "timeseries", 12),
    ("Storage",
     [(f"duty_hub_db_bytes{{{SEL}}}", "{{instance}} db"),
      (f"duty_hub_disk_free_bytes{{{SEL}}}", "{{instance}} disk free")], "bytes", "timeseries", 12),
    ("Hub memory", [(f"process_resident_memory_bytes{{{SEL}}}", "{{instance}}")], "bytes", "timeseries", 12),
    ("Commit failures per second",
     [(f"sum by (instance) (rate(duty_hub_commit_failures_total{{{SEL}}}[5m]))", "{{instance}}")],
     "ops", "timeseries", 12),
]


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (for the test that they exist)."""
    return set(re.findall(r"\b((?:duty_hub|process)_[a-z_]+)\{", expr))


def dashboard() -> dict:
    """The dashboard as Grafana's JSON model (schema 39, Grafana 10/11)."""
    panels = []
    x = y = 0
    row_height = 0
    for n, (title, targets, unit, kind, width) in enumerate(PANELS, 1):
        height = 4 if kind == "stat" else 8
        if x + width > 24:
            x, y = 0, y + row_height
            row_height = 0
        panel = {
            "id": n, "type": kind, "title": title,
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "gridPos": {"x": x, "y": y, "w": width, "h": height},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "targets": [{"refId": chr(65 + i), "expr": expr, "legendFormat": legend,
                         "datasource": {"type": "prometheus", "uid": "${datasource}"}}
                        for i, (expr, legend) in enumerate(targets)],
        }
        if kind == "stat":
            panel["options"] = {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "value"}
        panels.append(panel)
        x += width
        row_height = max(row_height, height)
    return {
        "title": "Duty console hubs",
        "uid": "duty-console-hubs",
        "description": "The hubs' /metrics (console/hub/metrics.py): commits, commands, sessions, queues, "
                       "federation lag, storage.",
        "tags": ["duty-console"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "refresh": "10s",
        "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": [
            {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"},
            {"name": "instance", "type": "query", "label": "Hub", "multi": True, "includeAll": True,
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "query": "label_values(duty_hub_up, instance)", "refresh": 2,
             "current": {"text": "All", "value": "$__all"}},
        ]},
        "panels": panels,
    }


def render() -> str:
    """The JSON text as committed."""
    return json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    (HERE / "duty-hub.json").write_text(render(), encoding="utf-8")
    print(f"wrote {HERE / 'duty-hub.json'} ({len(PANELS)} panels)")
