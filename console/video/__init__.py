"""Camera video off the GUI thread: decode binary frames, keep the newest per camera.

No Qt here: the camera wall wraps the decoded pixels in a `QImage` itself.
"""

from console.video.pool import DecodedFrame, DecodePool, FrameSink, FrameStats

__all__ = ["DecodedFrame", "DecodePool", "FrameSink", "FrameStats"]
