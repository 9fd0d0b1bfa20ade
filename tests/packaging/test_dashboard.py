"""The Grafana dashboard is its declaration's output, and every metric it queries is one a hub serves."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

from console.hub.federation import Federation
from tests.hub.harness import running_hub
from tests.hub.test_metrics import get

GRAFANA = Path(__file__).resolve().parents[2] / "packaging" / "grafana"


def _declaration():
    spec = importlib.util.spec_from_file_location("duty_dashboard", GRAFANA / "dashboard.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_json_is_what_the_declaration_writes():
    d = _declaration()
    committed = (GRAFANA / "duty-hub.json").read_text(encoding="utf-8")
    assert committed == d.render(), "run `make dashboard` after editing packaging/grafana/dashboard.py"
    model = json.loads(committed)
    assert len(model["panels"]) == len(d.PANELS) and all(p["targets"] for p in model["panels"])
    for p in model["panels"]:  # panels never overlap and stay in Grafana's 24 columns
        g = p["gridPos"]
        assert g["x"] + g["w"] <= 24


async def test_every_metric_the_dashboard_queries_is_served_by_a_hub(tmp_path):
    d = _declaration()
    wanted = set().union(*(d.metric_names(expr) for _, targets, *_ in d.PANELS for expr, _ in targets))
    assert {"duty_hub_commit_seconds_bucket", "duty_hub_federation_follow_lag_events"} <= wanted
    async with running_hub(f"sqlite:///{tmp_path / 'hub.db'}") as server:
        # a district's link, never started: its figures are served (linked 0) without a NATS server
        server.metrics.federation = Federation(server.core, "D", "nats://127.0.0.1:9", follow=["T1"])
        status, text = await get(server, "/metrics")
    assert status == 200
    served = set(re.findall(r"^# TYPE (\S+) ", text, re.M)) | set(re.findall(r"^([a-z_]+)[{ ]", text, re.M))
    assert not wanted - served, f"the dashboard queries metrics no hub serves: {sorted(wanted - served)}"
