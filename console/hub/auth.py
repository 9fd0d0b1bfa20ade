"""Bearer tokens → principals (role, name, center), checked at the websocket handshake."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from console.domain.rules import ROLES


@dataclass(slots=True, frozen=True)
class Principal:
    """Who a token stands for. center None: every center (the district level)."""

    token: str
    role: str
    name: str
    center: str | None = None


#: tokens for the embedded demo and for local drills; a real hub is given --tokens FILE
DEMO_TOKENS = [
    Principal("demo-commander", "commander", "值班长 王敏", None),
    Principal("demo-commander-2", "commander", "副值班长 李强", None),
    Principal("demo-t1", "commander", "南坪街道 值班长 陈静", "T1"),
    Principal("demo-t2", "commander", "弹子石街道 值班长 刘洋", "T2"),
    Principal("demo-operator", "operator", "坐席员 赵丽", None),
    Principal("demo-wall", "wall", "大屏", None),
    Principal("demo-field", "field", "网格员终端", None),
    Principal("demo-ingest", "ingest", "感知接入", None),
]


class TokenError(ValueError):
    """A tokens file that cannot be used; the message names the entry."""


class TokenRegistry:
    """Looks up the principal of a bearer token."""

    def __init__(self, principals: list[Principal]):
        self._by_token = {p.token: p for p in principals}

    @classmethod
    def from_file(cls, path: str | Path) -> TokenRegistry:
        """Read a JSON list of {token, role, name, center?} objects."""
        try:
            entries = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TokenError(f"cannot read tokens file {path}: {exc}") from None
        if not isinstance(entries, list):
            raise TokenError(f"{path}: expected a JSON list of token objects")
        principals = []
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not all(isinstance(e.get(k), str) and e.get(k) for k in ("token", "role", "name")):
                raise TokenError(f"{path}: entry {i} needs string token, role and name")
            if e["role"] not in ROLES:
                raise TokenError(f"{path}: entry {i} has unknown role {e['role']!r} (one of {', '.join(ROLES)})")
            principals.append(Principal(e["token"], e["role"], e["name"], e.get("center") or None))
        return cls(principals)

    @classmethod
    def demo(cls) -> TokenRegistry:
        return cls(DEMO_TOKENS)

    def lookup(self, authorization: str | None) -> Principal | None:
        """The principal for an `Authorization: Bearer <token>` header value, or None."""
        if not authorization:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self._by_token.get(token.strip())
