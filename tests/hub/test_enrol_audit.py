"""Giving a phone access to a person's tasks and position, and taking it back, are in the audit trail."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select

from console.hub.auth import TokenRegistry
from console.protocol import messages as m
from console.store.schema import audit_log
from tests.field.conftest import write_tokens
from tests.hub.harness import Client, running_hub


async def test_enrol_and_revoke_are_audited_with_who_and_whom(tmp_path, tmp_db_url):
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens, field=False)
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(tokens)) as server:
        async with Client.connect(server.url, "cmd-secret") as cmd:
            assert (await cmd.command("field.enrol", m.FieldEnrol(resource="R0002"))).ok
            assert (await cmd.command("field.enrol", m.FieldEnrol(resource="R0002", revoke=True))).ok
        rows = []
        for _ in range(250):  # the committer writes them in its next transaction
            with server.core.store.engine.connect() as conn:
                rows = conn.execute(select(audit_log.c.actor, audit_log.c.role, audit_log.c.action,
                                           audit_log.c.outcome, audit_log.c.detail).order_by(audit_log.c.id)).all()
            if sum(r.action.startswith("field.") for r in rows) == 2:
                break
            await asyncio.sleep(0.02)
        assert server.core.store.verify_audit().ok
    field = [(r.actor, r.action, r.outcome, json.loads(r.detail)) for r in rows if r.action.startswith("field.")]
    assert [(a, act, o, d["resource"]) for a, act, o, d in field] == [
        ("值班长 王敏", "field.enrol", "ok", "R0002"), ("值班长 王敏", "field.revoke", "ok", "R0002")]
    assert field[1][3]["tokens"] == 1
    assert not any("token" in json.dumps(d) and len(str(d.get("token", ""))) > 10 for *_, d in field)
