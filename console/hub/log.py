"""What the hub's core needs from a log: the ports `console.store.Store` and a recording satisfy.

Two ports, because a replaying core only reads: `LogReader` is what every core
needs (the tail for a resume, the first seq kept, the log's epoch); `HubLog`
adds what a deciding core writes (events with their command results in one
transaction, snapshots, the audit trail) and reads back after a restart.
All methods block (SQLite): the core calls them on its own single-worker executor,
never on the event loop.
"""

from __future__ import annotations

from typing import Any, Protocol

#: (seq, type, hub time, envelope bytes as sent on the wire)
EventRow = tuple[int, str, float, bytes]


class LogReader(Protocol):
    """A log a hub can serve from: read-only."""

    def events_after(self, seq: int, limit: int | None = None) -> list[EventRow]:
        """Events with seq greater than `seq`, ascending, at most `limit`."""

    def first_seq(self) -> int:
        """Lowest seq still in the log, 0 when empty."""

    def log_epoch(self) -> str:
        """An id made when the log was created: two logs with the same seqs are told apart by it."""


class HubLog(LogReader, Protocol):
    """A log a deciding hub writes: events, command results, snapshots, audit."""

    def commit(self, rows: list[EventRow], results: list[tuple[str, str, bytes]]) -> None:
        """Events and the command results they answer, in one transaction."""

    def command_ids(self) -> set[str]:
        """Every command id with a stored result (idempotency across restarts)."""

    def command_result(self, command_id: str) -> bytes | None:
        """The first result stored for a command id, or None."""

    def latest_snapshot(self, at_or_before: int | None = None) -> tuple[int, bytes] | None:
        """(seq, encoded state) of the newest snapshot, or None."""

    def save_snapshot(self, seq: int, data: bytes) -> None:
        """Keep an encoded state taken after applying `seq`."""

    def audit(self, actor: str, role: str, action: str, outcome: str, detail: dict[str, Any]) -> int:
        """Append an audit entry; returns its id."""
