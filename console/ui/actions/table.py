"""One UI row per command of `console/domain/commands.py`: where it is offered, its key, what it asks.

The domain's table says what a command is and who may send it; this one says how
the desk offers it. Both are checked against each other when this module loads:
a command without a row here, or a row without a command, is an error at import
(and in tests/ui/test_action_table.py), so a forgotten one cannot fail silently.
The words (button text, key help, toast) are in `console/ui/actions/words.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from console.domain.commands import BY_CODE, COMMANDS

#: where a command is offered: the incident's actions (bar and keys), a task row, or elsewhere
#: (the field page, an alert source, the drill bar, the roster's enrol menu)
Surface = Literal["incident", "task", "elsewhere"]
#: what the desk asks before it acts:
#: "none" — nothing; "note" — an optional comment; "note_required" — a note it cannot go without;
#: "reason" — a pick list of reasons (false alarm on a warning or critical); "person" — who to send
#: (the best recommendation unless named); "plan" — the kind's plan; "town" — which town (a menu);
#: "grids" — which grids a broadcast goes to
Ask = Literal["none", "note", "note_required", "reason", "person", "plan", "town", "grids"]


@dataclass(slots=True, frozen=True)
class UiAction:
    """How the desk offers one command.

    `key`: the window-wide shortcut's name (its keys in `keys`); `button`: (row, column,
    column span, style role) in the incident's actions bar, None when it has no button
    there; `off_queue`: while held for its undo window, the incident leaves the queue.
    """

    code: str
    surface: Surface
    ask: Ask = "none"
    key: str | None = None
    keys: tuple[str, ...] = ()
    button: tuple[int, int, int, str] | None = None
    off_queue: bool = False
    #: answers to an offer: the button shows only while there is one to answer
    only_when_live: bool = False


ACTIONS: tuple[UiAction, ...] = (
    UiAction("cmd.acknowledge", "incident", "note", "acknowledge", ("A",), (0, 0, 1, "")),
    UiAction("cmd.dispatch", "incident", "person", "dispatch", ("Return", "Enter"), (0, 1, 1, "primary")),
    UiAction("cmd.activate_plan", "incident", "plan", "plan", ("P",), (1, 0, 1, "primary")),
    UiAction("cmd.escalate", "incident", "note_required", "escalate", ("E",), (1, 1, 1, "")),
    UiAction("cmd.request_cooperation", "incident", "town", button=(2, 0, 1, "")),
    UiAction("cmd.close", "incident", button=(2, 1, 1, ""), off_queue=True),
    UiAction("cmd.accept_handoff", "incident", button=(3, 0, 1, "primary"), only_when_live=True),
    UiAction("cmd.decline_handoff", "incident", button=(3, 1, 1, ""), only_when_live=True),
    UiAction("cmd.resolve", "incident", button=(4, 0, 1, ""), off_queue=True),
    UiAction("cmd.false_alarm", "incident", "reason", "false_alarm", ("F",), (4, 1, 1, "danger"), off_queue=True),
    # from a closed case (举一反三): the broadcast dialog, its scope the case's grid's tags
    UiAction("cmd.follow_up", "incident", "grids", button=(7, 0, 2, "primary"), only_when_live=True),
    # the longest label gets a row of its own: beside another button it made the pane
    # wider than its dock in English (482 px of buttons in a 400 px column)
    UiAction("cmd.broadcast", "incident", "grids", button=(5, 0, 2, "")),
    # a drill's own end (演练): shown only on a drill's incident
    UiAction("cmd.end_drill", "incident", button=(6, 0, 2, "danger"), off_queue=True, only_when_live=True),
    UiAction("cmd.start_drill", "elsewhere"),  # the district's drills pane
    UiAction("cmd.merge", "elsewhere"),  # two incidents: the queue's context menu
    UiAction("cmd.cancel_task", "task"),  # the undo of a dispatch
    UiAction("cmd.recall", "task", "note_required"),
    # a case's steps (一办到底): the field page and the incident pane's case card (ActionFlow.case_action)
    UiAction("cmd.case_handled", "elsewhere", "note"),
    UiAction("cmd.verify", "elsewhere", "note"),
    UiAction("cmd.return", "elsewhere", "reason"),
    UiAction("cmd.request_extension", "elsewhere", "note_required"),
    UiAction("cmd.approve_extension", "elsewhere", "note"),
    UiAction("cmd.suspend", "elsewhere", "reason"),
    UiAction("cmd.resume", "elsewhere"),
    UiAction("cmd.task_update", "elsewhere"),  # the field page
    UiAction("cmd.acknowledge_broadcast", "elsewhere"),  # the field page's 收到
    UiAction("cmd.report", "elsewhere"),  # the field page and the gateway
    UiAction("ingest.alert", "elsewhere"),
    UiAction("ingest.alert_update", "elsewhere"),
    UiAction("ingest.positions", "elsewhere"),
    UiAction("ingest.camera_status", "elsewhere"),
    UiAction("drill.control", "elsewhere"),  # the drill bar
    UiAction("field.enrol", "elsewhere"),  # the roster's menu
)

#: command type → its row
BY_ACTION: dict[str, UiAction] = {row.code: row for row in ACTIONS}
#: commands that send people: sent at once, undone by cancelling the tasks they made
SENDS_PEOPLE = frozenset(spec.code for spec in COMMANDS if spec.undo == "inverse")
#: commands held on the desk for the undo window before they are sent
HELD = frozenset(spec.code for spec in COMMANDS if spec.undo == "hold")
#: held commands that take the incident off the queue while they wait
TAKES_OFF_QUEUE = frozenset(row.code for row in ACTIONS if row.off_queue)
#: the incident actions with a window-wide key: shortcut name → command type
KEYED: dict[str, str] = {row.key: row.code for row in ACTIONS if row.key}


def mismatches() -> list[str]:
    """What differs between this table and the domain's (empty when they agree)."""
    out = [f"{code}: a command without a UI row" for code in BY_CODE if code not in BY_ACTION]
    out += [f"{code}: a UI row without a command" for code in BY_ACTION if code not in BY_CODE]
    if len(BY_ACTION) != len(ACTIONS):
        out.append("a command has two UI rows")
    for row in ACTIONS:
        spec = BY_CODE.get(row.code)
        if spec is None:
            continue
        if row.surface == "incident" and spec.incident_check is None:
            out.append(f"{row.code}: offered on the incident but the domain has no incident check for it")
        if row.key and row.surface != "incident":
            out.append(f"{row.code}: a window key acts on the incident in focus, so only an incident action has one")
        if row.off_queue and spec.undo != "hold":
            out.append(f"{row.code}: only a held command can take its incident off the queue")
    return out


_PROBLEMS = mismatches()
if _PROBLEMS:
    raise ImportError("the UI action table and console/domain/commands.py disagree: " + "; ".join(_PROBLEMS))
