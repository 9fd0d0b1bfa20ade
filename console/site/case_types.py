"""A site's case catalog (`cases.toml`): its working hours and one case type per alert kind.

Read by the site loader next to `plans.toml`; every problem is reported through the
loader's `add(file, row, col, message)` so `site check` names it like any other.
"""

from __future__ import annotations

from pathlib import Path

from console.domain.model import ALERT_KINDS, CASE_PROMISES, RESOURCE_KINDS, CaseType
from console.domain.worktime import parse_hours
from console.site.toml_file import AddError, read_toml, table_rows

FILE = "cases.toml"



def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def read_case_types(root: Path, add: AddError, plans: set[str]) -> tuple[list[CaseType], list[str]]:
    """(case types, working hours) from `root/cases.toml`; ([], []) when the folder has none.

    `plans`: the plan ids the folder defines (a case type's default plan must be one).
    """
    read = read_toml(root, FILE, add)
    if read is None:
        return [], []
    doc, text = read
    hours = doc.get("work_hours", [])
    hours_row = next((i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("work_hours")), 1)
    if not _strings(hours):
        add(FILE, hours_row, 1, "work_hours is a list of \"HH:MM-HH:MM\" strings")
        hours = []
    elif hours:
        try:
            parse_hours(hours)
        except ValueError as exc:
            add(FILE, hours_row, 1, str(exc))
            hours = []
    entries = doc.get("case_type", [])
    if not isinstance(entries, list):
        add(FILE, 1, 1, "case types are [[case_type]] tables")
        return [], list(hours)
    headers = table_rows(text, "case_type")
    out: list[CaseType] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        row = headers[i] if i < len(headers) else 1
        ct = _one(entry, row, add, plans, seen)
        if ct is not None:
            seen.add(ct.code)
            out.append(ct)
    return out, list(hours)


def _one(e: dict, row: int, add: AddError, plans: set[str], seen: set[str]) -> CaseType | None:
    code = e.get("code")
    if code not in ALERT_KINDS:
        add(FILE, row, 1, f"code {code!r} is not an alert kind ({', '.join(ALERT_KINDS)})")
        return None
    if code in seen:
        add(FILE, row, 1, f"duplicate case type {code!r}")
        return None
    zh, en = e.get("zh"), e.get("en")
    if not (isinstance(zh, str) and zh and isinstance(en, str) and en):
        add(FILE, row, 1, f"{code}: zh and en words are required")
        return None
    promise = e.get("promise", "emergency")
    limit = e.get("limit", 0)
    if promise not in CASE_PROMISES:
        add(FILE, row, 1, f"{code}: promise {promise!r} is not one of {', '.join(CASE_PROMISES)}")
        return None
    if promise == "emergency" and limit:
        add(FILE, row, 1, f"{code}: the emergency promise has its own limits (60 s, 10 min): no limit")
        return None
    if promise != "emergency" and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        add(FILE, row, 1, f"{code}: limit is a whole number ≥ 1 of {promise}")
        return None
    responsible, departments = e.get("responsible", []), e.get("departments", [])
    if not _strings(responsible) or any(k not in RESOURCE_KINDS for k in responsible):
        add(FILE, row, 1, f"{code}: responsible lists resource kinds ({', '.join(RESOURCE_KINDS)})")
        return None
    if not _strings(departments):
        add(FILE, row, 1, f"{code}: departments is a list of strings")
        return None
    photo = e.get("photo_required", False)
    if not isinstance(photo, bool):
        add(FILE, row, 1, f"{code}: photo_required is true or false")
        return None
    plan = e.get("plan")
    if plan is not None and plan not in plans:
        add(FILE, row, 1, f"{code}: plan {plan!r} is not in plans.toml")
        return None
    extra = {}
    for key in ("dispatch_minutes", "verify_hours"):
        if key in e:
            v = e[key]
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                add(FILE, row, 1, f"{code}: {key} is a whole number ≥ 1")
                return None
            extra[key] = v
    unknown = set(e) - {"code", "zh", "en", "promise", "limit", "responsible", "departments",
                        "photo_required", "plan", "dispatch_minutes", "verify_hours"}
    if unknown:
        add(FILE, row, 1, f"{code}: unknown keys {', '.join(sorted(unknown))}")
        return None
    return CaseType(code=code, zh=zh, en=en, promise=promise, limit=limit, responsible=list(responsible),
                    departments=list(departments), photo_required=photo, plan=plan, **extra)
