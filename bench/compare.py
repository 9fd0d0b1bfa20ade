"""Change per metric between two `make bench` results: `python -m bench.compare OLD.json NEW.json`.

Rows are matched by benchmark id and metric. Each line gives both medians, the
change, whether it is better or worse (lower is better except for rates,
shares and ratios where the target says ≥), both results, and a warning where
either side was measured under load (UNTRUSTED) or did not do its work (INVALID).
"""

from __future__ import annotations

import json
import math
import sys


def _better_high(row: dict) -> bool:
    """Whether a bigger value is better for this metric (its target reads ≥, or it is a rate)."""
    return "≥" in (row.get("target") or "") or row.get("unit") in ("ev/s", "%", "msg/s")


def _num(x) -> float:
    return math.nan if x is None else float(x)


def _flag(row: dict | None) -> str:
    if row is None:
        return "absent"
    word = row.get("result") or {True: "PASS", False: "FAIL", None: "—"}[row.get("pass")]
    return word + (" ⚠" if row.get("untrusted") else "")


def compare(old: dict, new: dict) -> list[str]:
    """The comparison lines (a header first)."""
    key = lambda r: (r["id"], r["metric"])  # noqa: E731
    olds = {key(r): r for r in old.get("rows", [])}
    news = {key(r): r for r in new.get("rows", [])}
    order = list(olds) + [k for k in news if k not in olds]
    rows = [["id", "metric", "old", "new", "change", "", "old result", "new result"]]
    warn = []
    for k in order:
        o, n = olds.get(k), news.get(k)
        ref = n or o
        unit = ref.get("unit", "")
        ov, nv = _num(o and o.get("value")), _num(n and n.get("value"))
        change, verdict = "—", ""
        if not math.isnan(ov) and not math.isnan(nv):
            delta = nv - ov
            change = f"{delta:+.3g} {unit}" + (f" ({delta / ov * 100:+.0f}%)" if ov else "")
            if abs(delta) > 1e-12:
                verdict = "better" if (delta > 0) == _better_high(ref) else "worse"
        rows.append([k[0], k[1], _fmt(ov, unit), _fmt(nv, unit), change, verdict, _flag(o), _flag(n)])
        for side, r in (("old", o), ("new", n)):
            if r is not None and (r.get("untrusted") or r.get("invalid")):
                warn.append(f"  {k[0]} {k[1]} ({side}): " + "; ".join((r.get("invalid") or []) + (r.get("untrusted") or [])))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    head = []
    for side, doc in (("old", old), ("new", new)):
        m = doc.get("machine") or {}
        head.append(f"{side}: {doc.get('when', '?')} · {m.get('revision', '?')} · {m.get('cpu_model', '?')} · "
                    f"{m.get('cores', '?')} cores · {doc.get('untrusted_runs', '?')} untrusted runs")
    return head + [""] + lines + ([""] + ["warnings:"] + warn if warn else [])


def _fmt(x: float, unit: str) -> str:
    if math.isnan(x):
        return "—"
    return f"{x:,.0f} {unit}" if abs(x) >= 100 else f"{x:.3g} {unit}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m bench.compare OLD.json NEW.json", file=sys.stderr)
        return 2
    docs = []
    for path in argv:
        try:
            with open(path, encoding="utf-8") as f:
                docs.append(json.load(f))
        except (OSError, ValueError) as exc:
            print(f"bench.compare: cannot read {path}: {exc}", file=sys.stderr)
            return 2
    print("\n".join(compare(*docs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
