"""What PROTOCOL.md §6, §9 and §11 promise a third-party client, sent raw over a real websocket.

Each hostile message is written by hand (as a client written from the document
would send it, not through the project's encoder) and the hub's answer is
checked against the document: a refusal names the command whenever its id can
be read, and limits count characters, not the bytes of their escapes.
"""

from __future__ import annotations

import json

from console.protocol import messages as m
from console.protocol.codec import MAX_STRING_CHARS
from tests.hub.harness import Client, running_hub


def _cmd(type_: str, body: dict, id_: str | None, **env) -> str:
    envelope = {"v": 2, "type": type_, **env, "body": body}
    if id_ is not None:
        envelope["id"] = id_
    return json.dumps(envelope)  # ensure_ascii: every non-ASCII character travels as a \\uXXXX escape


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def _alert(text: str) -> dict:
    return {"alert": {"id": "ESC1", "source": "camera", "kind": "smoke", "severity": "warning", "title": "t",
                      "at": 0.0, "x": 100.0, "y": 50.0, "grid": "T1-C01-G1", "town": "T1", "text": text}}


async def test_every_refusal_whose_id_can_be_read_names_it(tmp_db_url):
    hostile = {
        # nesting deeper than 32, the id before the body and after it (JSON objects have no order)
        "deep-before": '{"v":2,"type":"cmd.acknowledge","id":"deep-before","body":{"incident":%s}}' % _deep(1000),
        "deep-after": '{"v":2,"type":"cmd.acknowledge","body":{"incident":"x","zz":%s},"id":"deep-after"}'
                      % _deep(100_000),
        # a string over the codec's limit in a field without its own (an ingested alert's text)
        "long-text": _cmd("ingest.alert", _alert("x" * (MAX_STRING_CHARS + 1)), "long-text"),
        # a string over its field's own limit (a report's text: 4000 characters)
        "report-4001": _cmd("cmd.report", {"kind": "other", "text": "中" * 4001, "x": 0, "y": 0}, "report-4001"),
        # an unknown envelope field, and another protocol version
        "extra-field": '{"v":2,"type":"cmd.acknowledge","id":"extra-field","zz":1,"body":{"incident":"x"}}',
        "old-version": '{"v":1,"type":"cmd.acknowledge","id":"old-version","body":{"incident":"x"}}',
    }
    expected = {"deep-before": ("malformed", "nested"), "deep-after": ("malformed", "nested"),
                "long-text": ("malformed", "exceeds"), "report-4001": ("malformed", "4000"),
                "extra-field": ("malformed", "zz"), "old-version": ("version", "version")}
    unreadable = [
        '{"v":2,"type":"cmd.acknowledge","id":"%s","body":{"incident":"x"}}' % ("i" * 129),  # the id over 128
        '{"v":2,"type":"cmd.acknowledge","id":7,"body":{"incident":"x"}}',  # not a string
        '{"v":2,"type":"cmd.acknowledge","body":{"id":"inner","x":%s}}' % _deep(100),  # an id, but not the envelope's
        'not json at all',
    ]
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-ingest") as c:
            for raw in [*hostile.values(), *unreadable]:
                await c.ws.send(raw)
            total = len(hostile) + len(unreadable)
            await c.wait_for(lambda: len(c.errors) >= total)
            # the session goes on
            assert (await c.command("cmd.report", m.CmdReport(kind="other", text="ok", x=0, y=0))).ok
        by_id = {i: e for i, e in zip(c.error_ids, c.errors) if i is not None}
        assert set(by_id) == set(hostile), by_id
        for command_id, (code, word) in expected.items():
            error = by_id[command_id]
            assert (error.code, error.ref) == (code, command_id), error
            assert word in error.reason, error
        nameless = [e for i, e in zip(c.error_ids, c.errors) if i is None]
        assert len(nameless) == len(unreadable) and all(e.ref is None and e.code == "malformed" for e in nameless)


async def test_limits_count_characters_not_the_bytes_of_their_escapes(tmp_db_url):
    # 2,800 Chinese characters as \\uXXXX escapes are 16,800 bytes on the wire: under the report
    # text's 4,000-character limit, and under the codec's 16,384 characters too.
    text = "路面塌陷请支援" * 400
    assert len(text) == 2800
    raw = _cmd("cmd.report", {"kind": "other", "text": text, "x": 0, "y": 0}, "zh-escaped")
    assert len(raw) > 16_800
    long_alert = "警" * MAX_STRING_CHARS  # exactly at the codec's limit, escaped: 98,304 bytes
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-ingest") as c:
            await c.ws.send(raw)
            await c.ws.send(_cmd("ingest.alert", _alert(long_alert), "at-limit"))
            await c.wait_for(lambda: {"zh-escaped", "at-limit"} <= set(c.results) or c.errors)
        assert not c.errors, c.errors
        assert c.results["zh-escaped"].ok and c.results["at-limit"].ok
        state = server.core.state
        report = next(a for a in state.alerts.values() if a.source == "report")
        assert report.text == text
        assert state.alerts["ESC1"].text == long_alert


async def test_hello_names_the_protocol_version_of_the_envelope(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-commander") as c:
            assert c.hello.protocol == m.PROTOCOL_VERSION == 2
