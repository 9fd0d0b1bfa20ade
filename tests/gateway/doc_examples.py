"""The examples of console/protocol/GATEWAY.md, run against a real hub and gateway.

`python -m tests.gateway.doc_examples` prints every example with the response the
real code gives (paste into GATEWAY.md); tests/gateway/test_gateway_doc.py posts
the documented requests again and checks the documented responses.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import tempfile
from pathlib import Path

from console.app.config import HubConfig, marathon_site_dir
from console.app.hub import start_hub
from console.gateway.run import GatewayConfig, start_gateway

from tests.gateway.harness import get, http_call, jpeg_with_exif, multipart, png_bytes

DOC = Path(__file__).resolve().parents[2] / "console" / "protocol" / "GATEWAY.md"
PUBLIC = "http://127.0.0.1:8780"
EXAMPLE = re.compile(
    r"<!-- example (?P<name>\S+): (?P<method>POST|GET) (?P<path>\S+) (?P<token>\S+) (?P<ctype>\S+) -->\n"
    r"```\w*\n(?P<body>.*?)\n```\n+Response `(?P<status>\d+)`:\n+```json\n(?P<response>.*?)\n```", re.S)
_HASH = re.compile(r"[0-9a-f]{64}")


def documented() -> list[dict]:
    """Every example block of GATEWAY.md."""
    return [m.groupdict() for m in EXAMPLE.finditer(DOC.read_text(encoding="utf-8"))]


def _request_body(ex: dict) -> tuple[bytes, str]:
    if ex["ctype"] == "multipart/form-data":
        fields = json.loads(ex["body"])
        return multipart(fields, [("photo", "1.jpg", "image/jpeg", jpeg_with_exif()),
                                  ("photo", "2.png", "image/png", png_bytes())])
    return ex["body"].encode(), ex["ctype"]


def normal(text: str) -> object:
    """A response with photo hashes blanked (they depend on the JPEG encoder's version)."""
    return json.loads(_HASH.sub("<sha256>", text))


async def run_examples(examples: list[dict], tmp: Path) -> list[tuple[int, str]]:
    """(status, response text) of each example, in order, on a fresh hub serving the marathon site."""
    hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp / 'hub.db'}",
                                    site=str(marathon_site_dir()), site_poll_s=0))
    gw = await start_gateway(GatewayConfig(site=str(marathon_site_dir()), hub=hub.url, port=0,
                                           photos=str(tmp / "photos"), public_url=PUBLIC, db=None), wait_live=10)
    out = []
    try:
        for ex in examples:
            if ex["method"] == "GET":
                status, _, data = await get(f"{gw.url}{ex['path']}", ex["token"])
            else:
                body, ctype = _request_body(ex)
                headers = {"Content-Type": ctype, "Authorization": f"Bearer {ex['token']}"}
                status, _, data = await asyncio.to_thread(http_call, "POST", f"{gw.url}{ex['path']}", body, headers)
            out.append((status, data.decode().strip()))
            # the next example may reference this one: wait until the gateway has seen its effect
            for _ in range(200):
                if gw.link.state.seq >= hub.core.state.seq:
                    break
                await asyncio.sleep(0.01)
    finally:
        await gw.stop()
        await hub.stop()
    return out


def main() -> None:
    examples = documented()
    with tempfile.TemporaryDirectory() as tmp:
        results = asyncio.run(run_examples(examples, Path(tmp)))
    for ex, (status, text) in zip(examples, results):
        print(f"--- {ex['name']}: Response `{status}`:\n```json\n{text}\n```\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
