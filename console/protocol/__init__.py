"""The protocol (v2): message types, the JSON envelope, the binary frame layout. See PROTOCOL.md.

The names below are loaded on first use: `console.protocol.tls` alone (what `demo` checks its
arguments with before it starts the hub's child process) does not load the message types (P5).
"""

from __future__ import annotations

import importlib

_WHERE = {
    "MAX_FRAME_BYTES": "codec", "MAX_HUB_MESSAGE_BYTES": "codec", "MAX_MESSAGE_BYTES": "codec",
    "Frame": "codec", "Message": "codec", "ProtocolError": "codec", "decode": "codec",
    "decode_frame": "codec", "encode": "codec", "encode_frame": "codec",
    "COMMAND_BODIES": "messages", "EVENT_BODIES": "messages", "PROTOCOL_VERSION": "messages",
    "SESSION_BODIES": "messages",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f"console.protocol.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'console.protocol' has no attribute {name!r}")
