"""PROTOCOL.md says what the code does: the parts a client written from it alone depends on."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

import console.protocol
from console.domain.state import State
from console.protocol import messages as m

DOC = Path(console.protocol.__file__).with_name("PROTOCOL.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    """The text of one section, from its heading to the next heading of the same or a higher level."""
    head = re.search(rf"^(#+) {re.escape(title)}\n", DOC, re.M)
    assert head, title
    level = len(head.group(1))
    end = re.compile(rf"^#{{1,{level}}} ", re.M).search(DOC, head.end())
    return DOC[head.end():end.start() if end else len(DOC)]


def _row(section: str, first_cell: str) -> str:
    rows = [line for line in section.splitlines() if line.startswith(f"| {first_cell} |")]
    assert len(rows) == 1, (first_cell, rows)
    return rows[0]


def test_the_version_is_the_one_the_hub_speaks():
    v = m.PROTOCOL_VERSION
    assert DOC.startswith(f"# Duty console protocol, version {v}\n")
    hello = _row(_section("8.1 Session, hub → client (no `seq`)"), "`hello`")
    assert f"`protocol` (={v}" in hello
    assert re.findall(r'"protocol":(\d+)', DOC) == [str(v)]
    assert f"`v` is not {v}" in _row(_section("9. Command results and error codes"), "`version`")
    assert set(re.findall(r'\{"v":(\d+),', DOC)) == {str(v)}


def test_the_result_row_names_every_field_of_a_result():
    result = _row(_section("8.1 Session, hub → client (no `seq`)"), "`result`")
    for field in msgspec.structs.fields(m.Result):
        assert f"`{field.name}`" in result, field.name


def test_section_7_names_every_field_of_the_snapshot_state():
    resume = _section("7. Resume and snapshot")
    for field in msgspec.structs.fields(State):
        assert f"`{field.name}`" in resume, field.name


def test_the_fold_has_a_rule_for_every_event_and_timelines_are_objects():
    fold = _section("8.5 Folding events into state") + _section("8.6 Cases (一办到底)")
    rules = {cell for line in fold.splitlines() if line.startswith("| `")
             for cell in re.findall(r"`([a-z_]+)`", line.split("|")[1])}
    assert set(m.EVENT_BODIES) - rules == set()
    assert "[ts, actor, what, note]" not in fold and "`Transition`" in fold
