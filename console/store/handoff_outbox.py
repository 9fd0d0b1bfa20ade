"""A federated hub's outbox of hand-offs to other hubs (schema.handoff_outbox).

Same shape as the console's outbox (outbox.py), one level up: a row is written in the
hub's own store before the hand-off goes to NATS and marked sent once JetStream
acknowledged it. Sending a row twice is harmless (its `Nats-Msg-Id` and the receiver's
idempotency table), losing one is not, so rows are marked sent only after the ack.
"""

from __future__ import annotations

import json
import time

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .engine import read_tx, write_tx
from .schema import handoff_outbox

#: one pending hand-off: (msg id, to center, headers, data)
PendingHandoff = tuple[str, str, dict[str, str], bytes]


class HandoffOutbox:
    """Durable queue of outgoing hand-offs, in the order they were made."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, msg_id: str, to_center: str, headers: dict[str, str], data: bytes) -> bool:
        """Keep a hand-off; False (and the first one kept) if that msg id is already here."""
        try:
            with write_tx(self._engine) as conn:
                conn.execute(insert(handoff_outbox).values(
                    msg_id=msg_id, to_center=to_center, created=time.time(),
                    headers=json.dumps(headers, sort_keys=True), data=data))
        except IntegrityError:
            return False
        return True

    def pending(self, limit: int = 500) -> list[PendingHandoff]:
        """Hand-offs not yet acknowledged by JetStream, oldest first."""
        q = (select(handoff_outbox.c.msg_id, handoff_outbox.c.to_center, handoff_outbox.c.headers,
                    handoff_outbox.c.data)
             .where(handoff_outbox.c.sent.is_(None)).order_by(handoff_outbox.c.pos).limit(limit))
        with read_tx(self._engine) as conn:
            return [(r[0], r[1], json.loads(r[2]), bytes(r[3])) for r in conn.execute(q)]

    def mark_sent(self, msg_id: str) -> None:
        """JetStream acknowledged it: it leaves the pending list (kept for the record)."""
        with write_tx(self._engine) as conn:
            conn.execute(update(handoff_outbox)
                         .where(handoff_outbox.c.msg_id == msg_id, handoff_outbox.c.sent.is_(None))
                         .values(sent=time.time()))

    def depth(self) -> int:
        """Hand-offs still waiting to be sent."""
        q = select(func.count()).select_from(handoff_outbox).where(handoff_outbox.c.sent.is_(None))
        with read_tx(self._engine) as conn:
            return conn.execute(q).scalar() or 0
