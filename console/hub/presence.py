"""Whether each person's field page is online: `field_page_changed` events from the hub's sessions.

The hub is the only one who knows which field pages have a session, so it says so in the
log, like a camera's status: a page that opens its first session is online at once; one
whose last session is gone is offline after a grace of `GRACE_S`, so a phone that drops and
reconnects on a weak link (seconds) is not shown flapping. Offline carries when the hub last
heard from the page. Only changes are events (a few per phone per shift, not one per ping).
"""

from __future__ import annotations

import logging

from console.domain import bodies

log = logging.getLogger(__name__)

#: how long a page may be without a session before it is shown offline (s)
GRACE_S = 10.0


class PagePresence:
    """Compares the field sessions with `state.pages` once a tick and emits the differences."""

    def __init__(self, core, grace_s: float = GRACE_S):
        self.core = core
        self.grace_s = grace_s
        #: resource → (loop time its page was last heard, hub time then)
        self._heard: dict[str, tuple[float, float]] = {}
        #: resource → loop time its last session was seen gone
        self._gone: dict[str, float] = {}

    def tick(self, channels, now: float) -> list[int]:
        """One look at the open sessions (`now`: the loop's time); returns the seqs emitted.

        Never raises: it runs inside the hub's clock loop, which must not end.
        """
        try:
            return self._tick(channels, now)
        except Exception:
            log.exception("field page presence check failed")
            return []

    def _tick(self, channels, now: float) -> list[int]:
        core = self.core
        if getattr(core, "read_only", False) or core.storage_fault:
            return []  # a review hub makes no events; a hub that cannot log tries again later
        clock = core.clock.now()
        live: dict[str, float] = {}
        for ch in channels:
            p = ch.principal
            if p.role == "field" and p.resource and ch.live and not ch.dropped:
                live[p.resource] = max(live.get(p.resource, 0.0), ch.heard_at)
        pages = core.state.pages
        events = []
        for rid, heard in live.items():
            self._gone.pop(rid, None)
            self._heard[rid] = (heard, clock - (now - heard) * core.clock.rate)
            page = pages.get(rid)
            if (page is None or not page.online) and rid in core.state.resources:
                events.append(("field_page_changed", bodies.FieldPageChanged(resource=rid, online=True, at=clock)))
        for rid, page in pages.items():
            if not page.online or rid in live:
                continue
            gone = self._gone.setdefault(rid, now)
            if now - gone >= self.grace_s:
                # a page online in the log but never seen by this hub (a restart): last heard = now unknown,
                # the hub's start is the best it can say
                at = self._heard.get(rid, (gone, clock - (now - gone) * core.clock.rate))[1]
                events.append(("field_page_changed", bodies.FieldPageChanged(resource=rid, online=False, at=at)))
                self._gone.pop(rid, None)
        return core.emit(events) if events else []
