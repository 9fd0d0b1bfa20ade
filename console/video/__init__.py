"""Camera video off the GUI thread: hub frames decoded in a pool, camera streams pulled with PyAV.

No Qt here: the camera wall wraps the decoded pixels in a `QImage` itself.
See README.md for the pieces and the decoder decision.
"""

from console.video.pool import DecodedFrame, DecodePool, FrameSink, FrameStats
from console.video.sources import StreamSources, Want
from console.video.status import StreamStatus

__all__ = ["DecodedFrame", "DecodePool", "FrameSink", "FrameStats", "StreamSources", "StreamStatus", "Want"]
