"""Bearer tokens → principals (role, name, center, resource), checked at the handshake and while open.

Tokens are kept at rest as their SHA-256 (`sha256:<hex>`): a tokens file may hold
the hash form only, so whoever reads the file cannot log in with it. A presented
token is hashed and looked up. The file is re-read when it changes (or on
SIGHUP); the server closes the sessions of a token that is gone or expired.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from console.domain.rules import ROLES

log = logging.getLogger(__name__)

#: the prefix of a token's hash form, as it may stand in a tokens file
HASH_PREFIX = "sha256:"


def hash_token(token: str) -> str:
    """The at-rest form of a token: `sha256:` + hex digest of its UTF-8 bytes."""
    return HASH_PREFIX + hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(slots=True, frozen=True)
class Principal:
    """Who a token stands for. center None: every center (the district level).

    `token` is the token itself (the demo tokens) or its hash form; `resource` binds
    a field terminal to one person (it may update only that person's tasks);
    `expires` (epoch seconds) ends the token's validity.
    """

    token: str
    role: str
    name: str
    center: str | None = None
    resource: str | None = None
    expires: float | None = None

    @property
    def token_hash(self) -> str:
        """The token's hash form, whichever form it was given in."""
        return self.token if self.token.startswith(HASH_PREFIX) else hash_token(self.token)

    def expired(self, now: float | None = None) -> bool:
        """Whether the token's expiry has passed."""
        return self.expires is not None and (time.time() if now is None else now) >= self.expires


#: tokens for the embedded demo and for local drills; a real hub is given --tokens FILE
DEMO_TOKENS = [
    Principal("demo-commander", "commander", "值班长 王敏", None),
    Principal("demo-commander-2", "commander", "副值班长 李强", None),
    Principal("demo-t1", "commander", "南坪街道 值班长 陈静", "T1"),
    Principal("demo-t2", "commander", "弹子石街道 值班长 刘洋", "T2"),
    Principal("demo-operator", "operator", "坐席员 赵丽", None),
    Principal("demo-wall", "wall", "大屏", None),
    Principal("demo-field", "field", "网格员终端 R0001", None, resource="R0001"),
    # the volunteer `make demo` prints a field-page link (and QR code) for
    Principal("demo-volunteer", "field", "志愿者终端 R0287", None, resource="R0287"),
    Principal("demo-ingest", "ingest", "感知接入", None),
]


def query_token(path: str) -> str | None:
    """The `token` parameter of a request path's query (`/?token=...`), or None."""
    from urllib.parse import parse_qs, urlsplit

    values = parse_qs(urlsplit(path).query).get("token")
    return values[0] if values else None


class TokenError(ValueError):
    """A tokens file that cannot be used; the message names the file and the entry."""


def _expiry(path, i: int, value) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            if dt.tzinfo is None:
                raise TokenError(f"{path}: entry {i}: expires {value!r} needs a time zone (e.g. +08:00 or Z)")
            return dt.timestamp()
    raise TokenError(f"{path}: entry {i}: expires must be epoch seconds or an ISO time with zone, not {value!r}")


def parse_tokens(path: str | Path, text: str) -> list[Principal]:
    """The principals of a tokens file's text, or TokenError naming the first bad entry."""
    try:
        entries = json.loads(text)
    except ValueError as exc:
        raise TokenError(f"tokens file {path} is not JSON: {exc}") from None
    if not isinstance(entries, list):
        raise TokenError(f"tokens file {path}: expected a JSON list of token objects")
    principals: list[Principal] = []
    names: set[str] = set()
    for i, e in enumerate(entries):
        if not isinstance(e, dict):
            raise TokenError(f"tokens file {path}: entry {i} is not an object")
        unknown = set(e) - {"token", "token_sha256", "role", "name", "center", "resource", "expires"}
        if unknown:
            raise TokenError(f"tokens file {path}: entry {i} has unknown field(s) {', '.join(sorted(unknown))}")
        if not all(isinstance(e.get(k), str) and e.get(k) for k in ("role", "name")):
            raise TokenError(f"tokens file {path}: entry {i} needs string role and name")
        plain, hashed = e.get("token"), e.get("token_sha256")
        if (plain is None) == (hashed is None):
            raise TokenError(f"tokens file {path}: entry {i} needs exactly one of token and token_sha256")
        if plain is not None and not (isinstance(plain, str) and plain):
            raise TokenError(f"tokens file {path}: entry {i}: token must be a non-empty string")
        if hashed is not None:
            digest = hashed.removeprefix(HASH_PREFIX) if isinstance(hashed, str) else ""
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()):
                raise TokenError(f"tokens file {path}: entry {i}: token_sha256 must be 64 hex digits")
            hashed = HASH_PREFIX + digest.lower()
        if e["role"] not in ROLES:
            raise TokenError(f"tokens file {path}: entry {i} has unknown role {e['role']!r} (one of {', '.join(ROLES)})")
        for k in ("center", "resource"):
            if e.get(k) is not None and not isinstance(e[k], str):
                raise TokenError(f"tokens file {path}: entry {i}: {k} must be a string")
        if e["role"] == "field" and not e.get("resource"):
            raise TokenError(f"tokens file {path}: entry {i}: a field token needs resource (the person it reports for)")
        if e["name"] in names:
            # the name is the principal: command ids and the rate limit are kept per name
            raise TokenError(f"tokens file {path}: entry {i}: name {e['name']!r} is used twice")
        names.add(e["name"])
        principals.append(Principal(hashed or hash_token(plain), e["role"], e["name"], e.get("center") or None,
                                    resource=e.get("resource") or None, expires=_expiry(path, i, e.get("expires"))))
    return principals


class TokenRegistry:
    """Looks up the principal of a bearer token; re-reads its file when it changes."""

    def __init__(self, principals: list[Principal], *, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        self._stamp = self._file_stamp()
        self._by_hash = {p.token_hash: p for p in principals}

    @classmethod
    def from_file(cls, path: str | Path) -> TokenRegistry:
        """Read a JSON list of {token | token_sha256, role, name, center?, resource?, expires?} objects."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TokenError(f"cannot read tokens file {path}: {exc}") from None
        return cls(parse_tokens(path, text), path=path)

    @classmethod
    def demo(cls) -> TokenRegistry:
        return cls(DEMO_TOKENS)

    def _file_stamp(self) -> tuple[int, int, int] | None:
        if self.path is None:
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size, st.st_ino

    def reload(self, *, force: bool = False) -> bool:
        """Re-read the file if it changed (always with force); True if the tokens were replaced.

        A file that cannot be used now keeps the tokens it had (and logs why), so a
        half-written edit never locks everybody out.
        """
        if self.path is None:
            return False
        stamp = self._file_stamp()
        if not force and stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            principals = parse_tokens(self.path, self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, TokenError) as exc:
            log.error("tokens file not reloaded, the previous tokens stay in force: %s", exc)
            return False
        self._by_hash = {p.token_hash: p for p in principals}
        log.info("tokens reloaded from %s: %d tokens", self.path, len(principals))
        return True

    def lookup(self, authorization: str | None) -> Principal | None:
        """The principal for an `Authorization: Bearer <token>` header value, or None (also if expired)."""
        if not authorization:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        p = self._by_hash.get(hash_token(token.strip()))
        return None if p is None or p.expired() else p

    def lookup_request(self, authorization: str | None, path: str) -> Principal | None:
        """The principal of a handshake: the Authorization header, else a `?token=` query on the path.

        A browser's WebSocket cannot set headers, so the field page puts its token in the query;
        it is checked exactly as the header's (hashed, looked up, expiry).
        """
        if authorization:
            return self.lookup(authorization)
        token = query_token(path)
        return self.lookup(f"Bearer {token}") if token else None

    def still_valid(self, principal: Principal) -> bool:
        """Whether an open session's principal is still in force (same entry, not expired)."""
        return self._by_hash.get(principal.token_hash) == principal and not principal.expired()

    def issue_field(self, resource: str, name: str) -> str:
        """A new field token for one person, replacing theirs (the file's hash form when there is a file).

        Without a file (the demo's built-in tokens) the token lives in memory for this hub's life.
        Raises TokenError when the file cannot be edited (e.g. `name` is another entry's).
        """
        if self.path is not None:
            token = enrol_field(self.path, resource, name)
            self.reload(force=True)
            return token
        import secrets

        token = secrets.token_urlsafe(24)
        if any(p.name == name and p.resource != resource for p in self._by_hash.values()):
            raise TokenError(f"name {name!r} is already another token's")
        self.revoke_field(resource)
        p = Principal(hash_token(token), "field", name, None, resource=resource)
        self._by_hash[p.token_hash] = p
        return token

    def revoke_field(self, resource: str) -> int:
        """Remove every field token of one person (from the file too); returns how many there were."""
        if self.path is not None:
            n = revoke_field(self.path, resource)
            self.reload(force=True)
            return n
        gone = [h for h, p in self._by_hash.items() if p.role == "field" and p.resource == resource]
        for h in gone:
            del self._by_hash[h]
        return len(gone)


# ---------------------------------------------------------------------- field enrolment

def _write_entries(path: Path, entries: list) -> None:
    # a whole new file renamed into place: the hub's reload never reads half of it
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _read_entries(path: Path) -> list:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    parse_tokens(path, text)  # refuse to edit a file the hub could not use
    return json.loads(text)


def enrol_field(path: str | Path, resource: str, name: str, *, expires: str | None = None) -> str:
    """Mint a new token for one person's field page; returns it (the file keeps only its hash).

    An earlier token of that person is replaced: one phone per person, and enrolling a new
    phone revokes the old one (the hub closes its session within seconds, 4401).
    """
    import secrets

    path = Path(path)
    entries = [e for e in _read_entries(path) if not (e.get("role") == "field" and e.get("resource") == resource)]
    token = secrets.token_urlsafe(24)
    entry = {"token_sha256": hash_token(token).removeprefix(HASH_PREFIX), "role": "field", "name": name,
             "resource": resource}
    if expires:
        entry["expires"] = expires
    entries.append(entry)
    parse_tokens(path, json.dumps(entries))  # e.g. a name already used by another entry
    _write_entries(path, entries)
    return token


def revoke_field(path: str | Path, resource: str) -> int:
    """Remove every field token of one person from the tokens file; returns how many there were."""
    path = Path(path)
    entries = _read_entries(path)
    kept = [e for e in entries if not (e.get("role") == "field" and e.get("resource") == resource)]
    if len(kept) != len(entries):
        _write_entries(path, kept)
    return len(entries) - len(kept)
