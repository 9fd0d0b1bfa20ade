"""Camera stream URLs: what kind each is, and how to show one without its credentials.

Cameras and NVRs put a user and password in the URL (`rtsp://admin:pw@10.0.0.5/…`).
Every log line, tile tooltip, diagnostics row and error text that names a URL
goes through `redact`, so a screenshot of the console never shows a password.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: URL schemes a console pulls itself (PyAV opens them)
PULLED = ("rtsp", "rtsps", "http", "https", "file")
#: frames the hub pushes over the websocket (drills, the synthetic world without streams)
PUSHED = ("sim", "")

# userinfo = everything between "//" and the last "@" before the host's "/": passwords may hold "@" or ":"
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#]*)@")
# query parameters cameras use for credentials (Dahua/Hikvision/ONVIF snapshots, tokens)
_SECRET_PARAMS = re.compile(r"(?i)([?&](?:password|passwd|pwd|pass|token|auth|key|secret|signature|sig)=)[^&#]*")

REDACTED = "***"


def redact(text: str) -> str:
    """`text` with every URL's user/password and secret query values replaced by ***.

    Works on a bare URL or on any message that contains URLs (an FFmpeg error
    often repeats the URL it failed to open).
    """
    if not text:
        return text
    text = _USERINFO.sub(lambda m: f"{m.group('scheme')}{REDACTED}@", text)
    return _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}{REDACTED}", text)


def scheme(url: str) -> str:
    """The URL's scheme in lower case ("" for an empty or scheme-less string)."""
    if "://" not in url:
        return ""
    return url.split("://", 1)[0].lower()


def is_pulled(url: str) -> bool:
    """Whether the console opens this URL itself (as opposed to waiting for hub frames)."""
    return scheme(url) in PULLED


def describe(url: str) -> str:
    """A short kind label for diagnostics: "rtsp", "hls", "http-mjpeg", "file", "hub"."""
    s = scheme(url)
    if s in PUSHED:
        return "hub"
    path = urlsplit(url).path.lower()
    if path.endswith(".m3u8"):
        return "hls"
    if s in ("http", "https"):
        return "http-ts" if path.endswith(".ts") else "http"
    return s


# ---------------------------------------------------------------------- credentials (memory only)
# The hub sends the cameras' users and passwords apart from their URLs (PROTOCOL.md,
# `camera_credentials`), to consoles that pull video only. They are kept here, in this
# process's memory, and joined to a URL only at the moment a stream is opened: never
# written to the local database, a drill file or a log.

_credentials: dict[str, tuple[str, str]] = {}


def set_credentials(entries) -> None:
    """Replace the known credentials: `entries` have `url`, `username`, `password` (the hub's message)."""
    global _credentials
    _credentials = {e.url: (e.username, e.password) for e in entries}


def with_credentials(url: str) -> str:
    """The URL to open: with its user and password put in when the hub sent some for it."""
    cred = _credentials.get(url)
    if cred is None:
        return url
    from urllib.parse import quote, urlsplit, urlunsplit

    parts = urlsplit(url)
    user, password = cred
    userinfo = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return urlunsplit((parts.scheme, f"{userinfo}@{parts.netloc}", parts.path, parts.query, parts.fragment))
