"""Camera video off the GUI thread: hub frames decoded in a pool, camera streams pulled with PyAV.

No Qt here: the camera wall wraps the decoded pixels in a `QImage` itself.
See README.md for the pieces and the decoder decision.

The names below are loaded on first use: the hub imports only `console.video.urls` and
`liveness`, and PyAV (70 ms) is not on the demo hub's path to listening (P5).
"""

from __future__ import annotations

import importlib

_WHERE = {"DecodedFrame": "pool", "DecodePool": "pool", "FrameSink": "pool", "FrameStats": "pool",
          "StreamSources": "sources", "Want": "sources", "StreamStatus": "status"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f"console.video.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'console.video' has no attribute {name!r}")
