"""Where a clip lacks the 10 s before its alert, the page and the pane say exactly what it covers."""

from __future__ import annotations

import time

from console.ui.panes.incident.export import page_words
from console.video.evidence import EvidenceKeeper, clip_coverage, clip_span
from console.video.export import coverage_text
from console.video.pool import DecodePool
from console.video.sources import StreamSources, Want
from tests.video.servers import RtspServer, needs_rtsp
from tests.video.test_streams import wait_for


def test_the_words_say_the_whole_window_or_exactly_which_seconds():
    zh, en = page_words("zh_CN"), page_words("en")
    assert coverage_text(990.0, 1020.0, 1000.0, zh) == "摄像机缓存中留存的 告警前 10 秒至后 20 秒"
    assert coverage_text(1004.2, 1020.0, 1000.0, zh) == \
        "片段实际覆盖告警后 4.2 秒至告警后 20.0 秒; 告警前无画面：本席位在告警前未留存该摄像机的视频"
    assert coverage_text(996.9, 1020.0, 1000.0, en) == \
        "the clip covers 3.1 s before the alert to 20.0 s after the alert; only 3.1 s before the alert were kept"
    assert "10 s before" in coverage_text(991.0, 1020.0, 1000.0, en), "one GOP short of 10 s still counts as whole"


@needs_rtsp
def test_an_off_screen_camera_pulled_from_its_alert_on_says_it_has_nothing_before(servers, tmp_path, qtbot):
    srv = servers(RtspServer())
    pool = DecodePool(workers=1)
    sources = StreamSources(pool)
    keeper = EvidenceKeeper(tmp_path / "kept", sources.clip, to_hub=lambda wall: wall, hub_now=time.time)
    try:
        alert_at = time.time()
        # no armed ring: the wall starts keeping the camera's packets when the alert arrives
        sources.watch({"CAM09": Want(srv.url, decode=False, ring_url=srv.url)})
        keeper.note("A0009", "CAM09", alert_at)
        wait_for(lambda: (c := sources.clip("CAM09")) and c.packets and c.end - c.start >= 1.0, what="packets")
        keeper.finish("A0009")
        clip_file = keeper.clip_path("A0009")
        assert clip_file is not None
        assert keeper.clip_span("A0009") == clip_span(clip_file), "a clip it writes is read as it is written"
    finally:
        keeper.close()
        sources.close(join_timeout=5)
        pool.close()
    first, last = clip_span(clip_file)
    case, start, _ = clip_coverage(first, last, alert_at)
    assert case == "no_before" and start > 0
    text = coverage_text(first, last, alert_at, page_words("en"))
    assert text.startswith(f"the clip covers {start:.1f} s after the alert") and "nothing before the alert" in text
    assert "10 s before to 20 s after" not in text
    # the incident pane says the same under its pictures
    from console.domain.model import Alert
    from console.protocol import messages as m
    from console.protocol.codec import Message
    from console.ui.panes.incident.evidence import EvidencePanel
    from tests.video.test_tiles import _cam, _replica

    replica = _replica([_cam("CAM09", sub=srv.url)])
    alert = Alert(id="A0009", source="camera", kind="animal", severity="critical", title="犬只闯入",
                  at=alert_at, x=0, y=0, grid="T1", town="T1", camera="CAM09")
    replica.apply_event(Message("alert_raised", m.AlertRaised(alert=alert, incident="I-A0009"), 2, alert_at))
    pool2 = DecodePool(workers=1)
    sources2 = StreamSources(pool2)
    panel = EvidencePanel(replica, frames=pool2, evidence_dir=tmp_path / "kept", export_dir=tmp_path / "out")
    qtbot.addWidget(panel)
    try:
        panel.fill(replica.state.incidents["I-A0009"])
        # a clip kept by an earlier run is read on the keeper's worker, never in `fill` (the GUI
        # thread): 0.3-0.5 s there under load, once per new critical alert (P2)
        assert panel.clip_note.isHidden()
        qtbot.waitUntil(lambda: not panel.clip_note.isHidden(), timeout=10_000)
        note = panel.clip_note.text()
        assert "nothing before the alert" in note and f"covers {start:.1f} s after the alert" in note
    finally:
        panel.close_workers()
        sources2.close()
        pool2.close()
