"""The hub's plain HTTP beside its websocket: the field page's files, and the token in the query.

Spoken to over a raw socket the way a browser does, against a real hub on loopback.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from console.hub.static import FIELD_DIR
from tests.hub.harness import Client, running_hub


async def get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 GET over a socket: status, headers (lower-case names), body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


async def test_the_page_and_its_files_are_served_on_the_websocket_port(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        status, headers, body = await get(server.port, "/field/")
        assert status == 200 and headers["content-type"].startswith("text/html")
        assert body == (FIELD_DIR / "index.html").read_bytes()
        assert "default-src 'self'" in headers["content-security-policy"]  # no CDN, no third party
        for name in re.findall(r'(?:src|href)="([^"]+)"', body.decode()):
            s, h, b = await get(server.port, f"/field/{name}")
            assert s == 200 and b == (FIELD_DIR / name).read_bytes(), name
        status, headers, _ = await get(server.port, "/")
        assert status == 302 and headers["location"] == "/field/"
        status, _, body = await get(server.port, "/field/config.json")
        assert (status, body) == (200, b'{"origin": null, "gateway": null}')
        # with a gateway the page may post reports there, and nowhere else
        server.pages.gateway = "http://10.0.0.5:8780/"
        status, headers, body = await get(server.port, "/field/config.json")
        assert json.loads(body)["gateway"] == "http://10.0.0.5:8780"
        assert "connect-src 'self' ws: wss: http://10.0.0.5:8780;" in headers["content-security-policy"]


async def test_nothing_outside_the_page_folder_is_served(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        for path in ("/field/../hub/auth.py", "/field/%2e%2e/hub/auth.py", "/field/__init__.py",
                     "/field/nope.js", "/etc/passwd", "/field/.hidden.js"):
            status, _, body = await get(server.port, path)
            assert (status, body) == (404, b"not found\n"), path


async def test_a_token_in_the_handshake_query_is_checked_like_the_header(tmp_db_url):
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    async with running_hub(tmp_db_url) as server:
        async with connect(f"{server.url}/?token=demo-field", proxy=None, compression=None) as ws:
            hello = await asyncio.wait_for(ws.recv(), 10)
            assert '"role":"field"' in hello and '"resource":"R0001"' in hello
        for bad in ("/?token=nope", "/?token=", "/?other=demo-field"):
            try:
                async with connect(f"{server.url}{bad}", proxy=None):
                    raise AssertionError(f"{bad} was let in")
            except InvalidStatus as exc:
                assert exc.response.status_code == 401
        async with Client.connect(server.url, "demo-commander", last_seq=None) as c:  # the header still works
            await c.wait_for(lambda: c.hello is not None)
            assert c.hello.resource is None


def test_the_page_says_the_codes_in_the_consoles_chinese_words():
    """One meaning in one place: words.js must say each kind as the console's glossary does."""
    import json

    from console.ui.common.glossary import INCIDENT_KINDS, RESOURCE_KINDS

    text = (FIELD_DIR / "words.js").read_text(encoding="utf-8")
    for section, words in (("incident_kinds", INCIDENT_KINDS), ("resource_kinds", RESOURCE_KINDS)):
        block = re.search(section + r": \{(.*?)\}", text, re.S).group(1)
        page = json.loads("{" + re.sub(r"(\w+):", r'"\1":', block) + "}")
        assert page == {code: zh for code, (zh, _en) in words.items()}, section


def test_the_page_loads_nothing_from_elsewhere():
    for path in Path(FIELD_DIR).iterdir():
        if path.suffix in (".html", ".css", ".js"):
            assert not re.search(r"https?://", path.read_text(encoding="utf-8")), path.name


def test_the_page_speaks_the_current_protocol_version():
    from console.protocol.messages import PROTOCOL_VERSION

    js = (Path(__file__).resolve().parents[2] / "console" / "field" / "field.js").read_text(encoding="utf-8")
    assert f"const PROTOCOL = {PROTOCOL_VERSION};" in js
    assert "v: 1" not in js and "v: PROTOCOL" in js
