"""Credentials joined to a bare camera URL in memory only, at the moment a stream opens."""

from __future__ import annotations

import pytest

from console.protocol import messages as m
from console.video import urls
from console.video.sources import Want
from tests.video.servers import RtspServer, needs_rtsp
from tests.video.test_streams import wait_for

PASSWORD = "pa:ss@w/rd"


@pytest.fixture(autouse=True)
def _forget():
    yield
    urls.set_credentials([])


def test_a_url_gets_its_credentials_joined_and_escaped_only_when_known():
    urls.set_credentials([m.CameraCredential(url="rtsp://10.0.0.5:554/main", username="ad min", password=PASSWORD)])
    joined = urls.with_credentials("rtsp://10.0.0.5:554/main")
    assert joined == "rtsp://ad%20min:pa%3Ass%40w%2Frd@10.0.0.5:554/main"
    assert urls.redact(joined) == "rtsp://***@10.0.0.5:554/main"
    assert urls.with_credentials("rtsp://10.0.0.5:554/sub") == "rtsp://10.0.0.5:554/sub"
    urls.set_credentials([])
    assert urls.with_credentials("rtsp://10.0.0.5:554/main") == "rtsp://10.0.0.5:554/main"


@needs_rtsp
def test_a_bare_url_of_a_protected_camera_plays_with_the_credentials_the_hub_sent(servers, pool, sources):
    srv = servers(RtspServer(credentials="admin:s3cret-9"))
    sources.watch({"LOCKED": Want(srv.url, 160, 90)})
    wait_for(lambda: sources.status("LOCKED") and sources.status("LOCKED").state == "auth_failed",
             what="refused without credentials")
    sources.watch({})
    urls.set_credentials([m.CameraCredential(url=srv.url, username="admin", password="s3cret-9")])
    sources.watch({"OPEN": Want(srv.url, 160, 90)})
    wait_for(lambda: pool.take("OPEN"), what="plays with the credentials joined in memory")
    for s in sources.statuses():
        assert "s3cret-9" not in s.url + s.detail
