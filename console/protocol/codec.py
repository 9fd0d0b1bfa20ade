"""Encode and decode the protocol: the JSON envelope and the binary frame layout.

Decoding is two-stage: the envelope first (so an unknown type can be told
apart from a malformed one), then the body with the decoder its type fixes.
A hub's batch frame is decoded in one call instead (one envelope struct per
type, tagged on `type`); only a frame with a line that fails goes line by line,
so each bad line is still told apart and the others kept.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from itertools import accumulate
from typing import Annotated, Any, Union

import msgspec

from console.protocol.messages import ALL_BODIES, ID_CHARS, PROTOCOL_VERSION, Body

#: the largest text message either side accepts (bytes)
MAX_MESSAGE_BYTES = 1 << 20
#: the largest message a hub sends: a snapshot of a whole district with its history is
#: large (20,000 people and 100,000 past incidents encode to ~108 MiB; at 64 MiB such a
#: console was refused its snapshot and reconnected forever)
MAX_HUB_MESSAGE_BYTES = 256 << 20
#: the largest binary frame (bytes)
MAX_FRAME_BYTES = 4 << 20
#: the deepest nesting of arrays and objects a message may have (the envelope counts as 1;
#: a whole-district snapshot is 8 deep). Deeper is `malformed`, checked before parsing
#: (the decoder recurses: ~1,000 levels would raise RecursionError and end the session)
MAX_DEPTH = 32
#: the longest command id (characters); a longer one is refused before anything is stored
MAX_ID_CHARS = ID_CHARS
#: the longest string anywhere in a client message, in characters once decoded (escapes such
#: as `\u4e2d` count as the one character they stand for), for a field without its own,
#: smaller limit in messages.py / bodies.py: an ingested alert's text, say
MAX_STRING_CHARS = 16 << 10


class ProtocolError(ValueError):
    """A message that cannot be accepted; `code` is the wire error code."""

    def __init__(self, code: str, reason: str, ref: str | None = None):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
        self.ref = ref


class Envelope(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """The one shape of every text message."""

    v: int
    type: str
    seq: int | None = None
    ts: float | None = None
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID_CHARS)] | None = None
    body: msgspec.Raw = msgspec.Raw(b"{}")


@dataclass(slots=True)
class Message:
    """A decoded message: the envelope's fields plus the typed body."""

    type: str
    body: Any
    seq: int | None = None
    ts: float | None = None
    id: str | None = None


_envelope_decoder = msgspec.json.Decoder(Envelope)
_body_decoders = {name: msgspec.json.Decoder(t) for name, t in ALL_BODIES.items()}


def _typed_envelope(name: str, body: type) -> type:
    """The envelope of one message type, its body typed: a batch decodes in one pass (tagged on `type`)."""
    try:
        body_field = ("body", body, msgspec.field(default_factory=body))
        body()
    except TypeError:  # a body with required fields: an absent body is malformed, as in two stages
        body_field = ("body", body)
    return msgspec.defstruct(
        f"Envelope_{name}", [("v", int), ("seq", int | None, None), ("ts", float | None, None),
                             ("id", Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID_CHARS)] | None, None),
                             body_field],
        tag=name, tag_field="type", kw_only=True, forbid_unknown_fields=True)


_typed_envelopes = {_typed_envelope(name, t): name for name, t in ALL_BODIES.items()}
#: a whole batch frame in one call: each line an envelope whose body's type its `type` names
_batch_decoder = msgspec.json.Decoder(Union[tuple(_typed_envelopes)])  # noqa: UP007 - a runtime union of classes
_encoder = msgspec.json.Encoder()
_string_decoder = msgspec.json.Decoder(str)

#: characters JSON allows raw inside strings that many readers take for line breaks
#: (Python's str.splitlines, JavaScript before ES2019): always sent escaped
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"), (b"\xc2\x85", b"\\u0085"))
#: a JSON string, escapes included (unrolled loop: linear, no backtracking)
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_OPEN_CLOSE = bytes(range(256)).translate(None, b"[]{}")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _escape_separators(data: bytes) -> bytes:
    for raw, escaped in _LINE_SEPARATORS:
        if raw in data:
            data = data.replace(raw, escaped)
    return data


def _chars(token: bytes) -> int:
    """Characters of one encoded JSON string (quotes included in `token`), escapes decoded."""
    try:
        return len(_string_decoder.decode(token))
    except msgspec.DecodeError:  # a broken escape: the envelope decoder says what is wrong
        return 0


def check_shape(data: bytes, *, max_depth: int = MAX_DEPTH, max_string: int | None = None) -> None:
    """Refuse (ProtocolError malformed) nesting deeper than max_depth or a string of more than max_string characters.

    Cheap for ordinary messages: nesting is measured only when the message holds
    more brackets than max_depth, strings only when it is longer than max_string
    (a string has at most as many characters as encoded bytes, so only those
    longer than that are decoded and counted). Brackets inside strings do not count.
    """
    long_message = max_string is not None and len(data) > max_string
    if not long_message and data.count(b"[") + data.count(b"{") <= max_depth:
        return
    strings = _JSON_STRING.findall(data) if long_message or b'"' in data else ()
    if long_message and max(map(len, strings), default=0) - 2 > max_string:
        for token in strings:
            if len(token) - 2 > max_string and (n := _chars(token)) > max_string:
                raise ProtocolError("malformed", f"a string of {n} characters exceeds {max_string}")
    brackets = _JSON_STRING.sub(b'""', data).translate(None, _OPEN_CLOSE) if strings else data.translate(None, _OPEN_CLOSE)
    if len(brackets) > max_depth and max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > max_depth:
        raise ProtocolError("malformed", f"nested deeper than {max_depth} levels")


def command_id_of(data: bytes) -> str | None:
    """The envelope `id` of a message refused before it could be decoded, when it can be read.

    So the refusal names the command (a client that matches answers by id would
    otherwise resend it for ever). Walks the message's strings, not its brackets one
    by one: the nesting depth is the bracket balance in the gaps between strings,
    so this is linear and recursion-free even for a message nested a million deep.
    The first key `"id"` at depth 1 whose value is a string of 1..MAX_ID_CHARS
    characters is the id; anything else is None.
    """
    depth = 0
    at = 0
    key_seen = False
    for match in _JSON_STRING.finditer(data):
        gap = data[at:match.start()]
        if key_seen:
            if gap.strip() != b":":
                return None  # `"id":` followed by a number, an object, …
            try:
                value = _string_decoder.decode(match.group())
            except msgspec.DecodeError:
                return None
            return value if 0 < len(value) <= MAX_ID_CHARS else None
        depth += gap.count(b"[") + gap.count(b"{") - gap.count(b"]") - gap.count(b"}")
        at = match.end()
        # a key, not a value: what follows it is a colon
        key_seen = depth == 1 and match.group() == b'"id"' and data[at:at + 64].lstrip()[:1] == b":"
    return None


def encode(type_: str, body: Body | dict, *, seq: int | None = None, ts: float | None = None,
           id: str | None = None) -> bytes:
    """Encode one message; the body must be the struct its type names."""
    expected = ALL_BODIES.get(type_)
    if expected is None:
        raise ProtocolError("unknown_type", f"no message type {type_!r}")
    if not isinstance(body, expected):
        body = msgspec.convert(body, expected)
    env = Envelope(v=PROTOCOL_VERSION, type=type_, seq=seq, ts=ts, id=id,
                   body=msgspec.Raw(_encoder.encode(body)))
    return _escape_separators(_encoder.encode(env))


def decode(data: bytes | str, *, max_bytes: int = MAX_MESSAGE_BYTES,
           max_string: int | None = None) -> Message:
    """Decode and validate one text message, or raise ProtocolError with a reason.

    The hub passes max_string (MAX_STRING_CHARS) for what clients send; nesting
    depth is checked for every message up to MAX_MESSAGE_BYTES (a larger one only
    comes from the hub, and the decoder's own recursion guard still holds there).
    A malformed message whose envelope `id` can be read carries it as `ref`.
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > max_bytes:
        raise ProtocolError("too_large", f"message of {len(data)} bytes exceeds {max_bytes}")
    if len(data) <= MAX_MESSAGE_BYTES:
        try:
            check_shape(data, max_string=max_string)
        except ProtocolError as exc:
            exc.ref = command_id_of(data)
            raise
    try:
        env = _envelope_decoder.decode(data)
    except msgspec.DecodeError as exc:
        raise ProtocolError("malformed", f"envelope: {exc}", command_id_of(data)) from None
    except RecursionError:
        raise ProtocolError("malformed", "nested too deep") from None
    if env.v != PROTOCOL_VERSION:
        raise ProtocolError("version", f"protocol version {env.v} not supported (want {PROTOCOL_VERSION})",
                            env.id)
    decoder = _body_decoders.get(env.type)
    if decoder is None:
        raise ProtocolError("unknown_type", f"unknown message type {env.type!r}", env.id)
    try:
        body = decoder.decode(env.body)
    except msgspec.DecodeError as exc:
        raise ProtocolError("malformed", f"{env.type} body: {exc}", env.id) from None
    except RecursionError:
        raise ProtocolError("malformed", f"{env.type} body nested too deep", env.id) from None
    return Message(env.type, body, env.seq, env.ts, env.id)


def decode_batch(data: bytes | str, *, max_bytes: int = MAX_HUB_MESSAGE_BYTES) -> list[Message | ProtocolError]:
    """A hub text frame: one envelope, or several separated by newlines (a batch).

    The hub batches what has queued up for a busy client, so a burst costs one
    websocket frame instead of hundreds. Encoded JSON never holds a raw newline,
    so each line is one envelope, decoded on its own: a bad line comes back as
    its ProtocolError, in place, and the others still count.
    """
    if isinstance(data, str):
        data = data.encode()
    if len(data) > max_bytes:
        return [ProtocolError("too_large", f"frame of {len(data)} bytes exceeds {max_bytes}")]
    lines = data.split(b"\n") if b"\n" in data else (data,)
    fast = _decode_batch_at_once(data, lines)
    if fast is not None:
        return fast
    out: list[Message | ProtocolError] = []
    for line in lines:
        if not line.strip():
            continue
        try:
            out.append(decode(line, max_bytes=max_bytes))
        except ProtocolError as exc:
            out.append(exc)
    return out


def _decode_batch_at_once(data: bytes, lines) -> list[Message] | None:
    """Every line of a frame decoded in one call (a flood's frames: 2-3 µs an event less than line by
    line), or None when any line needs the line-by-line path to say what is wrong with it."""
    if len(data) > MAX_MESSAGE_BYTES * 4 or b"\n\n" in data or not data.strip():
        return None  # a snapshot-sized frame or a blank line: line by line, as ever
    try:
        for line in lines:
            check_shape(line)
        envs = _batch_decoder.decode_lines(data)
    except (ProtocolError, msgspec.DecodeError, RecursionError):
        return None
    names = _typed_envelopes
    if len(envs) != len(lines) or any(env.v != PROTOCOL_VERSION for env in envs):
        return None
    return [Message(names[type(env)], env.body, env.seq, env.ts, env.id) for env in envs]


def encode_batch(messages: list[bytes]) -> bytes:
    """Several encoded envelopes as one text frame, one per line."""
    return messages[0] if len(messages) == 1 else b"\n".join(messages)


# ------------------------------------------------------------------ binary frames

FRAME_MAGIC = b"DCF1"
CONTENT_TYPES = {1: "image/jpeg"}
JPEG = 1
#: magic, camera-id length, hub time, frame number, content type, width, height
_FRAME_HEAD = struct.Struct("<4sBdIBHH")


@dataclass(slots=True)
class Frame:
    """One camera image as it travels: header fields plus the encoded image."""

    camera: str
    ts: float
    number: int
    content_type: int
    width: int
    height: int
    payload: bytes | memoryview


def encode_frame(frame: Frame) -> bytes:
    """Pack a camera frame: fixed header, camera id (UTF-8), then the image bytes."""
    cam = frame.camera.encode()
    if not cam or len(cam) > 255:
        raise ProtocolError("malformed", "camera id must be 1..255 bytes")
    try:
        head = _FRAME_HEAD.pack(FRAME_MAGIC, len(cam), frame.ts, frame.number & 0xFFFFFFFF,
                                frame.content_type, frame.width, frame.height)
    except struct.error as exc:  # width/height beyond u16, content type beyond u8
        raise ProtocolError("malformed", f"frame header: {exc}") from None
    return b"".join((head, cam, frame.payload))


def decode_frame(data: bytes, *, max_bytes: int = MAX_FRAME_BYTES) -> Frame:
    """Unpack a camera frame or raise ProtocolError naming what is wrong."""
    if len(data) > max_bytes:
        raise ProtocolError("too_large", f"frame of {len(data)} bytes exceeds {max_bytes}")
    if len(data) < _FRAME_HEAD.size + 1:
        raise ProtocolError("malformed", f"frame of {len(data)} bytes is shorter than its header")
    magic, cam_len, ts, number, ctype, w, h = _FRAME_HEAD.unpack_from(data)
    if magic != FRAME_MAGIC:
        raise ProtocolError("malformed", f"frame magic {magic!r} is not {FRAME_MAGIC!r}")
    if ctype not in CONTENT_TYPES:
        raise ProtocolError("malformed", f"frame content type {ctype} unknown")
    start = _FRAME_HEAD.size
    end = start + cam_len
    if cam_len == 0 or end >= len(data):
        raise ProtocolError("malformed", "frame camera id or image missing")
    try:
        camera = bytes(data[start:end]).decode()
    except UnicodeDecodeError:
        raise ProtocolError("malformed", "frame camera id is not UTF-8") from None
    return Frame(camera, ts, number, ctype, w, h, memoryview(data)[end:])
