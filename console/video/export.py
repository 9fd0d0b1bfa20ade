"""An incident's evidence bundle written: pictures fetched, clips finished, timeline and page, verified.

Layout of the folder or zip (`console.video.evidence.write_bundle` adds
`manifest.json`, every other file's size and SHA-256):

    index.html            the incident, its alerts, pictures and timeline, in the session's language
    timeline.json         the same as data: codes and hub times (epoch s), not words
    snapshots/<alert>.jpg the alert's snapshot (the gateway's image, or the one this console kept)
    photos/<alert>-<n>.jpg|png  a photo report's photos, as the gateway stored them (EXIF stripped)
    clips/<alert>.mkv     the alert's camera from 10 s before to 20 s after (original packets)
    clips/<alert>-source.mp4  the AI box's own clip of the event (its clip_url, as the gateway kept it)

The incident pane reads the state and chooses the words on the GUI thread
(`console/ui/panes/incident/export.py` makes the `ExportJob`); `write` fetches,
gathers and writes on a worker. `duty-console evidence verify` checks it.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from console.domain.localtime import clock
from console.video import stills
from console.video.evidence import EvidenceKeeper, clip_coverage, clip_span, write_bundle

#: an AI box's own clip (the gateway's clip_url cap, console/gateway/fetch.py)
SOURCE_CLIP_BYTES = 32 << 20
FORMAT = "duty-console-evidence"
VERSION = 1


@dataclass
class ExportJob:
    """What the worker needs: plain data read from the state, words already chosen."""

    incident: str
    lang: str
    data: dict
    #: (label, value) rows of the incident and of each alert, in words
    facts: list[tuple[str, str]]
    alerts: list[dict]
    steps: list[tuple[str, str, str, str]]
    #: (bundle name, source: a URL or a kept file, alert id, kind)
    pictures: list[tuple[str, str | Path, str, str]] = field(default_factory=list)
    #: alert ids whose clip the keeper may hold
    clip_alerts: list[str] = field(default_factory=list)
    keeper: EvidenceKeeper | None = None
    #: the page's words by code (the glossary's EVIDENCE_WORDS in `lang`, figures filled in)
    words: dict[str, str] = field(default_factory=dict)
    #: the page's language attribute ("zh-CN" or "en")
    html_lang: str = "en"


def write(job: ExportJob, dest: Path) -> Path:
    """Gather every file (fetching photos, finishing clips) and write the bundle; returns its path.

    A picture that cannot be fetched is left out and said so in timeline.json
    (`missing`), so the export of what is there still happens.
    """
    from console.video.evidence import verify_bundle

    files: dict[str, bytes | Path] = {}
    listing = job.data["files"]
    missing = []
    for name, source, alert, kind in job.pictures:
        try:
            cap = SOURCE_CLIP_BYTES if kind == "source_clip" else stills.MAX_IMAGE_BYTES
            data = Path(source).read_bytes() if isinstance(source, Path) else stills.fetch(source, max_bytes=cap)
        except (stills.StillError, OSError) as exc:
            missing.append({"alert": alert, "kind": kind, "ref": str(source), "reason": str(exc)})
            continue
        files[name] = data
        if kind == "snapshot":
            listing[alert]["snapshot"] = name
        elif kind == "source_clip":
            listing[alert]["source_clip"] = name
        else:
            listing[alert]["photos"].append(name)
    for alert in job.clip_alerts:
        job.keeper.finish(alert)
        kept = job.keeper.snapshot_path(alert)
        if listing[alert]["snapshot"] is None and kept is not None:
            # exported right after the alert: the snapshot was kept while the bundle was being made
            files[f"snapshots/{alert}.jpg"] = kept.read_bytes()
            listing[alert]["snapshot"] = f"snapshots/{alert}.jpg"
        clip = job.keeper.clip_path(alert)
        if clip is not None:
            files[f"clips/{alert}.mkv"] = clip.read_bytes()
            listing[alert]["clip"] = f"clips/{alert}.mkv"
            # what the ring held of the window: a camera pulled only from the alert on starts late
            listing[alert]["clip_span"] = list(clip_span(clip))
    job.data["missing"] = missing
    files["timeline.json"] = json.dumps(job.data, ensure_ascii=False, indent=2).encode("utf-8")
    files["index.html"] = render_html(job, files).encode("utf-8")
    path = write_bundle(dest, files)
    problems = verify_bundle(path)
    if problems:  # a disk that does not give back what was written: say so rather than hand it on
        raise OSError(f"{path} does not verify: {'; '.join(problems)}")
    return path


def coverage_text(first: float, last: float, alert_at: float | None, words: dict[str, str]) -> str:
    """What the clip holds, in words: the whole window, or exactly which seconds when it lacks the before."""
    w = words.get
    if alert_at is None:
        return f"{w('clip_kept')} {w('clip_window')}"
    case, start, end = clip_coverage(first, last, alert_at)
    if case == "whole":
        return f"{w('clip_kept')} {w('clip_window')}"

    def at(offset: float) -> str:
        return (w("clip_at_before") if offset < 0 else w("clip_at_after")).format(s=f"{abs(offset):.1f}")

    covers = w("clip_covers").format(start=at(start), end=at(end))
    why = w("clip_no_before") if case == "no_before" else w("clip_short_before").format(s=f"{-start:.1f}")
    return f"{covers}; {why}"


def render_html(job: ExportJob, files: dict[str, bytes | Path]) -> str:
    """The bundle's readable page: self-contained (no scripts, no remote anything), pictures by relative path."""
    w = job.words.get
    e = html.escape
    out = [f'<!doctype html><html lang="{job.html_lang}"><head>'
           f'<meta charset="utf-8"><title>{e(w("title"))} {e(job.incident)}</title><style>'
           "body{font-family:'WenQuanYi Micro Hei',sans-serif;margin:24px;color:#222;max-width:1100px}"
           "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #bbb;padding:4px 8px;"
           "text-align:left;vertical-align:top}th{background:#eee}img{max-width:320px;max-height:200px;"
           "border:1px solid #888;margin:4px}figure{display:inline-block;margin:4px}"
           "figcaption{font-size:90%;color:#555}code{font-size:85%}</style></head><body>",
           f"<h1>{e(w('title'))} · {e(job.incident)}</h1>", "<table>"]
    out += [f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in job.facts]
    exported = clock(job.data["exported_at"], "%Y-%m-%d %H:%M:%S")  # the center's time zone, like every time here
    out.append(f"<tr><th>{e(w('exported_at'))}</th><td>{e(exported)}</td></tr></table>")
    listing = job.data["files"]
    for a in job.alerts:
        out.append(f"<h2>{e(w('alert'))} {e(a['id'])} · {e(a['title'])}</h2><table>")
        for label, key in (("time", "time"), ("source", "source"), ("camera", "camera"), ("report", "text")):
            if a[key]:
                out.append(f"<tr><th>{e(w(label))}</th><td>{e(a[key])}</td></tr>")
        if a["detections"]:
            out.append(f"<tr><th>AI</th><td>{e(a['detections'])}</td></tr>")
        out.append("</table><div>")
        got = listing.get(a["id"], {})
        pics = ([(got["snapshot"], w("snapshot"))] if got.get("snapshot") else []) + \
            [(p, f"{w('photo')} {i}") for i, p in enumerate(got.get("photos", []), 1)]
        for name, caption in pics:
            out.append(f'<figure><a href="{e(name)}"><img src="{e(name)}" alt="{e(caption)}"></a>'
                       f"<figcaption>{e(caption)} · <code>{e(name)}</code></figcaption></figure>")
        if got.get("clip"):
            first, last = got["clip_span"]
            span = f"{clock(first, '%H:%M:%S')}.{int(first * 10) % 10} – {clock(last, '%H:%M:%S')}.{int(last * 10) % 10}"
            out.append(f'<p>{e(w("clip"))}: <a href="{e(got["clip"])}"><code>{e(got["clip"])}</code></a>'
                       f" {e(span)} ({e(coverage_text(first, last, a.get('at'), job.words))})</p>")
        if got.get("source_clip"):
            out.append(f'<p>{e(w("clip"))} ({e(a["source"])}): <a href="{e(got["source_clip"])}">'
                       f'<code>{e(got["source_clip"])}</code></a></p>')
        out.append("</div>")
    out.append(f"<h2>{e(w('timeline'))}</h2><table><tr><th>{e(w('time'))}</th><th>{e(w('who'))}</th>"
               f"<th>{e(w('step'))}</th><th>{e(w('detail'))}</th></tr>")
    out += [f"<tr><td>{e(t)}</td><td>{e(who)}</td><td>{e(what)}</td><td>{e(d)}</td></tr>"
            for t, who, what, d in job.steps]
    out.append(f"</table><h2>{e(w('files'))}</h2><table>")
    for n in sorted(set(files) - {"index.html"}):
        data = files[n] if isinstance(files[n], bytes) else Path(files[n]).read_bytes()
        out.append(f"<tr><td><code>{e(n)}</code></td><td>{len(data):,}</td>"
                   f"<td><code>{hashlib.sha256(data).hexdigest()}</code></td></tr>")
    out.append(f"</table><p>{e(w('verify_hint'))}</p></body></html>")
    return "".join(out)
