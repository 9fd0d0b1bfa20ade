"""The incident pane shows an alert's snapshot and a report's photos as pictures, and exports verified evidence.

A real hub serving the test site, a real gateway in front of it, a console
session; an AI camera and a grid worker post over HTTP as they would. The pane
fetches the gateway's stored images itself, off the GUI thread.
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import threading
import zipfile

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from console.cli import main as cli
from console.client.controller import Controller
from console.gateway.app import item_id
from console.ui.common import glossary
from console.ui.common.i18n import current_lang, install_translator
from console.ui.panes.incident.widget import IncidentPane
from console.ui.shell.selection import Selection
from console.video.evidence import verify_bundle
from tests.gateway.harness import multipart, post, rig, until
from tests.gateway.test_webhook_photos import camera_event, b64
from tests.site.sitefolder import lonlat

pytestmark = pytest.mark.ui


@pytest.fixture(autouse=True)
def chinese(qapp):
    """The export is in the session's language: this session reads Chinese."""
    install_translator(qapp, "zh_CN")
    yield
    install_translator(qapp, "en")


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread():
    gc.collect()
    yield
    gc.collect()


def jpeg(size, color) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def png(size, color) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def color_of(image) -> tuple[int, int, int]:
    c = image.pixelColor(image.width() // 2, image.height() // 2)
    return c.red(), c.green(), c.blue()


def near(a, b, tol=12) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b))


async def _pane(r, qtbot, tmp_path):
    pane = IncidentPane(r.replica, Controller(r.replica, r.session), Selection())
    pane.evidence.export_dir = tmp_path / "exports"
    qtbot.addWidget(pane)
    pane.resize(560, 1000)
    pane.show()
    return pane


async def test_photos_and_snapshot_show_as_pictures_and_the_export_verifies(qtbot, tmp_path):
    async with rig(tmp_path) as r:
        x, y = 1500, 300
        lon, lat = lonlat(x, y)
        fields = {"report_id": "rpt-77", "reporter": "网格员 李娜", "kind": "debris", "text": "护栏旁堆放建筑垃圾",
                  "lon": f"{lon:.9f}", "lat": f"{lat:.9f}", "datum": "WGS-84", "time": "2025-11-30T09:12:00+08:00"}
        body, ctype = multipart(fields, [("photo", "1.jpg", "image/jpeg", jpeg((400, 300), (200, 40, 40))),
                                         ("photo", "2.png", "image/png", png((120, 160), (20, 120, 210)))])
        status, _, resp = await post(f"{r.url}/reports", body, "demo-photo", ctype)
        assert status == 201, resp
        report = item_id("P", "网格员App", "rpt-77")
        status, _, resp = await post(f"{r.url}/webhook/camera",
                                     camera_event(snapshot=b64(jpeg((640, 360), (30, 180, 60)))), "demo-camera",
                                     "application/json")
        assert status == 201, resp
        camera_alert = resp["alert"]
        await until(lambda: report in r.replica.state.alerts and camera_alert in r.replica.state.alerts)
        pane = await _pane(r, qtbot, tmp_path)
        pane.refresh(r.replica.take_changes())

        gui = threading.current_thread()
        fetched_on = []
        real_run = pane.evidence.loader._run
        pane.evidence.loader._run = lambda *a: (fetched_on.append(threading.current_thread()), real_run(*a))

        # the photo report: two thumbnails, the pictures the worker sent, not text
        pane.show_incident(f"I-{report}")
        ev = pane.evidence
        assert [t.caption for t in ev.thumbs] == ["现场照片 1", "现场照片 2"]
        await until(lambda: all(t.image is not None for t in ev.thumbs), timeout=10)
        assert fetched_on and all(t is not gui for t in fetched_on), "fetched and decoded off the GUI thread"
        red, blue = (t.image for t in ev.thumbs)
        assert (red.width(), red.height(), blue.width(), blue.height()) == (400, 300, 120, 160)
        assert near(color_of(red), (200, 40, 40)) and near(color_of(blue), (20, 120, 210))
        assert not ev.thumbs[0].pixmap().isNull() and ev.thumbs[0].pixmap().width() <= ev.thumbs[0].width()
        assert "snap://" not in pane.header.text_label.text()

        # a click enlarges the photo
        QTest.mouseClick(ev.thumbs[1], Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
        assert ev.viewer is not None and ev.viewer.isVisible()
        big = ev.viewer.picture.pixmap()
        assert (big.width(), big.height()) == (120, 160)
        ev.viewer.close()

        # the camera alert: its snapshot and the detections
        pane.show_incident(f"I-{camera_alert}")
        assert [t.caption for t in ev.thumbs] == ["告警抓图"]
        await until(lambda: ev.thumbs[0].image is not None, timeout=10)
        assert (ev.thumbs[0].image.width(), ev.thumbs[0].image.height()) == (640, 360)
        assert near(color_of(ev.thumbs[0].image), (30, 180, 60))
        assert "person 88%" in ev.detections.text()

        # export the photo report: a zip that verifies, in Chinese, with the photos and the timeline
        pane.show_incident(f"I-{report}")
        done = asyncio.get_running_loop().create_future()
        ev.sig_exported.connect(lambda path, reason: done.done() or done.set_result((path, reason)))
        QTest.mouseClick(ev.export_button, Qt.MouseButton.LeftButton)
        path, reason = await asyncio.wait_for(done, 20)
        assert reason == "" and path.endswith(".zip") and f"I-{report}" in path
        assert ev.status.text().startswith("证据包已导出并校验")
        assert verify_bundle(path) == []
        with zipfile.ZipFile(path) as z:
            names = sorted(z.namelist())
            assert names == ["index.html", "manifest.json", f"photos/{report}-1.jpg", f"photos/{report}-2.png",
                             "timeline.json"]
            data = json.loads(z.read("timeline.json"))
            page = z.read("index.html").decode("utf-8")
            photo = Image.open(io.BytesIO(z.read(f"photos/{report}-1.jpg")))
            assert photo.size == (400, 300) and 0x010F not in photo.getexif()
        assert data["incident"]["id"] == f"I-{report}" and data["alerts"][0]["kind"] == "debris"
        assert data["files"][report]["photos"] == [f"photos/{report}-1.jpg", f"photos/{report}-2.png"]
        assert [s["what"] for s in data["incident"]["timeline"]][:1] == ["raised"], "codes, not words"
        assert "事件证据包" in page and "时间线" in page and "现场照片 1" in page and "网格员 李娜" in page
        assert f'src="photos/{report}-1.jpg"' in page and "<script" not in page

        # the CLI: verifies; a changed photo fails, named
        assert cli(["evidence", "verify", path]) == 0
        with zipfile.ZipFile(path) as z:
            members = {n: z.read(n) for n in z.namelist()}
        members[f"photos/{report}-2.png"] = png((120, 160), (21, 120, 210))
        tampered = tmp_path / "tampered.zip"
        with zipfile.ZipFile(tampered, "w") as z:
            for n, d in members.items():
                z.writestr(n, d)
        assert verify_bundle(tampered) == [f"changed: photos/{report}-2.png"]
        assert cli(["evidence", "verify", str(tampered)]) == 1
        pane.evidence.close_workers()


async def test_a_picture_that_cannot_be_fetched_says_so_and_loses_nothing(qtbot, tmp_path):
    async with rig(tmp_path) as r:
        status, _, resp = await post(f"{r.url}/webhook/camera",
                                     camera_event(snapshot=None, snapshot_url="http://127.0.0.1:9/gone.jpg"),
                                     "demo-camera", "application/json")
        assert status == 201, resp
        await until(lambda: resp["alert"] in r.replica.state.alerts)
        pane = await _pane(r, qtbot, tmp_path)
        pane.refresh(r.replica.take_changes())
        pane.show_incident(f"I-{resp['alert']}")
        thumb = pane.evidence.thumbs[0]
        await until(lambda: "图像无法加载" in thumb.text(), timeout=10)
        assert thumb.image is None and thumb.toolTip()
        # the export still happens, naming what it could not fetch
        done = asyncio.get_running_loop().create_future()
        pane.evidence.sig_exported.connect(lambda p, why: done.done() or done.set_result((p, why)))
        pane.evidence.export()
        path, why = await asyncio.wait_for(done, 20)
        assert why == "" and verify_bundle(path) == []
        with zipfile.ZipFile(path) as z:
            missing = json.loads(z.read("timeline.json"))["missing"]
        assert [(m["kind"], m["ref"]) for m in missing] == [("snapshot", "http://127.0.0.1:9/gone.jpg")]
        pane.evidence.close_workers()


@pytest.fixture
def rtsp_camera():
    from tests.video.servers import RtspServer, gst_rtsp_available

    if not gst_rtsp_available():
        pytest.skip("GStreamer's RTSP server is not installed")
    srv = RtspServer().start()
    yield srv
    srv.stop()


def test_a_camera_alert_keeps_its_own_snapshot_and_clip_from_the_ring_and_exports_them(qtbot, tmp_path, rtsp_camera):
    """`snap://` alerts (the synthetic world, cameras that send no image): the console keeps the picture itself."""
    import time
    import types

    from console.video.evidence import read_clip_times
    from console.video.pool import DecodePool
    from console.video.sources import StreamSources, Want
    from tests.ui.world import World

    world = World()
    link = world.replica.link
    link.clock, link.clock_wall, link.clock_rate = time.time(), time.time(), 1.0  # live: hub time = wall time
    pool = DecodePool(workers=1)
    sources = StreamSources(pool)
    pane = IncidentPane(world.replica, world.controller, world.selection,
                        frames=types.SimpleNamespace(streams=sources))
    ev = pane.evidence
    ev.keeper.root = tmp_path / "kept"
    ev.export_dir = tmp_path / "exports"
    qtbot.addWidget(pane)
    pane.resize(560, 1000)
    pane.show()
    try:
        # the camera wall pulls an alerting camera's sub-stream into its ring (packets, no decoding)
        sources.watch({"CAM1": Want(rtsp_camera.url, decode=False)})
        qtbot.waitUntil(lambda: bool((c := sources.clip("CAM1")) is not None and c.packets and c.end - c.start >= 3.0),
                        timeout=20_000)
        at = sources.clip("CAM1").start + 1.5
        iid = world.raise_alert(5, at=at, camera="CAM1")
        pane.refresh(world.replica.take_changes())
        pane.show_incident(iid)
        assert world.replica.state.alerts["A00005"].snapshot.startswith("snap://")
        thumb = ev.thumbs[0]
        assert thumb.caption == "告警抓图"
        qtbot.waitUntil(lambda: (pane.refresh(world.replica.take_changes()), ev.thumbs[0].image is not None)[1],
                        timeout=10_000)
        image = ev.thumbs[0].image
        assert (image.width(), image.height()) == (640, 360), "the full picture, not the tile's"
        with qtbot.waitSignal(ev.sig_exported, timeout=30_000) as sig:
            QTest.mouseClick(ev.export_button, Qt.MouseButton.LeftButton)
        path, reason = sig.args
        assert reason == "" and verify_bundle(path) == []
        with zipfile.ZipFile(path) as z:
            assert {"clips/A00005.mkv", "snapshots/A00005.jpg"} <= set(z.namelist())
            (tmp_path / "clip.mkv").write_bytes(z.read("clips/A00005.mkv"))
            span = json.loads(z.read("timeline.json"))["files"]["A00005"]["clip_span"]
        start, times = read_clip_times(tmp_path / "clip.mkv")
        assert span == pytest.approx([times[0], times[-1]], abs=0.002)
        assert times[0] >= at - 10.0 - 0.01 and times[-1] <= at + 20.0 and any(abs(t - at) < 0.2 for t in times)
    finally:
        ev.close_workers()
        sources.close(join_timeout=5)
        pool.close()


def test_a_review_says_it_keeps_no_snapshot_instead_of_keeping_one(qtbot):
    """A review has no camera to keep a picture from: the pane says so, never "keeping a picture…"."""
    from tests.ui.world import World

    world = World()
    pane = IncidentPane(world.replica, world.controller, world.selection)
    qtbot.addWidget(pane)
    pane.resize(560, 1000)
    pane.show()
    texts = {}
    for mode in ("live", "review"):
        world.replica.link.mode = mode
        iid = world.raise_alert(len(texts) + 1, camera="CAM1")
        pane.refresh(world.replica.take_changes())
        pane.show_incident(iid)
        texts[mode] = pane.evidence.thumbs[0].text()
    assert texts["review"] == glossary.word(glossary.EVIDENCE_WORDS, "review_keeps_none", current_lang())
    assert texts["live"] != texts["review"]
