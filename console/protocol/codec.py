"""Encode and decode protocol v1: the JSON envelope and the binary frame layout.

Decoding is two-stage: the envelope first (so an unknown type can be told
apart from a malformed one), then the body with the decoder its type fixes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import msgspec

from console.protocol.messages import ALL_BODIES, PROTOCOL_VERSION, Body

#: the largest text message either side accepts (bytes)
MAX_MESSAGE_BYTES = 1 << 20
#: the largest message a hub sends: a snapshot of a whole district with its history is
#: large (20,000 people and 100,000 past incidents encode to ~108 MiB; at 64 MiB such a
#: console was refused its snapshot and reconnected forever)
MAX_HUB_MESSAGE_BYTES = 256 << 20
#: the largest binary frame (bytes)
MAX_FRAME_BYTES = 4 << 20


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
    id: str | None = None
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
_encoder = msgspec.json.Encoder()


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
    return _encoder.encode(env)


def decode(data: bytes | str, *, max_bytes: int = MAX_MESSAGE_BYTES) -> Message:
    """Decode and validate one text message, or raise ProtocolError with a reason."""
    if isinstance(data, str):
        data = data.encode()
    if len(data) > max_bytes:
        raise ProtocolError("too_large", f"message of {len(data)} bytes exceeds {max_bytes}")
    try:
        env = _envelope_decoder.decode(data)
    except msgspec.DecodeError as exc:
        raise ProtocolError("malformed", f"envelope: {exc}") from None
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
    out: list[Message | ProtocolError] = []
    for line in data.split(b"\n") if b"\n" in data else (data,):
        if not line.strip():
            continue
        try:
            out.append(decode(line, max_bytes=max_bytes))
        except ProtocolError as exc:
            out.append(exc)
    return out


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
