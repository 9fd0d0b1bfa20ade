"""The duty commander's selection, passed on to the walls of the commander's center.

A commander's console says which incident it has selected (`selected`, on change); the hub
keeps the latest per center and sends it at once to the center's walls as `commander_selected`
(a session message: presence, not a logged event, gone when the hub restarts). A wall that
joins later gets the latest after its `live`. When the commander's session ends, the walls are
told that nothing is selected (the name stays: who was on duty last). Who is told is decided
in console/hub/views.py (`follows`).
"""

from __future__ import annotations

from console.hub.views import SELECTING_ROLES, follows
from console.protocol import messages as m
from console.protocol.codec import encode


class CommanderSelections:
    """The latest selection per center (None: the whole district) and who is told of it."""

    def __init__(self, core):
        self.core = core
        #: center → (the commander's principal, the message body)
        self.latest: dict[str | None, tuple[object, m.CommanderSelected]] = {}

    def may_select(self, principal) -> bool:
        """Whether this principal's console reports a selection (the others get `forbidden`)."""
        return principal.role in SELECTING_ROLES

    def selected(self, principal, incident: str | None) -> int:
        """A commander selected `incident` (None: nothing); returns how many walls were told."""
        if incident is not None and incident not in self.core.state.incidents:
            incident = None  # an id the hub does not hold (gone, or never): nothing to follow
        body = m.CommanderSelected(name=principal.name, incident=incident, at=self.core.clock.now())
        self.latest[principal.center] = (principal, body)
        data = encode("commander_selected", body)
        n = 0
        for ch in list(self.core.channels):
            if ch.live and not ch.dropped and follows(ch.principal, principal):
                ch.push(data)
                n += 1
        return n

    def session_closed(self, principal) -> None:
        """A commander's session ended: its walls show their own pick until a desk selects again."""
        kept = self.latest.get(principal.center)
        if kept is not None and kept[0] is principal and kept[1].incident is not None:
            self.selected(principal, None)

    def for_new(self, principal) -> bytes | None:
        """The message a console that just went live gets (None: nothing to tell it)."""
        kept = self.latest.get(principal.center)
        if kept is None or not follows(principal, kept[0]):
            return None
        return encode("commander_selected", kept[1])
