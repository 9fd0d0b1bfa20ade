"""Real-world and hostile inputs to the gateway over a real socket: each gets a clear answer with its reason."""

import asyncio
import http.client
import json
import re
import socket

from console.gateway.cap import cap_alert_id
from console.gateway.sizes import CUT_MARK, encoded_len
from console.protocol.codec import MAX_STRING_BYTES

from tests.gateway.harness import SENDER, cap_xml, jpeg_with_exif, multipart, post, rig, until
from tests.gateway.test_webhook_photos import camera_event
from tests.site.sitefolder import lonlat

XML = "application/xml"
_AREA = re.compile(rb"<area>.*?</area>", re.S)
GEOCODE = "<geocode><valueName>GB/T 2260</valueName><value>500108</value></geocode>"


def with_areas(doc: bytes, areas: str) -> bytes:
    """The document with its <area> replaced by these (XML text)."""
    return _AREA.sub(areas.encode(), doc, count=1)


async def test_areas_without_shapes_are_refused_or_placed_by_their_other_areas(tmp_path):
    async with rig(tmp_path) as r:
        url = f"{r.url}/cap"
        # only an areaDesc (and a geocode): cannot be placed, said so, nothing raised
        only_desc = with_areas(cap_xml("A_1"), f"<area><areaDesc>南岸区全境</areaDesc>{GEOCODE}</area>")
        status, _, body = await post(url, only_desc, "demo-cap", XML)
        assert (status, body["code"]) == (422, "missing_field"), body
        assert "南岸区全境" in body["reason"] and "polygon or a circle" in body["reason"]
        # a multi-area forest-fire warning: a described area first, then one with a polygon → placed by the polygon
        poly = "29.5009,106.5210 29.5009,106.5240 29.5036,106.5240 29.5036,106.5210 29.5009,106.5210"
        multi = with_areas(cap_xml("A_2"), f"<area><areaDesc>南山林区</areaDesc>{GEOCODE}</area>"
                                           f"<area><areaDesc>江滨社区</areaDesc><polygon>{poly}</polygon></area>")
        status, _, body = await post(url, multi, "demo-cap", XML)
        assert status == 201 and body["grid"] == "G1", body
        await until(lambda: body["alert"] in r.replica.state.alerts)
        assert "区域: 南山林区、江滨社区" in r.replica.state.alerts[body["alert"]].text
        # an Update with only an areaDesc keeps its incident's place
        ref = f"{SENDER},A_2,2025-11-30T08:00:00+08:00"
        update = with_areas(cap_xml("A_3", msg_type="Update", references=ref, severity="Moderate"),
                            "<area><areaDesc>南山林区</areaDesc></area>")
        status, _, body2 = await post(url, update, "demo-cap", XML)
        assert status == 201 and body2["incident"] == body["incident"] and body2["grid"] == "G1", body2


def _declared(doc: bytes, encoding: str, codec: str, swap: dict[str, str] | None = None) -> bytes:
    text = doc.decode("utf-8").replace('encoding="UTF-8"', f'encoding="{encoding}"')
    for a, b in (swap or {}).items():
        text = text.replace(a, b)
    return text.encode(codec)


async def test_documents_in_chinese_legacy_encodings_are_decoded(tmp_path):
    async with rig(tmp_path) as r:
        url = f"{r.url}/cap"
        traditional = {"江滨路段山体滑坡预警": "江濱路段山體滑坡預警", "江滨社区": "江濱社區",
                       "持续降雨，江滨路坡体出现裂缝": "持續降雨，江濱路坡體出現裂縫",
                       "立即疏散坡下人员，封闭江滨路": "立即疏散坡下人員，封閉江濱路",
                       "重庆市突发事件预警信息发布中心": "重慶市突發事件預警信息發佈中心", "地质灾害": "地質災害"}
        cases = [("GB18030", "gb18030", None, "江滨路段山体滑坡预警"), ("GBK", "gbk", None, "江滨路段山体滑坡预警"),
                 ("GB2312", "gb2312", None, "江滨路段山体滑坡预警"), ("Big5", "big5", traditional, "江濱路段山體滑坡預警")]
        for i, (encoding, codec, swap, headline) in enumerate(cases):
            doc = _declared(cap_xml(f"ENC_{i}"), encoding, codec, swap)
            status, _, body = await post(url, doc, "demo-cap", XML)
            assert status == 201, (encoding, body)
            await until(lambda: body["alert"] in r.replica.state.alerts)
            alert = r.replica.state.alerts[body["alert"]]
            assert alert.title == headline and alert.text.startswith(headline), encoding
        # a byte that is not GB18030: refused with where it is
        bad = _declared(cap_xml("ENC_BAD"), "GB18030", "gb18030").replace("江滨社区".encode("gb18030"), b"\x81\x20")
        status, _, body = await post(url, bad, "demo-cap", XML)
        assert (status, body["code"]) == (400, "bad_encoding") and "line 2" in body["reason"], body
        status, _, body = await post(url, _declared(cap_xml("ENC_X"), "klingon", "utf-8"), "demo-cap", XML)
        assert (status, body["code"]) == (400, "bad_encoding") and "klingon" in body["reason"], body


async def test_scales_outside_caps_lists_are_refused_naming_the_field(tmp_path):
    async with rig(tmp_path) as r:
        for field, kwargs in (("severity", {"severity": "Catastrophic"}), ("urgency", {"urgency": "Now"}),
                              ("certainty", {"certainty": "Very Likely"})):
            status, _, body = await post(f"{r.url}/cap", cap_xml(f"S_{field}", **kwargs), "demo-cap", XML)
            assert (status, body["code"]) == (422, "invalid"), body
            assert body["reason"].startswith(f"info {field} ") and "CAP 1.2" in body["reason"]
        assert not r.replica.state.alerts


async def test_texts_longer_than_the_hub_takes(tmp_path):
    async with rig(tmp_path) as r:
        # a CAP warning is raised with its text cut to fit, and says how much was cut
        long_desc = "持续降雨导致江滨路坡体多处出现裂缝。" * 400  # 7,200 characters, ~21 KB
        doc = cap_xml("LONG_1").replace("持续降雨，江滨路坡体出现裂缝".encode(), long_desc.encode())
        status, _, body = await post(f"{r.url}/cap", doc, "demo-cap", XML)
        assert status == 201 and body["text_cut"] > 0, body
        await until(lambda: body["alert"] in r.replica.state.alerts)
        text = r.replica.state.alerts[body["alert"]].text
        assert text.endswith(CUT_MARK) and encoded_len(text) <= MAX_STRING_BYTES
        # a webhook's or a report's own text: refused 413 naming the field, not a 504 after a wait
        status, _, body = await post(f"{r.url}/webhook/camera", camera_event(event_id="long", text="人" * 6000),
                                     "demo-camera", "application/json")
        assert (status, body["code"]) == (413, "too_large") and body["reason"].startswith("text is "), body
        lon, lat = lonlat(500, 500)
        form, ctype = multipart({"report_id": "long", "reporter": "张伟", "kind": "debris", "text": "垃" * 6000,
                                 "lon": str(lon), "lat": str(lat)}, [("photo", "1.jpg", "image/jpeg", jpeg_with_exif())])
        status, _, body = await post(f"{r.url}/reports", form, "demo-photo", ctype)
        assert (status, body["code"]) == (413, "too_large") and body["reason"].startswith("text is "), body
        await r.synced()
        assert len(r.replica.state.alerts) == 1


def raw_exchange(port: int, data: bytes, timeout: float = 8.0) -> bytes:
    """Send raw bytes, read until the server closes (or `timeout` with nothing more)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


def parse_answer(raw: bytes) -> tuple[int, dict]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body)


async def test_malformed_http_is_answered_at_once_with_a_reason(tmp_path):
    async with rig(tmp_path) as r:
        port = r.gw.gateway.http.port
        doc = cap_xml("H_1")
        two = (b"POST /cap HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer demo-cap\r\nContent-Type: application/xml\r\n"
               b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(doc), len(doc))) + doc
        # the socket's timeout (8 s) is far below the old 30 s wait: an answer means it came at once
        status, body = parse_answer(await asyncio.to_thread(raw_exchange, port, two))
        assert (status, body["code"]) == (400, "bad_request") and "Content-Length" in body["reason"], body
        long_header = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Junk: " + b"a" * 20000 + b"\r\n\r\n"
        status, body = parse_answer(await asyncio.to_thread(raw_exchange, port, long_header))
        assert (status, body["code"]) == (431, "headers_too_large"), body
        chunked = (b"POST /cap HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer demo-cap\r\nContent-Type: application/xml\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n5\r\n<a/>\n\r\n0\r\n\r\n")
        status, body = parse_answer(await asyncio.to_thread(raw_exchange, port, chunked))
        assert (status, body["code"]) == (411, "length_required"), body
        no_length = b"POST /cap HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer demo-cap\r\n\r\n"
        status, body = parse_answer(await asyncio.to_thread(raw_exchange, port, no_length))
        assert (status, body["code"]) == (411, "length_required"), body
        # the gateway still serves, and every unreadable head was counted
        status, _, body = await post(f"{r.url}/cap", doc, "demo-cap", XML)
        assert status == 201, body
        assert r.gw.gateway.counters["?|?|bad_request"] == 1 and r.gw.gateway.counters["?|?|headers_too_large"] == 1


async def test_bodies_held_in_memory_share_one_budget_and_files_are_spooled_and_removed(tmp_path):
    async with rig(tmp_path) as r:
        budget = r.gw.gateway.http.budget
        budget.wait_s = 0.3
        async with budget.hold(budget.limit):  # every byte of the budget held by other requests
            status, headers, body = await post(f"{r.url}/cap", cap_xml("B_1"), "demo-cap", XML)
            assert (status, body["code"]) == (503, "busy") and headers["retry-after"] == "2", body
        status, _, body = await post(f"{r.url}/cap", cap_xml("B_1"), "demo-cap", XML)
        assert status == 201 and budget.held == 0, body
        # a photo over its cap is refused while it arrives; nothing stays in the spool folder
        lon, lat = lonlat(500, 500)
        form, ctype = multipart({"report_id": "big", "reporter": "张伟", "kind": "debris", "text": "大图",
                                 "lon": str(lon), "lat": str(lat)},
                                [("photo", "big.jpg", "image/jpeg", jpeg_with_exif() + b"\0" * (5 << 20))])
        status, _, body = await post(f"{r.url}/reports", form, "demo-photo", ctype)
        assert (status, body["code"]) == (413, "too_large") and "'big.jpg'" in body["reason"], body
        assert list(r.gw.gateway.spool.iterdir()) == []

        # keep-alive: two answers on one connection
        def two_on_one() -> list[int]:
            conn = http.client.HTTPConnection("127.0.0.1", r.gw.gateway.http.port, timeout=10)
            try:
                out = []
                for _ in range(2):
                    conn.request("GET", "/healthz")
                    resp = conn.getresponse()
                    resp.read()
                    out.append((resp.status, resp.getheader("Connection")))
                return out
            finally:
                conn.close()

        assert await asyncio.to_thread(two_on_one) == [(200, None), (200, None)]


async def test_expect_continue_admits_before_the_body_is_sent(tmp_path):
    async with rig(tmp_path) as r:
        port, doc = r.gw.gateway.http.port, cap_xml("EX_C")

        def post_expecting(token: bytes) -> bytes:
            with socket.create_connection(("127.0.0.1", port), timeout=8) as s:
                s.sendall(b"POST /cap HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/xml\r\n"
                          b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % (token, len(doc)))
                first = s.recv(65536)
                if first.startswith(b"HTTP/1.1 100 "):
                    s.sendall(doc)
                    while b'"seqs"' not in first:
                        first += s.recv(65536)
                return first

        # an unknown token is refused before the body is sent; a known one is told to go on, then answered
        refused = await asyncio.to_thread(post_expecting, b"nobody")
        assert parse_answer(refused) == (401, {"ok": False, "code": "unauthorized",
                                               "reason": "missing or unknown bearer token"})
        taken = await asyncio.to_thread(post_expecting, b"demo-cap")
        assert taken.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 "), taken[:80]


async def test_slow_clients_do_not_hold_the_gateway(tmp_path):
    """Slowloris: many connections trickling a head; others are served meanwhile, and each slow one is closed."""
    async with rig(tmp_path) as r:
        port = r.gw.gateway.http.port
        slow = []
        for i in range(100):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /cap HTTP/1.1\r\nHost: x\r\nX-Slow-%d: " % i)
            slow.append((reader, writer))
        status, _, body = await post(f"{r.url}/cap", cap_xml("SLOW_1"), "demo-cap", XML)
        assert status == 201, body
        for _, writer in slow:  # one more byte each: they are still "sending"
            writer.write(b"a")
        # the head deadline (10 s) closes every one of them: each read ends without an answer
        ends = await asyncio.wait_for(asyncio.gather(*(reader.read() for reader, _ in slow)), 30)
        assert ends == [b""] * 100
        for _, writer in slow:
            writer.close()
