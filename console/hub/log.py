"""What the hub's core needs from a log: the ports `console.store.Store` and a recording satisfy.

Two ports, because a replaying core only reads: `LogReader` is what every core
needs (the tail for a resume, the first seq kept, the log's epoch); `HubLog`
adds what a deciding core writes (events with their command results, audit
entries and snapshots, in one transaction) and reads back after a restart.
All methods block (SQLite): the core calls them on its own single-worker executor,
never on the event loop.
"""

from __future__ import annotations

from typing import Protocol

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

    def commit(self, rows: list[EventRow], results: list[tuple[str, str, bytes]],
               audit: list = (), snapshot: tuple[int, bytes] | None = None) -> tuple[int, str] | None:
        """Events, the command results they answer (command id, sender, result), their audit
        entries and a snapshot, in one transaction; returns the audit chain head written, or None."""

    def command_ids(self) -> set[tuple[str, str]]:
        """Every (sender, command id) with a stored result (idempotency across restarts)."""

    def command_result(self, actor: str, command_id: str) -> bytes | None:
        """The first result stored for a sender's command id, or None."""

    def prune_command_results(self, **bounds: float) -> set[tuple[str, str]]:
        """Drop results beyond their retention bounds; returns the (sender, id) keys dropped."""

    def latest_snapshot(self, at_or_before: int | None = None) -> tuple[int, bytes] | None:
        """(seq, encoded state) of the newest snapshot, or None."""
