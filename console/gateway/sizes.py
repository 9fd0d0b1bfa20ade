"""What the hub takes in one command: each string ≤ MAX_STRING_BYTES encoded, the message ≤ MAX_MESSAGE_BYTES.

The hub refuses a longer string or message as `malformed` / `too_large` before it
reads the command's id, so the gateway would wait for an answer that never comes.
It checks here first: an item that cannot fit is refused 413 naming the field,
and a CAP text (a warning must get through) is cut to fit, saying so.
"""

from __future__ import annotations

import msgspec

from console.protocol.codec import MAX_MESSAGE_BYTES, MAX_STRING_BYTES

_json = msgspec.json.Encoder()
#: what a cut text ends with
CUT_MARK = "…（原文过长，已截断）"
#: room left in a message for the envelope and the id
_ENVELOPE_BYTES = 512


def encoded_len(text: str) -> int:
    """Bytes of a string inside a JSON message, as the hub measures it (escapes count, quotes do not)."""
    return len(_json.encode(text)) - 2


def fit_text(text: str, limit: int = MAX_STRING_BYTES) -> tuple[str, int]:
    """(text cut to fit `limit` encoded bytes with CUT_MARK at its end, characters dropped); as is if it fits."""
    if encoded_len(text) <= limit:
        return text, 0
    room = limit - encoded_len(CUT_MARK)
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits
        mid = (lo + hi + 1) // 2
        if encoded_len(text[:mid]) <= room:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + CUT_MARK, len(text) - lo


def oversized(body: msgspec.Struct) -> str | None:
    """Why the hub would refuse this command body for its size (naming the field), or None when it fits."""
    total = len(_json.encode(body)) + _ENVELOPE_BYTES
    if total > MAX_MESSAGE_BYTES:
        return f"the item encodes to {total} bytes, over the hub's limit of {MAX_MESSAGE_BYTES} bytes per command"
    return _longest(msgspec.to_builtins(body), "")


def _longest(value, path: str) -> str | None:
    if isinstance(value, str):
        n = encoded_len(value)
        if n > MAX_STRING_BYTES:
            return f"{path or 'a field'} is {n} bytes encoded, over the hub's limit of {MAX_STRING_BYTES} bytes"
        return None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((f"[{i}]", v) for i, v in enumerate(value))
    else:
        return None
    for key, v in items:
        where = f"{path}{key}" if str(key).startswith("[") else (f"{path}.{key}" if path else str(key))
        found = _longest(v, where)
        if found:
            return found
    return None
