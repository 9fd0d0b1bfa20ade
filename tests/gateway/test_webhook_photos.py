"""AI-camera webhook and grid workers' photo reports over real HTTP, arriving in a console's queue."""

import io
import json

from PIL import Image

from console.gateway.app import item_id
from console.site.geo import wgs84_to_gcj02

from tests.gateway.harness import b64, get, jpeg_with_exif, multipart, png_bytes, post, rig, until
from tests.site.sitefolder import lonlat

JSON = "application/json"


def camera_event(**over) -> bytes:
    ev = {"event_id": "nvr-7-000123", "camera": "CAM1", "kind": "crowd_density", "score": 0.91,
          "time": "2025-11-30T08:15:30+08:00",
          "boxes": [{"label": "person", "score": 0.88, "x": 0.1, "y": 0.4, "w": 0.05, "h": 0.15}],
          "snapshot": b64(jpeg_with_exif()), "severity": "critical", "title": "人群密度超阈值 4.2人/㎡"}
    ev.update(over)
    return json.dumps({k: v for k, v in ev.items() if v is not None}, ensure_ascii=False).encode()


async def test_camera_webhook_raises_an_alert_with_its_snapshot(tmp_path):
    async with rig(tmp_path) as r:
        status, _, body = await post(f"{r.url}/webhook/camera", camera_event(), "demo-camera", JSON)
        assert status == 201, body
        aid = item_id("W", "赛道AI分析盒", "nvr-7-000123")
        assert body["alert"] == aid
        await until(lambda: aid in r.replica.state.alerts)
        a = r.replica.state.alerts[aid]
        assert (a.source, a.camera, a.grid, a.x, a.y, a.severity) == ("camera", "CAM1", "G1", 200.0, 800.0, "critical")
        assert [(d.label, d.score) for d in a.detections] == [("person", 0.88)]
        assert a.snapshot == body["snapshot"] and a.snapshot.startswith(f"{r.url}/photos/")
        status, headers, data = await get(a.snapshot)
        assert status == 200 and headers["content-type"] == "image/jpeg"
        exif = Image.open(io.BytesIO(data)).getexif()
        assert 0x010F not in exif and 0x0131 not in exif, "maker and software are stripped"
        assert exif.get_ifd(0x8825)[2] == (29.0, 30.0, 1.5), "the GPS block is kept"
        # again: a duplicate; other mistakes: each a reason
        assert (await post(f"{r.url}/webhook/camera", camera_event(), "demo-camera", JSON))[0] == 409
        cases = [
            (camera_event(event_id="e2", camera="CAM9"), 422, "unknown_camera"),
            (camera_event(event_id="e3", kind="ufo"), 422, "invalid"),
            (camera_event(event_id="e4", score=1.7), 422, "invalid"),
            (camera_event(event_id="e5", time="2025-11-30 08:15:30"), 422, "bad_time"),
            (camera_event(event_id="e6", snapshot="***"), 400, "bad_base64"),
            (camera_event(event_id="e7", snapshot=b64(b"not an image at all")), 400, "bad_image"),
            (camera_event(event_id="e8", extra_field=1), 422, "invalid"),
            (b'{"event_id": "e9"', 400, "bad_json"),
            (json.dumps({"event_id": "e10", "camera": "CAM1"}).encode(), 422, "invalid"),
        ]
        for doc, want_status, want_code in cases:
            status, _, body = await post(f"{r.url}/webhook/camera", doc, "demo-camera", JSON)
            assert (status, body["code"]) == (want_status, want_code), (doc[:60], body)
        _, _, body = await post(f"{r.url}/webhook/camera", json.dumps({"event_id": "e10", "camera": "CAM1"}).encode(),
                                "demo-camera", JSON)
        assert "missing required field" in body["reason"]
        await r.synced()
        assert len(r.replica.state.alerts) == 1, "nothing half-applied"


async def test_photo_report_with_several_photos(tmp_path):
    async with rig(tmp_path) as r:
        lon, lat = lonlat(1500, 300)
        glon, glat = wgs84_to_gcj02(lon, lat)  # the phone's map app gives GCJ-02
        fields = {"report_id": "rpt-0001", "reporter": "网格员 张伟", "kind": "debris",
                  "text": "江滨路护栏旁堆放建筑垃圾，占用人行道", "lon": f"{glon:.9f}", "lat": f"{glat:.9f}",
                  "datum": "GCJ-02", "time": "2025-11-30T09:12:00+08:00"}
        body, ctype = multipart(fields, [("photo", "1.jpg", "image/jpeg", jpeg_with_exif()),
                                         ("photo", "2.png", "image/png", png_bytes())])
        status, _, resp = await post(f"{r.url}/reports", body, "demo-photo", ctype)
        assert status == 201, resp
        assert resp["grid"] == "G2" and len(resp["photos"]) == 2
        aid = item_id("P", "网格员App", "rpt-0001")
        await until(lambda: aid in r.replica.state.alerts)
        a = r.replica.state.alerts[aid]
        assert (a.source, a.kind, a.reporter, a.grid) == ("report", "debris", "网格员 张伟", "G2")
        assert abs(a.x - 1500) <= 0.2 and abs(a.y - 300) <= 0.2, "GCJ-02 converted back to the site's plane"
        urls = a.photo.split(" ")
        assert urls == resp["photos"] and urls[0].endswith(".jpg") and urls[1].endswith(".png")
        _, _, jpg = await get(urls[0])
        exif = Image.open(io.BytesIO(jpg)).getexif()
        assert exif[0x0132] == "2025:11:30 08:01:02" and 0x010F not in exif
        inner = exif.get_ifd(0x8769)
        assert inner[0x9003] == "2025:11:30 08:01:02" and 0x927C not in inner, "time kept, maker note gone"
        _, headers, png = await get(urls[1])
        assert headers["content-type"] == "image/png" and Image.open(io.BytesIO(png)).size == (32, 32)
        # refusals
        bad = dict(fields, report_id="rpt-2")
        cases = [
            (multipart(bad, []), 422, "missing_field"),
            (multipart(bad, [("photo", "x.gif", "image/gif", b"GIF89a" + b"\0" * 20)]), 400, "bad_image"),
            (multipart(dict(bad, lon="116.39", lat="39.9", datum="WGS-84"),
                       [("photo", "1.jpg", "image/jpeg", jpeg_with_exif())]), 422, "outside_site"),
            (multipart({k: v for k, v in bad.items() if k != "reporter"},
                       [("photo", "1.jpg", "image/jpeg", jpeg_with_exif())]), 422, "missing_field"),
            (multipart(bad, [("photo", f"{i}.png", "image/png", png_bytes()) for i in range(7)]), 413, "too_many_photos"),
        ]
        for (doc, ct), want_status, want_code in cases:
            status, _, resp = await post(f"{r.url}/reports", doc, "demo-photo", ct)
            assert (status, resp["code"]) == (want_status, want_code), resp
        status, _, resp = await post(f"{r.url}/reports", b"text=hi", "demo-photo", "application/x-www-form-urlencoded")
        assert (status, resp["code"]) == (415, "unsupported_media_type")
        await r.synced()
        assert list(r.replica.state.alerts) == [aid]


async def test_a_hub_that_is_gone_gives_503(tmp_path):
    async with rig(tmp_path) as r:
        await r.hub.server.stop()
        await until(lambda: not r.gw.link.live.is_set())
        status, headers, body = await post(f"{r.url}/webhook/camera", camera_event(event_id="late"), "demo-camera", JSON)
        assert (status, body["code"]) == (503, "hub_unavailable") and headers["retry-after"] == "5"


async def test_a_crowd_density_webhook_carries_its_measured_density(tmp_path):
    from console.domain.model import CROWD_UNIT

    async with rig(tmp_path) as r:
        status, _, body = await post(f"{r.url}/webhook/camera", camera_event(event_id="d1", density=4.2, snapshot=None),
                                     "demo-camera", JSON)
        assert status == 201, body
        await until(lambda: body["alert"] in r.replica.state.alerts)
        a = r.replica.state.alerts[body["alert"]]
        assert (a.kind, a.value, a.unit) == ("crowd_density", 4.2, CROWD_UNIT)
        for doc in (camera_event(event_id="d2", density=3.0, kind="fall", snapshot=None),
                    camera_event(event_id="d3", density=-1.0, snapshot=None)):
            status, _, body = await post(f"{r.url}/webhook/camera", doc, "demo-camera", JSON)
            assert (status, body["code"]) == (422, "invalid") and "density" in body["reason"]
