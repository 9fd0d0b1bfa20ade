"""Tamper-evident audit trail: a SHA-256 hash chain.

Entry ``n`` stores ``hash = sha256(prev_hash + canonical_json([id, ts, actor, role,
action, outcome, detail]))`` with ``prev_hash`` the hash of entry ``n-1`` (64
zeros for the first). Editing an entry breaks its own hash; deleting or
reordering entries breaks an id or a ``prev_hash`` link. The id and hash of the
newest entry are also kept as a head record, so cutting entries off the end is
caught too.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, inspect, insert, select

from . import settings as _settings
from .engine import make_engine, read_tx, write_tx
from .schema import audit_log

GENESIS = "0" * 64
HEAD_KEY = "audit.head"


@dataclass(frozen=True)
class AuditVerdict:
    """Outcome of a chain check; ``first_broken`` is the first entry id that fails."""

    ok: bool
    checked: int
    first_broken: int | None
    reason: str


def canonical_detail(detail: dict[str, Any]) -> str:
    """Canonical JSON text for a detail dict (sorted keys, no spaces)."""
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(
    prev_hash: str, id: int, ts: float, actor: str, role: str, action: str, outcome: str, detail: Any
) -> str:
    """The hash of one entry given its predecessor's hash."""
    body = json.dumps(
        [id, ts, actor, role, action, outcome, detail],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _encode_head(id: int, h: str) -> bytes:
    return f"{id}:{h}".encode()


def _decode_head(raw: bytes | None) -> tuple[int, str] | None:
    if raw is None:
        return None
    id_s, _, h = raw.decode().partition(":")
    return int(id_s), h


class AuditTrail:
    """Appends and verifies audit entries."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def append(
        self, actor: str, role: str, action: str, outcome: str, detail: dict[str, Any]
    ) -> int:
        """Append one entry; returns its id."""
        detail_text = canonical_detail(detail)
        # Hash what verification will read back, so non-JSON values (made str) match.
        detail_obj = json.loads(detail_text)
        ts = time.time()
        with write_tx(self._engine) as conn:
            last = conn.execute(
                select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
            ).first()
            new_id, prev = (1, GENESIS) if last is None else (last[0] + 1, last[1])
            h = entry_hash(prev, new_id, ts, actor, role, action, outcome, detail_obj)
            conn.execute(
                insert(audit_log).values(
                    id=new_id, ts=ts, actor=actor, role=role, action=action,
                    outcome=outcome, detail=detail_text, prev_hash=prev, hash=h,
                )
            )
            _settings.put(conn, HEAD_KEY, _encode_head(new_id, h))
        return new_id

    def verify(self) -> AuditVerdict:
        """Walk the whole chain in id order and report the first entry that fails."""
        q = select(
            audit_log.c.id, audit_log.c.ts, audit_log.c.actor, audit_log.c.role,
            audit_log.c.action, audit_log.c.outcome, audit_log.c.detail,
            audit_log.c.prev_hash, audit_log.c.hash,
        ).order_by(audit_log.c.id)
        checked = 0
        expected_id, expected_prev = 1, GENESIS
        last_id, last_hash = 0, GENESIS
        with read_tx(self._engine) as conn:
            head = _decode_head(_settings.get(conn, HEAD_KEY))
            for id_, ts, actor, role, action, outcome, detail, prev_hash, h in conn.execute(
                q.execution_options(yield_per=2000)
            ):
                if id_ != expected_id:
                    return AuditVerdict(
                        False, checked, id_,
                        f"entry {id_} follows {expected_id - 1}: entries {expected_id}..{id_ - 1} missing",
                    )
                if prev_hash != expected_prev:
                    return AuditVerdict(
                        False, checked, id_,
                        f"entry {id_} does not link to entry {id_ - 1} (deleted or reordered)",
                    )
                try:
                    detail_obj = json.loads(detail)
                except ValueError:
                    return AuditVerdict(False, checked, id_, f"entry {id_} detail is not JSON")
                if entry_hash(prev_hash, id_, ts, actor, role, action, outcome, detail_obj) != h:
                    return AuditVerdict(False, checked, id_, f"entry {id_} content does not match its hash")
                checked += 1
                expected_id, expected_prev = id_ + 1, h
                last_id, last_hash = id_, h

        if head is None:
            if last_id:
                return AuditVerdict(False, checked, None, "entries present but the chain head record is missing")
            return AuditVerdict(True, 0, None, "empty")
        head_id, head_hash = head
        if head_id > last_id:
            return AuditVerdict(
                False, checked, last_id + 1,
                f"entries {last_id + 1}..{head_id} missing from the end",
            )
        if head_id < last_id:
            return AuditVerdict(
                False, checked, head_id + 1, f"entries after {head_id} were not written through the trail"
            )
        if head_hash != last_hash:
            return AuditVerdict(False, checked, last_id, f"entry {last_id} differs from the recorded head")
        return AuditVerdict(True, checked, None, "ok")


def verify_audit_url(url: str) -> AuditVerdict:
    """Verify the audit chain of the database at ``url`` without creating anything."""
    try:
        engine = make_engine(url, create=False)
    except FileNotFoundError as exc:
        return AuditVerdict(False, 0, None, f"no database at {exc}")
    try:
        if not inspect(engine).has_table(audit_log.name):
            return AuditVerdict(False, 0, None, f"no audit trail in {url}")
        return AuditTrail(engine).verify()
    finally:
        engine.dispose()
