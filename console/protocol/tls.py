"""TLS for the wire: the hub's server context, the console's trust (a CA file or a pinned
certificate), and the rule that plain `ws://` stays on loopback unless asked for.

A pin is checked inside the TLS handshake (before the HTTP upgrade carries the
token), so a wrong certificate never sees the bearer token.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import ssl
from urllib.parse import urlsplit

log = logging.getLogger(__name__)


class TlsConfigError(ValueError):
    """TLS settings that cannot be used, or plain text where it is not allowed; the message says which."""


def is_loopback(host: str) -> bool:
    """Whether a host name or address stays on this machine."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_plain(host: str, *, insecure: bool, what: str, use: str = "--tls-cert/--tls-key") -> None:
    """Refuse plain text to or from a host off this machine unless `insecure` (then warn)."""
    if is_loopback(host):
        return
    if not insecure:
        raise TlsConfigError(f"{what} {host} is not loopback: use TLS ({use}) "
                             "or pass --insecure to send tokens and events in plain text")
    log.warning("%s %s without TLS (--insecure): tokens and events travel in plain text", what, host)


def server_context(cert: str, key: str) -> ssl.SSLContext:
    """The hub's TLS context from a PEM certificate (chain) and its key."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        ctx.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise TlsConfigError(f"cannot use TLS certificate {cert} with key {key}: {exc}") from None
    return ctx


def normalize_pin(pin: str) -> str:
    """A SHA-256 fingerprint as 64 lower-case hex digits, from `AB:CD:…`, `sha256:…` or plain hex."""
    digits = pin.strip().lower().removeprefix("sha256:").removeprefix("sha256 fingerprint=").replace(":", "")
    if len(digits) != 64 or any(c not in "0123456789abcdef" for c in digits):
        raise TlsConfigError(f"--pin {pin!r} is not a SHA-256 fingerprint (64 hex digits, colons allowed)")
    return digits


def fingerprint(der: bytes) -> str:
    """The SHA-256 fingerprint (hex) of a DER certificate."""
    return hashlib.sha256(der).hexdigest()


class _PinnedSSLObject(ssl.SSLObject):
    """Checks the peer's certificate against the pins as the handshake completes."""

    pins: frozenset[str] = frozenset()

    def do_handshake(self) -> None:
        super().do_handshake()
        der = self.getpeercert(binary_form=True) or b""
        got = fingerprint(der)
        if got not in self.pins:
            raise ssl.SSLCertVerificationError(f"hub certificate sha256 {got} is not the pinned certificate")


def client_context(url: str, *, ca: str | None = None, pin: str | None = None,
                   insecure: bool = False) -> ssl.SSLContext | None:
    """The console's TLS context for `url` (None for ws://, after the loopback rule).

    `ca`: trust the certificates in this PEM file (a private CA or the hub's own
    self-signed certificate; host names are checked). `pin`: trust exactly the
    certificate with this SHA-256 fingerprint (no CA, no host name check).
    Neither: the system's trusted CAs.
    """
    parts = urlsplit(url)
    if parts.scheme == "ws":
        if ca or pin:
            raise TlsConfigError(f"--ca/--pin need a wss:// URL, not {url}")
        check_plain(parts.hostname or "", insecure=insecure, what="hub", use="a wss:// URL")
        return None
    if parts.scheme != "wss":
        raise TlsConfigError(f"hub URL {url} must start with ws:// or wss://")
    if pin:
        pins = frozenset({normalize_pin(pin)})
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # the pin is the trust: checked in the handshake
        ctx.sslobject_class = type("PinnedSSLObject", (_PinnedSSLObject,), {"pins": pins})
        return ctx
    try:
        return ssl.create_default_context(cafile=ca)
    except (OSError, ssl.SSLError) as exc:
        raise TlsConfigError(f"cannot read CA file {ca}: {exc}") from None
