"""A site folder as a source of the hub's world: loaded at start, re-imported when it changes.

Plugged in by the composition root (console/app/hub.py) the way the scenario
world is: it calls the core's `emit` with domain events and nothing else. A
folder that fails its check changes nothing; its errors are logged and kept.
What waits for a person's task to end (their removal, a new status the folder
gave them) happens when the task ends: the source listens to the core's events.
"""

from __future__ import annotations

import asyncio
from functools import partial
import logging
from pathlib import Path

from console.site.diff import listed_statuses, settled, site_changes
from console.site.loader import Site, SiteError, check_site

log = logging.getLogger(__name__)


def fingerprint(root: Path) -> tuple:
    """Names, sizes and modification times of the folder's files (a cheap "has it changed")."""
    out = []
    for p in sorted(root.iterdir()):
        if p.is_file():
            st = p.stat()
            out.append((p.name, st.st_size, st.st_mtime_ns))
    return tuple(out)


class SiteSource:
    """Keeps the hub's world equal to a site folder; `core` needs `emit`, `wait_committed` and `state`."""

    def __init__(self, core, path: str | Path, *, poll_s: float = 5.0, adjust=None, geometry_checked: bool = False):
        self.core = core
        self.path = Path(path)
        self.poll_s = poll_s
        #: the folder's grid drawing is known good (the shipped site, checked by the suite): its first
        #: import leaves those checks out; a change to it is checked whole
        self._skip_geometry = geometry_checked
        #: called with each imported baseline before it is compared (the composition root's
        #: say over what the folder cannot know, e.g. the stream a `sim://` camera is served on)
        self.adjust = adjust
        self.site: Site | None = None
        #: errors of the last import that failed (empty after a good one)
        self.errors: list[SiteError] = []
        self.imports = 0
        self._seen: tuple = ()
        #: called with the Site after every good import (the hub keeps its camera credentials)
        self.on_import: list = []
        #: called after every look at the folder that worked (the hub's heartbeat of its site watcher:
        #: a folder that hangs or cannot be read stops it, console/hub/health.py)
        self.on_look: list = []
        self._task: asyncio.Task | None = None
        #: people the folder dropped while they were on a task: removed when it ends
        self.kept: set[str] = set()
        #: person → status the folder gave them while they were on a task: set when it ends
        self.waiting_status: dict[str, str] = {}
        self._settle_soon = False
        #: each person's status as the folder listed it at the last import (None before the first)
        self._listed: dict[str, str] | None = None
        listeners = getattr(core, "listeners", None)
        if listeners is not None:
            listeners.append(self._on_event)

    async def start(self) -> None:
        """Import once now (raises SiteInvalid if the folder is bad), then watch it."""
        from console.site.loader import SiteInvalid

        result = await self.reload()
        if result is None:
            raise SiteInvalid(self.errors)
        if self.poll_s > 0:
            self._task = asyncio.create_task(self._watch(), name="site-watch")

    async def stop(self) -> None:
        listeners = getattr(self.core, "listeners", None)
        if listeners is not None and self._on_event in listeners:
            listeners.remove(self._on_event)
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def reload(self) -> list[str] | None:
        """Re-read the folder; emit what changed. Returns the event types, or None if it failed."""
        loop = asyncio.get_running_loop()
        seen = await loop.run_in_executor(None, fingerprint, self.path)
        geometry, self._skip_geometry = not self._skip_geometry, False
        site, errors = await loop.run_in_executor(None, partial(check_site, self.path, geometry=geometry))
        self._seen = seen
        if errors:
            self.errors = errors
            log.error("site %s not imported: %d error(s); the world stays as it was", self.path, len(errors))
            for e in errors[:50]:
                log.error("  %s", e)
            return None
        self.errors = []
        self.site = site
        if self.adjust is not None:
            self.adjust(site.baseline)
        listed, self._listed = self._listed, listed_statuses(site.baseline)
        events, kept, waiting = site_changes(self.core.state, site.baseline, listed)
        self.kept, self.waiting_status = set(kept), waiting
        if kept:
            log.warning("site import keeps %d people who are on a task until it ends: %s",
                        len(kept), ", ".join(kept[:10]))
        if waiting:
            log.info("site import: %d people get their new status when their task ends", len(waiting))
        if events:
            seqs = self.core.emit(events)
            # logged before we say "imported": a hub stopped right after start keeps its world
            await self.core.wait_committed(seqs[-1])
        self.imports += 1
        for fn in self.on_import:
            fn(site)
        log.info("site %s imported: %d change(s)", self.path, len(events))
        return [t for t, _ in events]

    def _on_event(self, type_: str, body, ts: float, state) -> None:
        """A core listener (called inside `emit`): a task that ended may free someone a re-import left waiting."""
        if (self.kept or self.waiting_status) and type_ in ("task_done", "task_declined", "task_cancelled",
                                                            "resource_removed", "baseline_loaded"):
            if not self._settle_soon:
                self._settle_soon = True
                asyncio.get_running_loop().call_soon(self.settle)  # not inside the emit that called us

    def settle(self) -> list[str]:
        """Emit what waited for a task to end and can happen now; returns the event types."""
        self._settle_soon = False
        events = settled(self.core.state, self.kept, self.waiting_status)
        if events:
            self.core.emit(events)
            log.info("site: %s after a task ended", ", ".join(f"{t} {getattr(b, 'resource', '')}" for t, b in events))
        return [t for t, _ in events]

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.poll_s)
            try:
                now = await loop.run_in_executor(None, fingerprint, self.path)
                if now != self._seen:
                    await self.reload()
                for fn in self.on_look:
                    fn()
            except Exception:
                log.exception("site watch failed")
