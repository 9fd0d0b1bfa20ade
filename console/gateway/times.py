"""Times as alert sources write them: ISO 8601 with an explicit offset, nothing else."""

from __future__ import annotations

import re
from datetime import datetime

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(?P<tz>[+-]\d{2}:\d{2}|Z)?")


class BadTime(ValueError):
    """A time without an offset, or not a time at all; the message says which."""


def parse_time(text: str, what: str, *, allow_z: bool = True) -> float:
    """Epoch seconds of `2025-11-30T08:00:00+08:00`; a time without an offset is refused."""
    text = (text or "").strip()
    m = _ISO.fullmatch(text)
    if not m:
        raise BadTime(f"{what} {text!r} is not a time like 2025-11-30T08:00:00+08:00")
    tz = m.group("tz")
    if tz is None:
        raise BadTime(f"{what} {text!r} has no UTC offset: write it like 2025-11-30T08:00:00+08:00")
    if tz == "Z" and not allow_z:
        raise BadTime(f"{what} {text!r}: CAP 1.2 forbids 'Z'; write the offset as -00:00 or +08:00")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError as exc:
        raise BadTime(f"{what} {text!r}: {exc}") from None
