"""The protocol (v2): message types, the JSON envelope, the binary frame layout. See PROTOCOL.md."""

from console.protocol.codec import (
    MAX_FRAME_BYTES, MAX_HUB_MESSAGE_BYTES, MAX_MESSAGE_BYTES, Frame, Message, ProtocolError, decode,
    decode_frame, encode, encode_frame,
)
from console.protocol.messages import (
    COMMAND_BODIES, EVENT_BODIES, PROTOCOL_VERSION, SESSION_BODIES,
)

__all__ = [
    "COMMAND_BODIES", "EVENT_BODIES", "MAX_FRAME_BYTES", "MAX_HUB_MESSAGE_BYTES", "MAX_MESSAGE_BYTES",
    "PROTOCOL_VERSION", "SESSION_BODIES", "Frame", "Message", "ProtocolError",
    "decode", "decode_frame", "encode", "encode_frame",
]
