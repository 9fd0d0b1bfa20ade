"""The gateway's HTTP server: aiohttp's low-level server, with the gateway's limits and JSON refusals.

aiohttp parses HTTP/1.1 (keep-alive, pipelining, strict header rules: a second
Content-Length is refused at once), streams bodies, and closes a connection that
has not sent a whole request head within HEAD_TIMEOUT_S. On top of it this
module adds what the gateway needs: the route decides from the head alone how
much body it may have (`body_limit`, which also authenticates), a body is read
within BODY_TIMEOUT_S, every refusal is the same JSON shape, and request bodies
held in memory share one budget (`MemoryBudget`) so that many large requests at
once wait or are refused instead of growing the process. Routes that take files
(`Request.streamed`) read the body themselves, straight to disk.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from aiohttp import web
from aiohttp.http_exceptions import LineTooLong
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger(__name__)

#: longest request line and header line (aiohttp's own default); more headers than MAX_HEADERS: refused
MAX_HEADER_LINE = 8190
MAX_HEADERS = 100
#: a connection must send a whole request head within this time of opening (or of its previous answer)
HEAD_TIMEOUT_S = 10.0
BODY_TIMEOUT_S = 30.0
#: after a refusal the rest of an unread body is read and dropped for up to this long, so the client
#: is not reset before it reads the answer
DRAIN_S = 10.0
#: request bodies held in memory at once, all requests together (forms with files go to disk instead)
MEMORY_BUDGET_BYTES = 32 << 20
#: how long a request waits for its share of the budget before it is refused 503
BUDGET_WAIT_S = 5.0
#: bad request heads are logged at most once per this many seconds (with a count)
LOG_EVERY_S = 60.0


@dataclass(slots=True)
class Request:
    """One request: method, path (without query), query string, headers (case-insensitive), body."""

    method: str
    path: str
    query: str
    headers: object
    body: bytes = b""
    peer: str = ""
    #: what the gateway learnt from the head (route, source) before reading the body
    meta: dict = field(default_factory=dict)
    #: the aiohttp request, for a route that reads its body itself (a multipart form)
    raw: web.BaseRequest | None = None
    #: set by `body_limit`: this route reads the body itself (`raw.multipart()`), nothing is read for it
    streamed: bool = False


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


#: headers on every answer
COMMON_HEADERS = {
    "Server": "duty-gateway",
    "X-Content-Type-Options": "nosniff",
    # the field page (served by the hub, another origin) reads its report's answer; every
    # input is authorised by a token, never by a cookie, so any origin may read the answer
    "Access-Control-Allow-Origin": "*",
}


def to_aiohttp(resp: Response, *, close: bool = False) -> web.Response:
    """An aiohttp response of ours; `close`: the connection ends after it."""
    out = web.Response(status=resp.status, body=resp.body,
                       headers={"Content-Type": resp.content_type, **COMMON_HEADERS, **resp.headers})
    if close:
        out.force_close()
    return out


class MemoryBudget:
    """Bytes of request bodies held in memory, shared by all requests: wait for a share, or be refused."""

    def __init__(self, limit: int = MEMORY_BUDGET_BYTES, wait_s: float = BUDGET_WAIT_S):
        self.limit, self.wait_s = limit, wait_s
        self.held = 0
        self._freed = asyncio.Condition()

    @asynccontextmanager
    async def hold(self, n: int):
        """Hold `n` bytes while the block runs; HttpRefused 503 if they are not free within `wait_s`."""
        n = min(n, self.limit)  # one request may use the whole budget, never more (its cap is smaller)
        async with self._freed:
            try:
                await asyncio.wait_for(self._freed.wait_for(lambda: self.held + n <= self.limit), self.wait_s)
            except asyncio.TimeoutError:
                raise HttpRefused(503, "busy", f"{self.held} bytes of requests are being read now; retry shortly",
                                  **{"Retry-After": "2"}) from None
            self.held += n
        try:
            yield
        finally:
            async with self._freed:
                self.held -= n
                self._freed.notify_all()


class _Protocol(RequestHandler):
    """aiohttp's connection handler, answering an unreadable request head in the gateway's JSON shape."""

    on_bad_head: Callable[[int, str, str], None] | None = None

    def handle_error(self, request, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        if status != 400 or exc is None:  # not a parse error: aiohttp's own answer (never ours to explain)
            return super().handle_error(request, status, exc, message)
        if isinstance(exc, LineTooLong):
            status, code = 431, "headers_too_large"
        else:
            code = "bad_request"
        reason = (getattr(exc, "message", "") or str(exc)).split("\n", 1)[0].strip().rstrip(":")[:200]
        if self.on_bad_head is not None:
            self.on_bad_head(status, code, reason or "malformed request")
        return to_aiohttp(refusal_response(HttpRefused(status, code, reason or "malformed request")), close=True)


class _Server(web.Server):
    """aiohttp's low-level server with our connection handler."""

    def __init__(self, handler, on_bad_head, **kwargs):
        super().__init__(handler, **kwargs)
        self._on_bad_head = on_bad_head

    def __call__(self) -> RequestHandler:
        proto = _Protocol(self, loop=self._loop, **self._kwargs)
        proto.on_bad_head = self._on_bad_head
        return proto


class HttpServer:
    """Serves `handler` on host:port; `body_limit` decides, from the head, how much body to accept."""

    def __init__(self, handler: Handler, body_limit: BodyLimit, *, host: str = "127.0.0.1", port: int = 8780,
                 on_refusal: Refusal | None = None, budget: MemoryBudget | None = None):
        self.handler = handler
        self.body_limit = body_limit
        self.on_refusal = on_refusal
        self.host, self.port = host, port
        self.budget = budget or MemoryBudget()
        #: unreadable request heads since the last log line
        self.bad_heads = 0
        self._bad_logged_at = 0.0
        self._runner: web.ServerRunner | None = None

    async def start(self) -> None:
        server = _Server(self._serve, self._bad_head, keepalive_timeout=HEAD_TIMEOUT_S, lingering_time=DRAIN_S,
                         max_line_size=MAX_HEADER_LINE, max_field_size=MAX_HEADER_LINE, max_headers=MAX_HEADERS,
                         access_log=None)
        self._runner = web.ServerRunner(server, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _bad_head(self, status: int, code: str, reason: str) -> None:
        self.bad_heads += 1
        now = time.monotonic()
        if now - self._bad_logged_at >= LOG_EVERY_S:
            log.info("gateway refused %d unreadable request(s) in %.0f s; last: %s %s", self.bad_heads,
                     now - self._bad_logged_at if self._bad_logged_at else 0.0, status, reason)
            self._bad_logged_at, self.bad_heads = now, 0
        if self.on_refusal is not None:
            asyncio.ensure_future(self.on_refusal(None, HttpRefused(status, code, reason)))

    async def _serve(self, raw: web.BaseRequest) -> web.StreamResponse:
        peer = raw.transport.get_extra_info("peername") if raw.transport is not None else None
        req = Request(raw.method.upper(), raw.path, raw.query_string, raw.headers, raw=raw,
                      peer=f"{peer[0]}:{peer[1]}" if peer else "")
        try:
            try:
                limit = self.body_limit(req)
                n = self._length(req, limit)
                if n and raw.headers.get("expect", "").lower() == "100-continue" and raw.version >= (1, 1):
                    # admitted: now the client may send its body (a refusal above is answered before it does)
                    await raw.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                    raw.writer.output_size = 0
                if req.streamed or n == 0:
                    resp = await self._handle(req)
                    # a form refused part-way has an unread rest: end the connection rather than read it
                    return to_aiohttp(resp, close=not raw.keep_alive or (req.streamed and resp.status >= 400))
                async with self.budget.hold(n):
                    req.body = await asyncio.wait_for(raw.content.readexactly(n), BODY_TIMEOUT_S)
                    return to_aiohttp(await self._handle(req), close=not raw.keep_alive)
            except asyncio.TimeoutError:
                raise HttpRefused(408, "timeout", "request not received in time") from None
            except asyncio.IncompleteReadError:
                raise HttpRefused(400, "bad_request", "the body ended before its Content-Length") from None
        except HttpRefused as exc:
            if self.on_refusal is not None:
                await self.on_refusal(req, exc)
            return to_aiohttp(refusal_response(exc), close=True)

    async def _handle(self, req: Request) -> Response:
        try:
            return await self.handler(req)
        except HttpRefused as exc:
            return refusal_response(exc)
        except Exception:
            log.exception("gateway handler failed on %s %s", req.method, req.path)
            return Response.json(500, {"ok": False, "code": "internal", "reason": "internal error"})

    @staticmethod
    def _length(req: Request, limit: int) -> int:
        """The body's declared length, checked against the route's limit before any of it is read."""
        if "chunked" in req.headers.get("transfer-encoding", "").lower():
            raise HttpRefused(411, "length_required", "chunked bodies are not accepted: send Content-Length")
        raw = req.headers.get("content-length")
        if raw is None:
            if req.method == "POST":
                raise HttpRefused(411, "length_required", "a POST needs Content-Length")
            return 0
        n = int(raw)  # aiohttp's parser refused anything but digits (and a second Content-Length)
        if n > limit:
            raise HttpRefused(413, "too_large", f"body of {n} bytes is over this input's limit of {limit} bytes")
        return n
