"""Fault trial: tamper with a real hub's audit trail and see whether verification catches it.

A real hub core writes its database (marathon baseline, a commander's reports,
acknowledgements and refused commands) with signed checkpoints of the audit
chain head. Each trial copies that database and tampers with one copy in one
way, the way someone with write access to the file could:

- ``edit``: one column of one entry changed (actor, outcome, ts or detail);
- ``delete``: one entry (not the last) removed;
- ``swap``: the ids of two entries exchanged;
- ``rehash``: one entry edited and every hash from it recomputed, head record rewritten;
- ``truncate``: the newest entries cut and the head record moved back;
- ``dupkey``: a duplicate key put in front of a detail (SQLite's ``json_extract``
  reads the forged first value, Python's json the last) and the chain rehashed.

Figures per kind: detected/total with the key and checkpoints, how many at the
right entry, and (rehash, truncate) detected without the key, to show what the
key adds. `passed`: every tampering detected with the key.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import sqlite3
import tempfile
from pathlib import Path

import console.hub.core as core_mod
from console.hub.auth import TokenRegistry
from console.hub.core import Clock, HubCore
from console.protocol import messages as m
from console.scenarios import build_marathon_baseline
from console.store import Store
from console.store.audit import GENESIS, AuditCheckpoints, entry_hash, make_key_file, read_key, verify_audit_url

NAME = "audit tamper"
KINDS = ("edit", "delete", "swap", "rehash", "truncate", "dupkey")


async def _make_hub_db(where: Path, commands: int) -> tuple[Path, Path, bytes]:
    """A hub database with about `commands` audit entries and its signed checkpoint file."""
    make_key_file(where / "audit.key")
    key = read_key(where / "audit.key")
    db = where / "hub.db"
    cps = AuditCheckpoints(where / "hub.db.audit-checkpoints", key)
    store = Store(f"sqlite:///{db}")
    saved = core_mod.CHECKPOINT_EVERY_S
    core_mod.CHECKPOINT_EVERY_S = 0.05  # several checkpoints in a short trial
    try:
        core = HubCore(store, clock=Clock(), checkpoints=cps)
        await core.start()
        await core.wait_committed(core.emit([("baseline_loaded", m.BaselineLoaded(
            baseline=build_marathon_baseline()))])[-1])
        tokens = TokenRegistry.demo()
        commander = tokens.lookup("Bearer demo-commander")
        operator = tokens.lookup("Bearer demo-operator")
        for i in range(commands):
            if i % 3 == 0:
                r = await core.submit(commander, f"rep-{i}", "cmd.report", m.CmdReport(
                    kind="other", text=f"报告 {i}", x=float(i), y=0.0))
                last_report = r.seqs[-1] if r.ok else None
            elif i % 3 == 1 and last_report is not None:
                inc = f"I-R{core.state.reports:05d}"
                await core.submit(operator, f"ack-{i}", "cmd.acknowledge", m.CmdIncident(incident=inc))
            else:  # an operator may not dispatch: a refusal, audited too
                await core.submit(operator, f"dis-{i}", "cmd.dispatch",
                                  m.CmdDispatch(incident="I-R00001", resource="R0001"))
            if i % 10 == 9:
                await asyncio.sleep(0.06)
        await core.close()
    finally:
        core_mod.CHECKPOINT_EVERY_S = saved
        store.close()
    return db, cps.path, key


def _rehash(con: sqlite3.Connection) -> None:
    """What a forger who knows the scheme does after an edit: recompute every hash and the head."""
    prev = GENESIS
    last = 0
    for row in con.execute("select id, ts, actor, role, action, outcome, detail from audit_log order by id").fetchall():
        h = entry_hash(prev, *row)
        con.execute("update audit_log set prev_hash = ?, hash = ? where id = ?", (prev, h, row[0]))
        prev, last = h, row[0]
    con.execute("update settings set value = ? where key = 'audit.head'", (f"{last}:{prev}".encode(),))


def _tamper(con: sqlite3.Connection, kind: str, rng: random.Random, n: int) -> tuple[int, ...]:
    """Tamper one way; returns the entry ids verification may rightly name."""
    k = rng.randint(1, n - 1)
    if kind == "edit":
        column = rng.choice(["actor", "outcome", "ts", "detail"])
        if column == "detail":
            (detail,) = con.execute("select detail from audit_log where id = ?", (k,)).fetchone()
            d = json.loads(detail)
            d["forged"] = True
            con.execute("update audit_log set detail = ? where id = ?",
                        (json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False), k))
        elif column == "ts":
            con.execute("update audit_log set ts = ts - 3600 where id = ?", (k,))
        else:
            con.execute(f"update audit_log set {column} = 'forged' where id = ?", (k,))
        return (k,)
    if kind == "delete":
        con.execute("delete from audit_log where id = ?", (k,))
        return (k, k + 1)
    if kind == "swap":
        j = rng.randint(k + 1, n)
        con.execute("update audit_log set id = -1 where id = ?", (k,))
        con.execute("update audit_log set id = ? where id = ?", (k, j))
        con.execute("update audit_log set id = ? where id = -1", (j,))
        return (k,)
    if kind == "rehash":
        # A plausible lie: a refusal turned into a success or the other way round.
        con.execute("update audit_log set outcome = case outcome when 'ok' then 'refused:forbidden' else 'ok' end"
                    " where id = ?", (k,))
        _rehash(con)
        return tuple(range(1, k + 1))  # somewhere from the previous checkpoint up to k
    if kind == "truncate":
        con.execute("delete from audit_log where id > ?", (k,))
        _rehash(con)
        return (k + 1,)
    if kind == "dupkey":
        (detail,) = con.execute("select detail from audit_log where id = ?", (k,)).fetchone()
        first_key = json.loads(detail) and sorted(json.loads(detail))[0]
        forged = "{" + json.dumps(first_key) + ':"forged",' + detail[1:]
        con.execute("update audit_log set detail = ? where id = ?", (forged, k))
        _rehash(con)
        return (k,)
    raise ValueError(kind)


def run(short: bool) -> dict:
    """Tamper trials per kind (10 each short, 100 each long); figures and `passed`."""
    per_kind = 10 if short else 100
    rng = random.Random(9)
    where = Path(tempfile.mkdtemp(prefix="duty-audit-trial-"))
    try:
        db, cps, key = asyncio.run(_make_hub_db(where, 60 if short else 600))
        clean = verify_audit_url(f"sqlite:///{db}", key=key, checkpoints=cps)
        figures: dict = {"name": NAME, "entries": clean.checked, "checkpoints": clean.checkpoints,
                         "clean_ok": clean.ok, "kinds": {}}
        passed = clean.ok and clean.checkpoints >= 2
        for kind in KINDS:
            detected = right = bare = 0
            for t in range(per_kind):
                copy = where / f"{kind}-{t}.db"
                shutil.copy(db, copy)
                con = sqlite3.connect(copy)
                try:
                    expected = _tamper(con, kind, rng, clean.checked)
                    con.commit()
                finally:
                    con.close()
                url = f"sqlite:///{copy}"
                v = verify_audit_url(url, key=key, checkpoints=cps)
                detected += not v.ok
                right += (not v.ok) and v.first_broken in expected
                bare += not verify_audit_url(url).ok
                copy.unlink()
            figures["kinds"][kind] = {"detected": detected, "right_entry": right, "total": per_kind,
                                      "detected_without_key": bare}
            passed &= detected == per_kind
        figures["passed"] = passed
        figures["summary"] = "; ".join(
            f"{k} {v['detected']}/{v['total']} (right entry {v['right_entry']}, no key {v['detected_without_key']})"
            for k, v in figures["kinds"].items())
        return figures
    finally:
        shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(run(short=True), ensure_ascii=False, indent=1))
