"""The UI action table and the domain's command table name the same commands, and the window's
keys and the incident's buttons are built from it."""

import dataclasses

from console.domain.commands import BY_CODE, COMMANDS, CommandSpec
from console.ui.actions import table


def test_every_command_has_one_ui_row_and_every_row_a_command():
    assert table.mismatches() == []
    assert {row.code for row in table.ACTIONS} == set(BY_CODE)


def test_a_command_without_a_row_is_named(monkeypatch):
    extra = CommandSpec("cmd.new_thing", None, frozenset({"commander"}), None)
    monkeypatch.setitem(table.BY_CODE, extra.code, extra)
    assert table.mismatches() == ["cmd.new_thing: a command without a UI row"]


def test_a_row_offered_on_the_incident_must_be_an_incident_action(monkeypatch):
    row = dataclasses.replace(table.BY_ACTION["cmd.recall"], surface="incident")
    monkeypatch.setattr(table, "ACTIONS", tuple(row if r.code == "cmd.recall" else r for r in table.ACTIONS))
    assert "cmd.recall: offered on the incident but the domain has no incident check for it" in table.mismatches()


def test_undo_kinds_come_from_the_domain():
    assert table.SENDS_PEOPLE == {"cmd.dispatch", "cmd.activate_plan"}
    assert table.TAKES_OFF_QUEUE <= table.HELD
    assert {s.code for s in COMMANDS if s.undo == "hold"} == table.HELD


def test_the_window_keys_and_the_buttons_are_the_tables(qtbot):
    from PySide6.QtWidgets import QWidget

    from console.ui.shell.shortcuts import WindowShortcuts

    window = QWidget()
    qtbot.addWidget(window)
    shortcuts = WindowShortcuts(window, {name: (lambda: None) for name in table.KEYED})
    try:
        keyed = {sc.name: sc.keys for sc in shortcuts.shortcuts if sc.name in table.KEYED}
        assert keyed == {row.key: row.keys for row in table.ACTIONS if row.key}
        assert keyed["dispatch"] == ("Return", "Enter")
    finally:
        shortcuts.remove()


def test_every_refusal_reason_the_rules_give_has_words():
    import re
    from pathlib import Path

    from console.domain import rules
    from console.ui.common import glossary

    assert set(rules.REFUSAL_REASONS) == set(glossary.REFUSAL_REASONS) - {"busy_by"}  # busy, with its holder
    source = Path(rules.__file__).read_text(encoding="utf-8")
    given = set(re.findall(r'reason="([a-z_]+)"', source))
    assert given and given <= set(rules.REFUSAL_REASONS)
