"""A real hub serving the small test site, a real gateway in front of it, a console replica, HTTP helpers."""

from __future__ import annotations

import asyncio
import base64
import http.client
import io
import json
import uuid
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from PIL import Image

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.client.replica import Replica
from console.client.session import Session
from console.gateway.run import GatewayConfig, start_gateway

from tests.site.sitefolder import write_site

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
SENDER = "cq-emergency@example.gov.cn"


def http_call(method: str, url: str, body: bytes = b"", headers: dict | None = None):
    """(status, headers, body) of one request over a real socket."""
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        conn.request(method, u.path + (f"?{u.query}" if u.query else ""), body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


async def post(url: str, body: bytes, token: str | None, content_type: str):
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, hdrs, data = await asyncio.to_thread(http_call, "POST", url, body, headers)
    return status, hdrs, json.loads(data)


async def get(url: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await asyncio.to_thread(http_call, "GET", url, b"", headers)


def cap_xml(identifier: str, *, msg_type: str = "Alert", status: str = "Actual", references: str = "",
            severity: str = "Extreme", urgency: str = "Immediate", certainty: str = "Observed",
            polygon: str | None = "29.5009,106.5210 29.5009,106.5240 29.5036,106.5240 29.5036,106.5210 29.5009,106.5210",
            circle: str | None = None, expires: str | None = "2099-12-31T23:00:00+08:00",
            sent: str = "2025-11-30T08:00:00+08:00", ns: str = CAP_NS, omit: tuple[str, ...] = (),
            headline: str = "江滨路段山体滑坡预警", instruction: str = "立即疏散坡下人员，封闭江滨路") -> bytes:
    """A CAP 1.2 document; the default polygon lies inside grid G1 of the test site."""
    def el(tag, value):
        return "" if tag in omit or value is None else f"<{tag}>{value}</{tag}>"
    area = ""
    if polygon or circle:
        area = f"<area><areaDesc>江滨社区</areaDesc>{el('polygon', polygon)}{el('circle', circle)}</area>"
    info = "" if "info" in omit else (
        f"<info><language>zh-CN</language>{el('category', 'Geo')}{el('event', '地质灾害')}"
        f"{el('urgency', urgency)}{el('severity', severity)}{el('certainty', certainty)}"
        f"{el('expires', expires)}<senderName>重庆市突发事件预警信息发布中心</senderName>"
        f"{el('headline', headline)}<description>持续降雨，江滨路坡体出现裂缝</description>"
        f"{el('instruction', instruction)}{area}</info>")
    refs = el("references", references) if references else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="{ns}">{el("identifier", identifier)}'
            f'{el("sender", SENDER)}{el("sent", sent)}{el("status", status)}{el("msgType", msg_type)}'
            f'{el("scope", "Public")}{refs}{info}</alert>').encode()


def jpeg_with_exif(color=(200, 40, 40)) -> bytes:
    """A JPEG carrying a maker, a maker note, a time and a GPS position."""
    im = Image.new("RGB", (64, 48), color)
    ex = Image.Exif()
    ex[0x010F] = "PhoneMaker"
    ex[0x0131] = "CameraApp 1.0"
    ex[0x0132] = "2025:11:30 08:01:02"
    ex.get_ifd(0x8769).update({0x9003: "2025:11:30 08:01:02", 0x9011: "+08:00", 0x927C: b"serial=123456"})
    ex.get_ifd(0x8825).update({1: "N", 2: (29.0, 30.0, 1.5), 3: "E", 4: (106.0, 31.0, 2.0)})
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=ex.tobytes())
    return buf.getvalue()


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def multipart(fields: dict[str, str], files: list[tuple[str, str, str, bytes]]) -> tuple[bytes, str]:
    """(body, content type) of a form: files as (field, filename, content type, bytes)."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for k, v in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for name, filename, ctype, data in files:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  f"Content-Type: {ctype}\r\n\r\n".encode() + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def until(cond, timeout: float = 10.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not cond():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.01)


class Rig:
    """hub + gateway + a commander's console replica."""

    def __init__(self, hub, gw, session, replica, site):
        self.hub, self.gw, self.session, self.replica, self.site = hub, gw, session, replica, site

    @property
    def url(self) -> str:
        return self.gw.url

    async def synced(self):
        """Wait until the console has everything the hub has."""
        await until(lambda: self.replica.state.seq >= self.hub.core.state.seq
                    and self.gw.link.state.seq >= self.hub.core.state.seq)


@asynccontextmanager
async def rig(tmp_path, *, mode: str = "live", tokens: str | None = None):
    site = write_site(tmp_path / "site")
    hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp_path / 'hub.db'}", site=str(site),
                                    site_poll_s=0, mode=mode))
    gw = await start_gateway(GatewayConfig(site=str(site), hub=hub.url, port=0, tokens=tokens,
                                           photos=str(tmp_path / "photos"),
                                           db=f"sqlite:///{tmp_path / 'gateway.db'}"), wait_live=10)
    replica = Replica()
    session = Session(hub.url, "demo-commander", replica)
    session.start()
    try:
        await asyncio.wait_for(session.live.wait(), 10)
        yield Rig(hub, gw, session, replica, site)
    finally:
        await session.close()
        await gw.stop()
        await hub.stop()
