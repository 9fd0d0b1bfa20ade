"""Still pictures an alert refers to: an AI camera's snapshot, a grid worker's photos, fetched and decoded.

An alert names its pictures by URL (`Alert.snapshot`, `Alert.photo`: the
gateway stores each image once under its SHA-256 and serves it at
`/photos/<sha256>.<jpg|png>`, GATEWAY.md), or, for the synthetic world and
alerts without an image, `snap://<camera>/<time>`: a picture the console keeps
itself from the camera's ring (`evidence.EvidenceKeeper`). Fetching and
decoding are blocking: call them from a worker thread, never the GUI thread.
"""

from __future__ import annotations

import io
import urllib.request
from dataclasses import dataclass

import numpy as np
import simplejpeg

#: an image larger than this is refused (the gateway caps photos at 4 MiB)
MAX_IMAGE_BYTES = 8 << 20
#: a picture server that does not answer in this long is given up on (s)
FETCH_TIMEOUT_S = 5.0
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class StillError(Exception):
    """A picture that could not be fetched or decoded; the reason is for the log and the tooltip."""


@dataclass(frozen=True, slots=True)
class StillRef:
    """One picture of an alert: `kind` "snapshot" or "photo", and where it is."""

    kind: str
    ref: str

    @property
    def fetchable(self) -> bool:
        """Whether the picture is on a server (else the console keeps it, or nobody has it)."""
        return self.ref.startswith(("http://", "https://"))


def still_refs(snapshot: str | None, photo: str | None) -> list[StillRef]:
    """The pictures an alert names: its snapshot first, then each photo (space-separated URLs)."""
    out = [StillRef("snapshot", snapshot)] if snapshot else []
    out += [StillRef("photo", url) for url in (photo or "").split() if url]
    return out


def fetch(url: str, *, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
    """The bytes at an http(s) URL (no proxy: pictures are on the site's own network); StillError if not."""
    if not url.startswith(("http://", "https://")):
        raise StillError(f"not an http(s) URL: {url[:80]}")
    try:
        with _NO_PROXY.open(urllib.request.Request(url, headers={"Accept": "image/jpeg, image/png"}),
                            timeout=timeout) as r:
            data = r.read(max_bytes + 1)
    except OSError as exc:  # URLError, HTTPError, timeouts and refusals are all OSErrors
        raise StillError(f"cannot fetch the picture: {exc}") from None
    if len(data) > max_bytes:
        raise StillError(f"picture over {max_bytes} bytes")
    return data


def decode(data: bytes, max_side: int = 0) -> np.ndarray:
    """RGB pixels (height × width × 3, uint8) of a JPEG or PNG, shrunk to fit `max_side` if given."""
    if data[:2] == b"\xff\xd8":
        try:
            rgb = simplejpeg.decode_jpeg(data, colorspace="RGB")
        except ValueError as exc:
            raise StillError(f"damaged JPEG: {exc}") from None
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        from PIL import Image
        try:
            with Image.open(io.BytesIO(data)) as img:
                rgb = np.asarray(img.convert("RGB"))
        except Exception as exc:  # Pillow raises many kinds for damaged files
            raise StillError(f"damaged PNG: {exc}") from None
    else:
        raise StillError("not a JPEG or PNG")
    if max_side and max(rgb.shape[:2]) > max_side:
        step = -(-max(rgb.shape[:2]) // max_side)
        rgb = rgb[::step, ::step]  # a thumbnail: plain subsampling is enough, Qt smooths the rest
    return np.ascontiguousarray(rgb)
