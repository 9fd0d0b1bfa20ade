"""The command table is the one declaration: permissions, bodies, actions and PROTOCOL.md follow it."""

import re
from pathlib import Path

import pytest

from console.domain import bodies
from console.domain.actions import ACTIONS, available_actions
from console.domain.commands import (
    BY_CODE, COMMAND_BODIES, COMMANDS, PERMISSIONS, check_permitted, decide,
)
from console.domain.rules import ROLES, Actor, CommandRefused
from console.protocol import messages as m

PROTOCOL = Path(__file__).resolve().parents[2] / "console" / "protocol" / "PROTOCOL.md"


def test_each_code_is_declared_once_and_every_role_is_known():
    codes = [spec.code for spec in COMMANDS]
    assert len(codes) == len(set(codes))
    for spec in COMMANDS:
        assert spec.roles <= set(ROLES), spec.code
        assert spec.roles, f"{spec.code}: nobody may send it"


def test_permissions_and_bodies_derive_from_the_table():
    for role in ROLES:
        assert PERMISSIONS[role] == {s.code for s in COMMANDS if role in s.roles}
    assert PERMISSIONS["wall"] == frozenset()
    assert set(COMMAND_BODIES) == {s.code for s in COMMANDS if s.body is not None}
    # the wire decodes every command the table declares, and nothing else is a command
    assert set(m.COMMAND_BODIES) == set(BY_CODE)


def test_incident_actions_are_the_rows_with_an_incident_check():
    assert ACTIONS == tuple(s.code for s in COMMANDS if s.incident_check is not None)
    assert "cmd.recall" not in ACTIONS  # a task action, offered on the task row


def test_protocol_md_lists_every_command_and_each_roles_permissions():
    text = PROTOCOL.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `((?:cmd|ingest)\.[a-z_]+)` \|", text, re.M))
    assert documented == {c for c in COMMAND_BODIES if c.startswith(("cmd.", "ingest."))}
    for role in ROLES:
        row = re.search(rf"^\| `{role}` \|[^|]*\|(.*)\|$", text, re.M)
        assert row, role
        listed = set(re.findall(r"`([a-z]+\.[a-z_]+)`", row.group(1)))
        assert listed == PERMISSIONS[role], role


def test_an_unknown_command_is_refused_by_name():
    with pytest.raises(CommandRefused) as exc:
        decide(None, "cmd.nothing", bodies.CmdIncident(incident="I-1"), Actor("x", "commander"), 0.0)
    assert exc.value.code == "forbidden"


def test_a_wall_and_a_review_are_refused_before_the_role_is_read():
    for mode, code in (("wall", "forbidden"), ("review", "review_only")):
        with pytest.raises(CommandRefused) as exc:
            check_permitted(Actor("x", "commander", mode=mode), "cmd.dispatch")
        assert exc.value.code == code
    check_permitted(Actor("x", "operator", mode="review"), "drill.control")
