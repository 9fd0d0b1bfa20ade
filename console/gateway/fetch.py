"""A webhook's own picture or clip, fetched by the gateway from the URL the AI box gave (its NVR).

The box may send `snapshot_url` / `clip_url` instead of the bytes. The gateway fetches them once,
when the event arrives (the NVR may keep them only for minutes, and consoles may not reach it),
and stores them as it stores a photo report's photo: content-addressed under the gateway's photo
folder, served at the gateway's own URL. Bounded: `http(s)://` only, one connection, a total
timeout, at most three redirects, the declared and the received length capped (the body is read in
chunks and dropped past the cap), and the content type checked against what was asked for.
Environment proxies are not used (`trust_env=False`): the NVR is on the site's network.
"""

from __future__ import annotations

import aiohttp

#: a snapshot: the photo's cap (photos.MAX_PHOTO_BYTES); a clip: about 30 s of a 1080p main stream
MAX_SNAPSHOT_BYTES = 4 << 20
MAX_CLIP_BYTES = 32 << 20
#: seconds for the whole fetch (connect, headers, body)
SNAPSHOT_TIMEOUT_S = 5.0
CLIP_TIMEOUT_S = 15.0
MAX_REDIRECTS = 3
#: content type → stored file extension
IMAGE_TYPES = {"image/jpeg": "jpg", "image/jpg": "jpg", "image/png": "png"}
CLIP_TYPES = {"video/mp4": "mp4", "video/x-matroska": "mkv", "video/matroska": "mkv", "video/mp2t": "ts"}


class FetchFailed(Exception):
    """The URL did not give what was asked for: a code and a reason for the sender."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


async def fetch(url: str, types: dict[str, str], *, max_bytes: int, timeout_s: float) -> tuple[bytes, str]:
    """(body, stored extension) of `url`, or FetchFailed (bad scheme, status, type, size, time)."""
    if not url.startswith(("http://", "https://")):
        raise FetchFailed("invalid", "must be an http:// or https:// URL")
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    try:
        async with aiohttp.ClientSession(timeout=timeout, trust_env=False) as session:
            async with session.get(url, max_redirects=MAX_REDIRECTS, allow_redirects=True) as resp:
                if resp.status != 200:
                    raise FetchFailed("fetch_failed", f"the URL answered HTTP {resp.status}")
                kind = resp.content_type.lower()
                if kind not in types:
                    raise FetchFailed("bad_type", f"the URL served {kind or 'no content type'}, "
                                                  f"not one of {', '.join(sorted(types))}")
                if resp.content_length is not None and resp.content_length > max_bytes:
                    raise FetchFailed("too_large", f"the URL serves {resp.content_length} bytes, over {max_bytes}")
                body = bytearray()
                async for chunk in resp.content.iter_chunked(64 << 10):
                    body += chunk
                    if len(body) > max_bytes:
                        raise FetchFailed("too_large", f"the URL served over {max_bytes} bytes")
                return bytes(body), types[kind]
    except FetchFailed:
        raise
    except TimeoutError:
        raise FetchFailed("fetch_timeout", f"no whole answer within {timeout_s:.0f} s") from None
    except aiohttp.TooManyRedirects:
        raise FetchFailed("fetch_failed", f"more than {MAX_REDIRECTS} redirects") from None
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        raise FetchFailed("fetch_failed", f"{type(exc).__name__}: {exc}"[:200]) from None
