"""A deliberately small HTTP/1.1 server: one request per connection, strict limits, no surprises.

Only what the gateway needs: GET and POST with a Content-Length (no chunked
bodies, no keep-alive, no pipelining), headers under 16 KiB, bodies under the
route's cap, and time limits on reading, so a slow or hostile client costs one
socket for a few seconds and nothing else.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Awaitable, Callable

log = logging.getLogger(__name__)

MAX_HEADER_BYTES = 16 * 1024
HEADER_TIMEOUT_S = 10.0
BODY_TIMEOUT_S = 30.0
#: an over-limit body up to this size is read and dropped before the 413 (bigger ones: the socket closes)
DRAIN_LIMIT = 16 << 20


@dataclass(slots=True)
class Request:
    """One parsed request: method, path (without query), query string, headers (lower-case), body."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes = b""
    peer: str = ""
    #: what the gateway learnt from the head (route, source) before reading the body
    meta: dict = field(default_factory=dict)


@dataclass(slots=True)
class Response:
    """Status, body, content type and extra headers."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, obj, **headers: str) -> Response:
        return cls(status, json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode() + b"\n",
                   headers=headers)


class HttpRefused(Exception):
    """Stop reading this request and answer with `status`, `code` and `reason`."""

    def __init__(self, status: int, code: str, reason: str, **headers: str):
        super().__init__(reason)
        self.status, self.code, self.reason, self.headers = status, code, reason, headers


#: (request head) → the largest body this request may have; raise HttpRefused to refuse before reading it
BodyLimit = Callable[[Request], int]
Handler = Callable[[Request], Awaitable[Response]]
#: called for a request refused while reading (too large, bad head), to count and audit it
Refusal = Callable[[Request | None, HttpRefused], Awaitable[None]]


def refusal_response(exc: HttpRefused) -> Response:
    """The JSON body every refusal has: {"ok": false, "code", "reason"}."""
    return Response.json(exc.status, {"ok": False, "code": exc.code, "reason": exc.reason}, **exc.headers)


class HttpServer:
    """Serves `handler` on host:port; `body_limit` decides, from the head, how much body to accept."""

    def __init__(self, handler: Handler, body_limit: BodyLimit, *, host: str = "127.0.0.1", port: int = 8780,
                 on_refusal: Refusal | None = None):
        self.handler = handler
        self.body_limit = body_limit
        self.on_refusal = on_refusal
        self.host, self.port = host, port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port, limit=MAX_HEADER_BYTES)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        req: Request | None = None
        try:
            try:
                req = await asyncio.wait_for(self._read_head(reader), HEADER_TIMEOUT_S)
                req.peer = f"{peer[0]}:{peer[1]}" if peer else ""
                limit = self.body_limit(req)
                req.body = await self._read_body(reader, req, limit)
            except HttpRefused as exc:
                if self.on_refusal is not None:
                    await self.on_refusal(req, exc)
                resp = refusal_response(exc)
            except asyncio.TimeoutError:
                exc = HttpRefused(408, "timeout", "request not received in time")
                if self.on_refusal is not None:
                    await self.on_refusal(req, exc)
                resp = refusal_response(exc)
            else:
                try:
                    resp = await self.handler(req)
                except HttpRefused as exc:
                    resp = refusal_response(exc)
                except Exception:
                    log.exception("gateway handler failed on %s %s", req.method, req.path)
                    resp = Response.json(500, {"ok": False, "code": "internal", "reason": "internal error"})
            await self._write(writer, resp)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass

    async def _read_head(self, reader: asyncio.StreamReader) -> Request:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            raise HttpRefused(431, "headers_too_large", f"request head over {MAX_HEADER_BYTES} bytes") from None
        except asyncio.IncompleteReadError as exc:
            if len(exc.partial) >= MAX_HEADER_BYTES:
                raise HttpRefused(431, "headers_too_large", f"request head over {MAX_HEADER_BYTES} bytes") from None
            raise
        try:
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ")
        except ValueError:
            raise HttpRefused(400, "bad_request", "malformed request line") from None
        if not version.startswith("HTTP/1."):
            raise HttpRefused(505, "bad_version", "only HTTP/1.x")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                raise HttpRefused(400, "bad_request", f"malformed header line {line[:60]!r}")
            headers[name.lower()] = value.strip()
        path, _, query = target.partition("?")
        return Request(method.upper(), path, query, headers)

    async def _read_body(self, reader: asyncio.StreamReader, req: Request, limit: int) -> bytes:
        if "chunked" in req.headers.get("transfer-encoding", "").lower():
            raise HttpRefused(411, "length_required", "chunked bodies are not accepted: send Content-Length")
        raw = req.headers.get("content-length")
        if raw is None:
            if req.method == "POST":
                raise HttpRefused(411, "length_required", "a POST needs Content-Length")
            return b""
        if not raw.isdigit():
            raise HttpRefused(400, "bad_request", f"bad Content-Length {raw!r}")
        n = int(raw)
        if n > limit:
            if n <= DRAIN_LIMIT:  # read it away, so the client is not reset before it reads the answer
                await asyncio.wait_for(reader.readexactly(n), BODY_TIMEOUT_S)
            raise HttpRefused(413, "too_large", f"body of {n} bytes is over this input's limit of {limit} bytes")
        return await asyncio.wait_for(reader.readexactly(n), BODY_TIMEOUT_S) if n else b""

    async def _write(self, writer: asyncio.StreamWriter, resp: Response) -> None:
        reason = HTTPStatus(resp.status).phrase if resp.status in HTTPStatus._value2member_map_ else ""
        head = [f"HTTP/1.1 {resp.status} {reason}", f"Content-Type: {resp.content_type}",
                f"Content-Length: {len(resp.body)}", "Connection: close",
                "X-Content-Type-Options: nosniff",
                # the field page (served by the hub, another origin) reads its report's answer; every
                # input is authorised by a token, never by a cookie, so any origin may read the answer
                "Access-Control-Allow-Origin: *"]
        head += [f"{k}: {v}" for k, v in resp.headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + resp.body)
        await writer.drain()
