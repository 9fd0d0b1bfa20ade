"""What an incident's evidence bundle holds, read from the state and put in words (the GUI thread's half).

The bundle itself (its layout, fetching, writing, verifying) is `console/video/export.py`:
`prepare` here makes its `ExportJob`, a worker runs `write` there.
"""

from __future__ import annotations

import time

import msgspec

from console.domain.localtime import clock
from console.domain.model import Alert, Incident
from console.domain.state import State
from console.ui.common import glossary
from console.video import stills
from console.video.evidence import AFTER_S, BEFORE_S, EvidenceKeeper
from console.video.export import FORMAT, VERSION, ExportJob


def incident_alerts(state: State, inc: Incident) -> list[Alert]:
    """The incident's own alert first, then the alerts of incidents merged into it."""
    out = [state.alerts[inc.alert]] if inc.alert in state.alerts else []
    for other in state.incidents.values():
        if other.merged_into == inc.id and other.alert in state.alerts and other.alert != inc.alert:
            out.append(state.alerts[other.alert])
    return out


def prepare(state: State, inc: Incident, lang: str, *, keeper: EvidenceKeeper | None = None) -> ExportJob:
    """Read what the bundle holds from the state (call on the thread that owns the state)."""
    g = glossary.Glossary(lang)
    w = _words(lang)
    name_of = glossary.names_in(state)
    alerts = incident_alerts(state, inc)
    town, grid = state.org.get(inc.town), state.org.get(inc.grid)
    place = f"{town.name if town else inc.town} / {grid.name if grid else inc.grid} ({inc.x:.0f}, {inc.y:.0f})"
    facts = [(w("incident"), f"{inc.id} · {inc.title}"), (w("kind"), g.kind(inc.kind)),
             (w("severity"), g.severity(inc.severity)), (w("status"), g.status(inc.status)),
             (w("place"), place)]
    steps = [(clock(s.at), g.actor(s.actor), g.step(s.what), g.describe_step(s, name_of)) for s in inc.timeline]
    job = ExportJob(inc.id, lang, {}, facts, [], steps, keeper=keeper, words=page_words(lang),
                    html_lang="zh-CN" if glossary.is_zh(lang) else "en")
    files: dict[str, dict] = {}
    for a in alerts:
        cam = state.cameras.get(a.camera or "")
        job.alerts.append({"id": a.id, "title": a.title, "time": clock(a.at), "at": a.at,
                           "source": glossary.source(a.source, lang) + (f" · {a.reporter}" if a.reporter else ""),
                           "camera": (cam.name if cam else a.camera) or "", "text": a.text,
                           "detections": ", ".join(f"{d.label} {d.score:.0%}" for d in a.detections)})
        files.setdefault(a.id, {"snapshot": None, "photos": [], "clip": None})
        n = 0
        for ref in stills.still_refs(a.snapshot, a.photo):
            if ref.kind == "snapshot" and ref.fetchable:
                job.pictures.append((f"snapshots/{a.id}.{_ext(ref.ref)}", ref.ref, a.id, "snapshot"))
            elif ref.kind == "photo" and ref.fetchable:
                n += 1
                job.pictures.append((f"photos/{a.id}-{n}.{_ext(ref.ref)}", ref.ref, a.id, "photo"))
        if not any(p[2] == a.id and p[3] == "snapshot" for p in job.pictures) and keeper is not None:
            kept = keeper.snapshot_path(a.id)
            if kept is not None:
                job.pictures.append((f"snapshots/{a.id}.jpg", kept, a.id, "snapshot"))
        if a.clip and a.clip.startswith(("http://", "https://")):  # the AI box's own clip, as the gateway keeps it
            ext = a.clip.rsplit(".", 1)[-1].lower()
            job.pictures.append((f"clips/{a.id}-source.{ext if ext in ('mp4', 'mkv', 'ts') else 'mp4'}", a.clip,
                                 a.id, "source_clip"))
        if a.camera and keeper is not None:
            job.clip_alerts.append(a.id)
    job.data = {"format": FORMAT, "version": VERSION, "exported_at": time.time(),
                "times": "hub time, seconds since the Unix epoch",
                "incident": msgspec.to_builtins(inc), "alerts": [msgspec.to_builtins(a) for a in alerts],
                "files": files}
    return job


def _ext(url: str) -> str:
    return "png" if url.lower().endswith(".png") else "jpg"


def _words(lang: str):
    def w(code: str, **params: object) -> str:
        text = glossary.word(glossary.EVIDENCE_WORDS, code, lang)
        return text.format(**params) if params else text
    return w


def page_words(lang: str) -> dict[str, str]:
    """Every evidence word the bundle's page says, by code, in `lang` (the clip's window filled in)."""
    w = _words(lang)
    words = {code: w(code) for code in glossary.EVIDENCE_WORDS}
    words["clip_window"] = w("clip_window", before=f"{BEFORE_S:.0f}", after=f"{AFTER_S:.0f}")
    return words
