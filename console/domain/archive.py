"""Which finished incidents leave the live state, so a long shift does not grow without bound.

A 12-hour duty keeps every open incident and the most recent finished ones on
screen; older finished incidents (with their alerts and tasks) are archived by
an `incidents_archived` event: gone from the hub's and every console's state,
still in the hub's log, in drill recordings and in after-action reports. A closed case
whose follow-up check (举一反三) still waits for a grid's answer stays until it is answered.
"""

from __future__ import annotations

from console.domain.cases import follow_up_progress
from console.domain.model import FINAL_STATUSES, FOLLOW_UP, TASK_FINAL
from console.domain.state import State

#: finished incidents kept in the live state
KEEP_FINISHED = 2_000
#: archiving starts only above this many finished (not on every close)
ARCHIVE_ABOVE = 2_500
#: incident ids per archive event
CHUNK = 5_000


def archivable(state: State, *, keep: int = KEEP_FINISHED, above: int = ARCHIVE_ABOVE) -> list[list[str]]:
    """Ids of the oldest finished incidents beyond `keep`, in chunks; [] while ≤ `above` are finished."""
    tasks = state.tasks
    following = {m.incident for m in state.messages.values()
                 if m.kind == FOLLOW_UP and not follow_up_progress(state, m).done}
    finished = [inc for inc in state.incidents.values()
                if inc.status in FINAL_STATUSES and inc.id not in following
                and all(t.status in TASK_FINAL for tid in inc.tasks if (t := tasks.get(tid)))]
    if len(finished) <= above:
        return []
    finished.sort(key=lambda inc: (inc.closed_at or inc.created_at, inc.id))
    ids = [inc.id for inc in finished[:len(finished) - keep]]
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]
