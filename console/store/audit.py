"""Tamper-evident audit trail: a SHA-256 hash chain, anchored by signed checkpoints.

Entry ``n`` stores ``hash = sha256(prev_hash + header + detail)`` where ``header``
is the canonical JSON array ``[id, ts, actor, role, action, outcome]`` and
``detail`` is the stored detail text itself, byte for byte (canonical JSON:
sorted keys, no spaces, no duplicate keys). ``prev_hash`` is the hash of entry
``n-1`` (64 zeros for the first). Editing an entry breaks its own hash; deleting
or reordering entries breaks an id or a ``prev_hash`` link; a detail that is not
canonical (a duplicate key that SQLite's ``json_extract`` would read differently)
is refused outright. The id and hash of the newest entry are also kept as a head
record in the database.

A forger with write access to the database can still recompute every hash after
an edit, or cut the tail and rewrite the head record. Checkpoints close that: the
hub appends ``(entry id, entry hash)`` of the head, signed with HMAC-SHA256 under
a key that is *not* in the database, to a separate append-only file; each
checkpoint also signs the previous one's MAC, so lines cannot be dropped or
reordered unseen. Verification with the key then finds a rehash (a checkpointed
hash no longer matches) and a truncation (a checkpointed entry is gone).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import Connection, Engine, inspect, insert, select

from . import settings as _settings
from .engine import make_engine, read_tx, write_tx
from .schema import audit_log

GENESIS = "0" * 64
HEAD_KEY = "audit.head"
#: the shortest key file accepted (bytes after stripping whitespace)
MIN_KEY_BYTES = 16

#: (actor, role, action, outcome, detail) of one entry to append
AuditRow = tuple[str, str, str, str, dict[str, Any]]


@dataclass(frozen=True)
class AuditVerdict:
    """Outcome of a chain check; ``first_broken`` is the first entry id that fails."""

    ok: bool
    checked: int
    first_broken: int | None
    reason: str
    #: checkpoints that were checked against the chain (0 without a key)
    checkpoints: int = 0


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise DuplicateKeyError(f"duplicate key {k!r}")
        out[k] = v
    return out


def canonical_detail(detail: dict[str, Any]) -> str:
    """Canonical JSON text for a detail dict (sorted keys, no spaces; non-JSON values as str)."""
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def parse_detail(text: str) -> dict[str, Any]:
    """Parse stored detail text, refusing duplicate keys and any text that is not canonical.

    Raises ValueError naming the problem.
    """
    obj = json.loads(text, object_pairs_hook=_no_duplicates)
    if not isinstance(obj, dict):
        raise ValueError("detail is not a JSON object")
    if canonical_detail(obj) != text:
        raise ValueError("detail is not canonical JSON")
    return obj


def entry_hash(prev_hash: str, id: int, ts: float, actor: str, role: str, action: str, outcome: str,
               detail_text: str) -> str:
    """The hash of one entry given its predecessor's hash and its stored detail text."""
    header = json.dumps([id, ts, actor, role, action, outcome], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + header + detail_text).encode("utf-8")).hexdigest()


def _encode_head(id: int, h: str) -> bytes:
    return f"{id}:{h}".encode()


def _decode_head(raw: bytes | None) -> tuple[int, str] | None:
    if raw is None:
        return None
    id_s, _, h = raw.decode().partition(":")
    return int(id_s), h


def append_rows(conn: Connection, rows: Iterable[AuditRow], ts: float | None = None) -> tuple[int, str] | None:
    """Append entries inside an open write transaction; returns the new head ``(id, hash)``.

    Run in the same transaction as whatever the entries describe, so an entry
    exists exactly when its subject was committed. None when ``rows`` is empty.
    """
    rows = list(rows)
    if not rows:
        return None
    ts = time.time() if ts is None else ts
    last = conn.execute(select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)).first()
    new_id, prev = (1, GENESIS) if last is None else (last[0] + 1, last[1])
    params = []
    for actor, role, action, outcome, detail in rows:
        text = canonical_detail(detail)
        h = entry_hash(prev, new_id, ts, actor, role, action, outcome, text)
        params.append({"id": new_id, "ts": ts, "actor": actor, "role": role, "action": action,
                       "outcome": outcome, "detail": text, "prev_hash": prev, "hash": h})
        new_id, prev = new_id + 1, h
    conn.execute(insert(audit_log), params)
    head = (new_id - 1, prev)
    _settings.put(conn, HEAD_KEY, _encode_head(*head))
    return head


class AuditTrail:
    """Appends and verifies audit entries."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def append(self, actor: str, role: str, action: str, outcome: str, detail: dict[str, Any]) -> int:
        """Append one entry in its own transaction; returns its id."""
        with write_tx(self._engine) as conn:
            head = append_rows(conn, [(actor, role, action, outcome, detail)])
        assert head is not None
        return head[0]

    def verify(self, checkpoints: list[Checkpoint] | None = None) -> AuditVerdict:
        """Walk the whole chain in id order and report the first entry that fails.

        With ``checkpoints`` (already authenticated, see `AuditCheckpoints.read`),
        every checkpointed ``(id, hash)`` must still be in the chain.
        """
        q = select(
            audit_log.c.id, audit_log.c.ts, audit_log.c.actor, audit_log.c.role,
            audit_log.c.action, audit_log.c.outcome, audit_log.c.detail,
            audit_log.c.prev_hash, audit_log.c.hash,
        ).order_by(audit_log.c.id)
        wanted = {cp.entry: cp for cp in checkpoints or ()}
        prev_cp_entry = 0
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
                    parse_detail(detail)
                except ValueError as exc:
                    return AuditVerdict(False, checked, id_, f"entry {id_} detail refused: {exc}")
                if entry_hash(prev_hash, id_, ts, actor, role, action, outcome, detail) != h:
                    return AuditVerdict(False, checked, id_, f"entry {id_} content does not match its hash")
                cp = wanted.get(id_)
                if cp is not None:
                    if cp.hash != h:
                        return AuditVerdict(
                            False, checked, prev_cp_entry + 1,
                            f"entries {prev_cp_entry + 1}..{id_} were rewritten and rehashed: entry {id_} "
                            f"differs from signed checkpoint {cp.n}", len(checkpoints or ()))
                    prev_cp_entry = id_
                checked += 1
                expected_id, expected_prev = id_ + 1, h
                last_id, last_hash = id_, h

        n_cp = len(checkpoints or ())
        if checkpoints:
            newest = max(checkpoints, key=lambda c: c.entry)
            if newest.entry > last_id:
                return AuditVerdict(
                    False, checked, last_id + 1,
                    f"entries {last_id + 1}..{newest.entry} missing from the end "
                    f"(signed checkpoint {newest.n} names entry {newest.entry})", n_cp)
        if head is None:
            if last_id:
                return AuditVerdict(False, checked, None, "entries present but the chain head record is missing",
                                    n_cp)
            return AuditVerdict(True, 0, None, "empty", n_cp)
        head_id, head_hash = head
        if head_id > last_id:
            return AuditVerdict(
                False, checked, last_id + 1, f"entries {last_id + 1}..{head_id} missing from the end", n_cp)
        if head_id < last_id:
            return AuditVerdict(
                False, checked, head_id + 1, f"entries after {head_id} were not written through the trail", n_cp)
        if head_hash != last_hash:
            return AuditVerdict(False, checked, last_id, f"entry {last_id} differs from the recorded head", n_cp)
        return AuditVerdict(True, checked, None, "ok", n_cp)


# ------------------------------------------------------------------ checkpoints

class CheckpointError(ValueError):
    """A key or checkpoint file that cannot be used, or checkpoints that do not authenticate."""


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement: entry ``entry`` of the chain had hash ``hash`` at hub time ``at``."""

    n: int
    entry: int
    hash: str
    at: float
    prev: str
    mac: str


def read_key(path: str | os.PathLike) -> bytes:
    """The HMAC key in a key file (its bytes, surrounding whitespace stripped)."""
    try:
        key = Path(path).read_bytes().strip()
    except OSError as exc:
        raise CheckpointError(f"cannot read audit key {path}: {exc.strerror or exc}") from exc
    if len(key) < MIN_KEY_BYTES:
        raise CheckpointError(f"audit key {path} is shorter than {MIN_KEY_BYTES} bytes")
    return key


def make_key_file(path: str | os.PathLike) -> None:
    """Write a new random key (64 hex digits), readable by its owner only; refuses to overwrite."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(os.urandom(32).hex() + "\n")


def _mac(key: bytes, n: int, entry: int, h: str, at: float, prev: str) -> str:
    body = json.dumps({"n": n, "entry": entry, "hash": h, "at": at, "prev": prev},
                      sort_keys=True, separators=(",", ":"))
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


class AuditCheckpoints:
    """The append-only checkpoint file of one audit chain, signed with one key.

    One JSON object per line: ``n`` (1, 2, …), ``entry`` and ``hash`` (the chain
    head), ``at`` (wall time), ``prev`` (the previous line's ``mac``, 64 zeros for
    the first) and ``mac`` = HMAC-SHA256(key, canonical JSON of the other fields).
    """

    def __init__(self, path: str | os.PathLike, key: bytes) -> None:
        self.path = Path(path)
        self._key = key
        self._last: Checkpoint | None = None
        self._loaded = False

    def read(self) -> tuple[list[Checkpoint], list[str]]:
        """Every authenticated checkpoint in order, and warnings (unreadable lines skipped).

        Raises CheckpointError when a checkpoint fails its MAC (wrong key or forged)
        or the lines do not chain (a line dropped, reordered or inserted).
        """
        out: list[Checkpoint] = []
        warnings: list[str] = []
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").split("\n")
        except FileNotFoundError:
            return [], []
        except OSError as exc:
            raise CheckpointError(f"cannot read checkpoints {self.path}: {exc.strerror or exc}") from exc
        prev_mac = GENESIS
        for i, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                cp = Checkpoint(n=int(d["n"]), entry=int(d["entry"]), hash=str(d["hash"]), at=float(d["at"]),
                                prev=str(d["prev"]), mac=str(d["mac"]))
            except (ValueError, KeyError, TypeError):
                # A line torn by a crash mid-write; dropping a *valid* line still breaks the chain below.
                warnings.append(f"checkpoint file line {i} unreadable, skipped")
                continue
            if not hmac.compare_digest(cp.mac, _mac(self._key, cp.n, cp.entry, cp.hash, cp.at, cp.prev)):
                raise CheckpointError(f"checkpoint {cp.n} (line {i}) does not authenticate: wrong key or forged")
            expected_n = out[-1].n + 1 if out else 1
            if cp.prev != prev_mac or cp.n != expected_n:
                raise CheckpointError(
                    f"checkpoint {cp.n} (line {i}) does not follow checkpoint {expected_n - 1}: "
                    "checkpoints removed, reordered or inserted")
            if out and cp.entry < out[-1].entry:
                raise CheckpointError(f"checkpoint {cp.n} names an older entry than checkpoint {out[-1].n}")
            out.append(cp)
            prev_mac = cp.mac
        return out, warnings

    def last(self) -> Checkpoint | None:
        """The newest checkpoint (read from the file once)."""
        if not self._loaded:
            cps, _ = self.read()
            self._last = cps[-1] if cps else None
            self._loaded = True
        return self._last

    def write(self, entry: int, h: str) -> Checkpoint | None:
        """Append a checkpoint of head ``(entry, h)`` and fsync it; None if it is already the newest."""
        last = self.last()
        if last is not None and last.entry == entry and last.hash == h:
            return None
        n = last.n + 1 if last else 1
        prev = last.mac if last else GENESIS
        at = round(time.time(), 3)
        cp = Checkpoint(n=n, entry=entry, hash=h, at=at, prev=prev, mac=_mac(self._key, n, entry, h, at, prev))
        line = json.dumps({"n": n, "entry": entry, "hash": h, "at": at, "prev": prev, "mac": cp.mac},
                          separators=(",", ":"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "ab") as f:
            # Start on a fresh line if a crash tore the last one.
            if f.tell() and not self._ends_with_newline():
                f.write(b"\n")
            f.write(line.encode() + b"\n")
            f.flush()
            os.fsync(f.fileno())
        self._last = cp
        return cp

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as f:
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"


def verify_audit_url(url: str, *, key: bytes | None = None, checkpoints: str | os.PathLike | None = None
                     ) -> AuditVerdict:
    """Verify the audit chain of the database at ``url`` without creating anything.

    With ``key`` and ``checkpoints`` the chain is also checked against the signed
    checkpoints (finds rehashed chains and a cut tail).
    """
    cps: list[Checkpoint] | None = None
    if checkpoints is not None:
        if key is None:
            return AuditVerdict(False, 0, None, "checkpoints need the audit key to be checked")
        try:
            cps, _warnings = AuditCheckpoints(checkpoints, key).read()
        except CheckpointError as exc:
            return AuditVerdict(False, 0, None, str(exc))
        if not cps:
            return AuditVerdict(False, 0, None, f"no signed checkpoints in {checkpoints}")
    try:
        engine = make_engine(url, create=False)
    except FileNotFoundError as exc:
        return AuditVerdict(False, 0, None, f"no database at {exc}")
    try:
        if not inspect(engine).has_table(audit_log.name):
            return AuditVerdict(False, 0, None, f"no audit trail in {url}")
        return AuditTrail(engine).verify(cps)
    finally:
        engine.dispose()
