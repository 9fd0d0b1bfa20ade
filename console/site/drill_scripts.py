"""A site's library of drill scripts (`drills.toml`): what a no-notice drill (演练) raises and expects.

Read by the site loader; every problem is reported through the loader's `add(file, row, col,
message)`. `drill_alert` turns a script into the exercise-marked alert a `cmd.start_drill` carries.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from console.domain.model import (
    ALERT_KINDS, RESOURCE_KINDS, SEVERITIES, Alert, Baseline, Exercise, PlanRole,
)

FILE = "drills.toml"
_KEYS = {"id", "title", "kind", "severity", "grid", "camera", "text", "plan", "kinds", "phone_only"}

AddError = Callable[[str, int, int, str], None]


@dataclass(slots=True)
class DrillScript:
    """One drill of the library: the alert it raises where, and what the town should do."""

    id: str
    title: str
    kind: str
    grid: str
    severity: str = "critical"
    camera: str | None = None
    text: str = ""
    plan: str | None = None
    kinds: list[PlanRole] = field(default_factory=list)
    phone_only: bool = False


def read_drill_scripts(root: Path, add: AddError, baseline: Baseline) -> list[DrillScript]:
    """The scripts in `root/drills.toml` checked against the site (grids, cameras, plans); [] without one."""
    path = root / FILE
    if not path.is_file():
        return []
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        add(FILE, int(m.group(1)) if m else 1, int(m.group(2)) if m else 1, f"bad TOML: {exc}")
        return []
    entries = doc.get("drill", [])
    if not isinstance(entries, list):
        add(FILE, 1, 1, "drills are [[drill]] tables")
        return []
    headers = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"^[ \t]*\[\[drill\]\]", text, re.M)]
    grids = {u.id for u in baseline.org}
    cameras = {c.id for c in baseline.cameras}
    plans = {p.id for p in baseline.plans}
    out: list[DrillScript] = []
    seen: set[str] = set()
    for i, d in enumerate(entries):
        row = headers[i] if i < len(headers) else 1

        def bad(message: str) -> None:
            add(FILE, row, 1, f"{d.get('id', '?')}: {message}")

        if unknown := sorted(set(d) - _KEYS):
            bad(f"unknown keys {unknown}")
            continue
        did, title = d.get("id"), d.get("title")
        if not isinstance(did, str) or not did or not isinstance(title, str) or not title:
            bad("a drill needs string id and title")
            continue
        if did in seen:
            bad("duplicate drill id")
            continue
        seen.add(did)
        if d.get("kind") not in ALERT_KINDS:
            bad(f"kind must be an alert kind ({', '.join(ALERT_KINDS)})")
            continue
        if d.get("severity", "critical") not in SEVERITIES:
            bad(f"severity must be one of {', '.join(SEVERITIES)}")
            continue
        if d.get("grid") not in grids:
            bad(f"unknown grid {d.get('grid')!r}")
            continue
        if d.get("camera") is not None and d.get("camera") not in cameras:
            bad(f"unknown camera {d.get('camera')!r}")
            continue
        if d.get("plan") is not None and d.get("plan") not in plans:
            bad(f"unknown plan {d.get('plan')!r}")
            continue
        kinds = []
        for r in d.get("kinds", []) if isinstance(d.get("kinds", []), list) else [None]:
            if (not isinstance(r, list) or len(r) != 2 or r[0] not in RESOURCE_KINDS
                    or not isinstance(r[1], int) or r[1] < 1):
                bad(f"an expected kind is [resource kind, count ≥ 1], not {r!r}")
                kinds = None
                break
            kinds.append(PlanRole(kind=r[0], count=r[1]))
        if kinds is None:
            continue
        if not isinstance(d.get("phone_only", False), bool):
            bad("phone_only is true or false")
            continue
        out.append(DrillScript(id=did, title=title, kind=d["kind"], grid=d["grid"],
                               severity=d.get("severity", "critical"), camera=d.get("camera"),
                               text=str(d.get("text", "")), plan=d.get("plan"), kinds=kinds,
                               phone_only=d.get("phone_only", False)))
    return out


def drill_alert(script: DrillScript, baseline: Baseline, drill: str, by: str, at: float = 0.0) -> Alert:
    """The exercise-marked alert of one run of a script, `drill` its id (the hub sets `at` on arrival).

    Placed at the script's camera when it names one, else at its grid's centre.
    """
    cams = {c.id: c for c in baseline.cameras}
    units = {u.id: u for u in baseline.org}
    cam = cams.get(script.camera or "")
    grid = units[script.grid]
    town = grid
    while town is not None and town.level not in ("town", "district"):
        town = units.get(town.parent or "")
    x, y = (cam.x, cam.y) if cam is not None else (grid.center_x, grid.center_y)
    source = "camera" if cam is not None else "center"
    return Alert(id=drill, source=source, kind=script.kind, severity=script.severity, title=script.title,
                 at=at, x=x, y=y, grid=script.grid, town=town.id if town is not None else "",
                 camera=script.camera, text=script.text,
                 exercise=Exercise(drill=drill, script=script.id, by=by, plan=script.plan,
                                   kinds=list(script.kinds), phone_only=script.phone_only))
