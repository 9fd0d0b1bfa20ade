"""Photo reports from the field page: the person's own hub token, accepted on `POST /reports?token=`.

The field page is served by the hub, whose websocket server speaks GET only, so the
page posts its multipart report to this gateway, cross-origin. It carries the same
per-person token the hub knows (read from the hub's tokens file, re-read when it
changes): one enrolment and one revocation cover both. The token rides in the query
because a header would make the browser send a CORS preflight the gateway does not
answer; a multipart POST without custom headers is a "simple" request. Such a
sender may post photo reports only, and the report's reporter is the token's person,
whatever the form says.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from console.gateway.sources import Source
from console.hub.auth import TokenRegistry

#: a phone's report rate: a few in a row, then about one every ten seconds
FIELD_PER_MINUTE, FIELD_BURST = 6.0, 5.0


class FieldSources:
    """Field tokens of the hub's tokens file → one photo-only Source per person (its own rate)."""

    def __init__(self, tokens: TokenRegistry):
        self.tokens = tokens
        self._sources: dict[str, Source] = {}

    @classmethod
    def from_file(cls, path: str) -> FieldSources:
        """The hub's tokens file (console/hub/auth.py's format); TokenError if it cannot be used."""
        return cls(TokenRegistry.from_file(path))

    def lookup(self, query: str) -> Source | None:
        """The Source of a `token=` query parameter naming a valid field token, or None."""
        values = parse_qs(query).get("token")
        if not values:
            return None
        self.tokens.reload()  # a revoked phone is refused at once, not after the hub's next check
        p = self.tokens.lookup(f"Bearer {values[0]}")
        if p is None or p.role != "field" or not p.resource:
            return None
        src = self._sources.get(p.name)
        if src is None:
            src = self._sources[p.name] = Source(p.token_hash, p.name, frozenset({"photo"}), FIELD_PER_MINUTE,
                                                 FIELD_BURST)
        return src
