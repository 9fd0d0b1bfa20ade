"""The operations team's commands: `config check`, `backup`, `restore` (what they print, their exit codes)."""

from __future__ import annotations

import sys


def config_check(path: str, parsers) -> int:
    """Every problem as FILE:LINE: [section] key: what (exit 1), warnings too; else one OK line (exit 0)."""
    from console.app.config_file import check_file

    checked = check_file(path, parsers)
    for line in checked.errors:
        print(line)
    for line in checked.warnings:
        print(f"warning: {line}")
    if checked.errors:
        print(f"{path}: {len(checked.errors)} error(s)", file=sys.stderr)
        return 1
    counts = ", ".join(f"[{s}] {len(v)} key(s)" for s, v in checked.values.items()) or "no settings"
    print(f"{path}: OK ({counts})")
    return 0


def _describe(s) -> str:
    return (f"{s.events} events (last seq {s.last_seq}), {s.audit_entries} audit entries, "
            f"schema version {s.schema_version}, log epoch {s.epoch or '-'}")


def backup(url: str, out: str) -> int:
    """`duty-console backup --db URL --out FILE`: 0 written and its audit chain whole, 1 chain broken, 2 failed."""
    from console.store.backup import BackupError, backup as run

    try:
        s = run(url, out)
    except BackupError as exc:
        print(f"duty-console backup: {exc}", file=sys.stderr)
        return 2
    print(f"backup written to {out}: {_describe(s)}")
    if not s.audit.ok:
        print(f"audit trail BROKEN in the backup at entry {s.audit.first_broken}: {s.audit.reason}")
        return 1
    print(f"audit trail OK: {s.audit.checked} entries verified")
    return 0


def restore(path: str, url: str) -> int:
    """`duty-console restore FILE --db URL`: 0 restored with a whole audit chain, 1 chain broken, 2 failed."""
    from console.store.backup import BackupError, restore as run

    try:
        s = run(path, url)
    except BackupError as exc:
        print(f"duty-console restore: {exc}", file=sys.stderr)
        return 2
    print(f"restored {path}: {_describe(s)}")
    print(f"new log epoch {s.epoch} (was {s.previous_epoch}): consoles and the district take a snapshot "
          f"of this log instead of splicing it onto what they folded from the old one")
    print("if the hub signed audit checkpoints, those made after this backup name entries it does not "
          "hold: start the restored hub with a new --audit-checkpoints file")
    if not s.audit.ok:
        print(f"audit trail BROKEN at entry {s.audit.first_broken}: {s.audit.reason}")
        return 1
    print(f"audit trail OK: {s.audit.checked} entries verified")
    return 0
