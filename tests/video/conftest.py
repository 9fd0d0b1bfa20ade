"""Fixtures that start real video servers on loopback and always stop them."""

from __future__ import annotations

import pytest

from console.video.pool import DecodePool
from console.video.sources import StreamSources
from tests.video.servers import FfmpegHttp, GarbageHttp, RtspServer


@pytest.fixture
def servers():
    """Start servers with `servers(RtspServer(...))`; every one is stopped after the test."""
    started = []

    def start(server):
        started.append(server)
        return server.start()

    yield start
    for s in reversed(started):
        s.stop()


@pytest.fixture
def rtsp(servers):
    """One RTSP server with a 640×360 15 fps H.264 test pattern."""
    return servers(RtspServer())


@pytest.fixture
def pool():
    p = DecodePool(workers=1)
    yield p
    p.close()


@pytest.fixture
def sources(pool):
    """Stream readers with short backoff (tests wait for reconnects) decoding into `pool`."""
    s = StreamSources(pool, open_timeout=5.0, read_timeout=1.5, backoff_base=0.3, backoff_cap=2.0)
    yield s
    s.close(join_timeout=5.0)


__all__ = ["FfmpegHttp", "GarbageHttp", "RtspServer"]
