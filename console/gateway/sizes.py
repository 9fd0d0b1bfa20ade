"""What the hub takes in one command: each string ≤ MAX_STRING_CHARS characters, the message ≤ MAX_MESSAGE_BYTES.

The hub refuses a longer string or message as `malformed` / `too_large`. The
gateway checks here first: an item that cannot fit is refused 413 naming the
field, and a CAP text (a warning must get through) is cut to fit, saying so.
"""

from __future__ import annotations

import msgspec

from console.protocol.codec import MAX_MESSAGE_BYTES, MAX_STRING_CHARS

_json = msgspec.json.Encoder()
#: what a cut text ends with
CUT_MARK = "…（原文过长，已截断）"
#: room left in a message for the envelope and the id
_ENVELOPE_BYTES = 512


def fit_text(text: str, limit: int = MAX_STRING_CHARS) -> tuple[str, int]:
    """(text cut to `limit` characters with CUT_MARK at its end, characters dropped); as is if it fits."""
    if len(text) <= limit:
        return text, 0
    keep = limit - len(CUT_MARK)
    return text[:keep] + CUT_MARK, len(text) - keep


def oversized(body: msgspec.Struct) -> str | None:
    """Why the hub would refuse this command body for its size (naming the field), or None when it fits."""
    total = len(_json.encode(body)) + _ENVELOPE_BYTES
    if total > MAX_MESSAGE_BYTES:
        return f"the item encodes to {total} bytes, over the hub's limit of {MAX_MESSAGE_BYTES} bytes per command"
    return _longest(msgspec.to_builtins(body), "")


def _longest(value, path: str) -> str | None:
    if isinstance(value, str):
        if len(value) > MAX_STRING_CHARS:
            return (f"{path or 'a field'} is {len(value)} characters, "
                    f"over the hub's limit of {MAX_STRING_CHARS} characters")
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
