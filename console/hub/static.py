"""Plain HTTP on the hub's port: the field page's files (GET /field/...), beside the websocket.

The page is package data (console/field), served as is: no build step, no CDN, so a
phone on a private network needs nothing but the hub. Requests that are not a
websocket upgrade land here; anything but a known file is 404.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from websockets.datastructures import Headers
from websockets.http11 import Request, Response

#: where the page's files are (the console.field package folder)
FIELD_DIR = Path(__file__).resolve().parents[1] / "field"
#: the URL path the page is served under
FIELD_PATH = "/field/"
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".json": "application/json"}
#: the page may talk to its own hub and its gateway only (no third-party scripts, frames or beacons)
_CSP = ("default-src 'self'; connect-src 'self' ws: wss:{gateway}; img-src 'self' data: blob:; "
        "style-src 'self'; script-src 'self'; frame-ancestors 'none'")


def is_upgrade(request: Request) -> bool:
    """Whether a request asks for a websocket (else it is plain HTTP for this module)."""
    return "websocket" in request.headers.get("Upgrade", "").lower()


class StaticPages:
    """Answers plain GET requests with the field page's files; `origin` = the site's (lon, lat) or None.

    The origin lets the page turn local metres into a map app's coordinates
    (`/field/config.json`); without a site there is no map link, only metres.
    `gateway` is the alert gateway's URL the page posts photo reports to
    (console/gateway/field.py); without one the page offers no report form.
    """

    def __init__(self, origin: tuple[float, float] | None = None, root: Path = FIELD_DIR,
                 gateway: str | None = None):
        self.origin = origin
        self.root = root
        self.gateway = gateway
        #: the page's URL as a phone reaches it (a LAN address for a hub on 0.0.0.0); None: the hub's own
        self.public_url: str | None = None

    def _csp(self) -> str:
        if not self.gateway:
            return _CSP.format(gateway="")
        u = urlsplit(self.gateway)
        return _CSP.format(gateway=f" {u.scheme}://{u.netloc}")

    def _file(self, name: str) -> bytes | None:
        if name in ("", "index.html"):
            name = "index.html"
        if "/" in name or name.startswith(".") or Path(name).suffix not in _TYPES:
            return None
        path = self.root / name
        return path.read_bytes() if path.is_file() else None

    def respond(self, request: Request) -> Response:
        """The response to one plain HTTP request (the file, a redirect, or 404)."""
        path = urlsplit(request.path).path
        if path in ("/", "/field"):
            return _response(HTTPStatus.FOUND, b"", "text/plain", extra={"Location": FIELD_PATH}, csp=self._csp())
        if not path.startswith(FIELD_PATH):
            return _response(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", csp=self._csp())
        name = path[len(FIELD_PATH):]
        if name == "config.json":
            body = json.dumps({"origin": list(self.origin) if self.origin else None,
                               "gateway": self.gateway.rstrip("/") if self.gateway else None}).encode()
            return _response(HTTPStatus.OK, body, _TYPES[".json"], csp=self._csp())
        data = self._file(name)
        if data is None:
            return _response(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", csp=self._csp())
        return _response(HTTPStatus.OK, data, _TYPES[Path(name or "index.html").suffix], csp=self._csp())


def _response(status: HTTPStatus, body: bytes, ctype: str, *, csp: str, extra: dict | None = None) -> Response:
    headers = Headers({"Content-Type": ctype, "Content-Length": str(len(body)), "Cache-Control": "no-cache",
                       "X-Content-Type-Options": "nosniff", "Content-Security-Policy": csp,
                       "Referrer-Policy": "no-referrer", **(extra or {})})
    return Response(status.value, status.phrase, headers, body)
