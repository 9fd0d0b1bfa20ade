"""wss://: the hub serves TLS, a console trusts a CA file or a pinned fingerprint, and plain
ws:// stays on loopback unless asked for (issue 9, item 13). Certificates are made here."""

from __future__ import annotations

import asyncio
import os
import ssl
import subprocess
import sys

import pytest
from websockets.asyncio.client import connect

from console.client.replica import Replica
from console.client.session import Session
from console.protocol.tls import TlsConfigError, check_plain, client_context, server_context
from tests.hub.harness import running_hub


def _self_signed(tmp_path, name: str = "hub") -> tuple[str, str, str]:
    """(cert, key, SHA-256 fingerprint as openssl prints it) of a fresh self-signed cert for 127.0.0.1."""
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", "/CN=duty-hub", "-keyout", str(key), "-out", str(cert),
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=30)
    out = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-fingerprint", "-sha256"],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    return str(cert), str(key), out.strip().split("=", 1)[1]


async def _hello(url: str, ctx) -> str:
    async with connect(url, ssl=ctx, additional_headers={"Authorization": "Bearer demo-commander"},
                       proxy=None, open_timeout=5) as ws:
        return await asyncio.wait_for(ws.recv(), 5)


async def test_a_console_trusting_the_hub_certificate_gets_hello_over_wss(tmp_db_url, tmp_path):
    cert, key, fp = _self_signed(tmp_path)
    async with running_hub(tmp_db_url, ssl_context=server_context(cert, key)) as server:
        assert server.url.startswith("wss://127.0.0.1:")
        assert '"type":"hello"' in await _hello(server.url, client_context(server.url, ca=cert))
        assert '"type":"hello"' in await _hello(server.url, client_context(server.url, pin=fp))
        # the console's own session goes live over it
        session = Session(server.url, "demo-commander", Replica(), ssl=client_context(server.url, pin=fp))
        session.start()
        try:
            await asyncio.wait_for(session.live.wait(), 10)
        finally:
            await session.close()


async def test_a_wrong_pin_or_an_untrusted_cert_never_gets_to_send_the_token(tmp_db_url, tmp_path):
    cert, key, _ = _self_signed(tmp_path)
    _, _, other_fp = _self_signed(tmp_path, "other")
    async with running_hub(tmp_db_url, ssl_context=server_context(cert, key)) as server:
        with pytest.raises(ssl.SSLCertVerificationError, match="not the pinned certificate"):
            await _hello(server.url, client_context(server.url, pin=other_fp))
        with pytest.raises(ssl.SSLCertVerificationError):
            await _hello(server.url, client_context(server.url))  # system CAs do not know it
        # the hub never saw an upgrade request, so no token reached it
        assert server.core.counters["sessions"] == 0 and server.core.counters["auth_refused"] == 0


def test_plain_text_is_only_for_loopback_unless_asked(caplog):
    for url in ("ws://127.0.0.1:8765", "ws://localhost:1", "ws://[::1]:8765"):
        assert client_context(url) is None
    with pytest.raises(TlsConfigError, match="not loopback"):
        client_context("ws://10.0.0.5:8765")
    assert client_context("ws://10.0.0.5:8765", insecure=True) is None
    assert "plain text" in caplog.text
    with pytest.raises(TlsConfigError, match="not loopback"):
        check_plain("0.0.0.0", insecure=False, what="listening on")
    with pytest.raises(TlsConfigError, match="SHA-256"):
        client_context("wss://h:1", pin="abc")
    with pytest.raises(TlsConfigError, match="wss://"):
        client_context("ws://127.0.0.1:1", pin="ab" * 32)


def test_the_hub_command_refuses_plain_text_off_loopback_and_serves_wss(tmp_path):
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    base = [sys.executable, "-m", "console", "hub", "--scenario", "none", "--port", "0",
            "--db", f"sqlite:///{tmp_path / 'hub.db'}"]
    r = subprocess.run([*base, "--host", "0.0.0.0"], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "not loopback" in r.stderr
    r = subprocess.run([*base, "--tls-cert", str(tmp_path / "none.pem")], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 2 and "--tls-cert and --tls-key go together" in r.stderr
    cert, key, _ = _self_signed(tmp_path)
    proc = subprocess.Popen([*base, "--tls-cert", cert, "--tls-key", key], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.startswith("hub serving wss://127.0.0.1:")
    finally:
        proc.terminate()
        proc.wait(10)
