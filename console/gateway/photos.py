"""Photos from the field and AI snapshots: checked, stripped of metadata, stored by content hash.

A phone photo carries its maker, serial numbers, software, thumbnails and
sometimes the owner's name; the console needs none of that. Each image is
decoded (JPEG or PNG only, size- and pixel-capped, so a decompression bomb is
refused), turned upright by its EXIF orientation, and re-encoded with only the
EXIF it needs kept: when it was taken (DateTime, DateTimeOriginal and its
offset) and where (the GPS block). The result is stored once under its SHA-256
and served by the gateway at /photos/<sha256>.<jpg|png>.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from pathlib import Path

from PIL import Image, ImageOps

MAX_PHOTO_BYTES = 4 << 20
MAX_PIXELS = 40_000_000
#: a PNG is decoded whole (no reduced decoding as for JPEG): fewer pixels, so one costs at most ~64 MB
MAX_PNG_PIXELS = 16_000_000
#: the longest side of a stored image: larger ones are scaled down (a JPEG already while decoding, at
#: 1/2, 1/4 or 1/8 size, so a 40 Mpixel photo never exists in memory at full size)
MAX_EDGE = 2560
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
#: DateTime in IFD0; DateTimeOriginal, OffsetTimeOriginal, DateTimeDigitized in the Exif IFD
_KEEP_IFD0 = (0x0132,)
_KEEP_EXIF = (0x9003, 0x9011, 0x9004)
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png")}
NAME = re.compile(r"[0-9a-f]{64}\.(jpg|png|mp4|mkv|ts)")
#: what each stored name's extension is served as (an AI box's clip is stored beside the photos)
SERVED_TYPES = {"jpg": "image/jpeg", "png": "image/png", "mp4": "video/mp4", "mkv": "video/x-matroska",
                "ts": "video/mp2t"}


class PhotoRefused(Exception):
    """An image we do not take; status, code and reason for the sender."""

    def __init__(self, status: int, code: str, reason: str):
        super().__init__(reason)
        self.status, self.code, self.reason = status, code, reason


def _fit(width: int, height: int) -> tuple[int, int]:
    k = min(1.0, MAX_EDGE / max(width, height))
    return max(1, round(width * k)), max(1, round(height * k))


def strip_image(data: bytes | str | Path, what: str = "photo") -> tuple[bytes, str]:
    """(clean image bytes, "jpg" | "png") of image bytes or a file: only time and position EXIF kept.

    Scaled down to MAX_EDGE on its longest side. Memory: a JPEG is decoded at the
    smallest of 1/1, 1/2, 1/4, 1/8 size still at least the stored size (≤ ~40 MB for
    the largest photo taken), a PNG whole (≤ 64 MB at MAX_PNG_PIXELS).
    """
    size = len(data) if isinstance(data, bytes) else os.path.getsize(data)
    if size > MAX_PHOTO_BYTES:
        raise PhotoRefused(413, "too_large", f"{what} of {size} bytes is over {MAX_PHOTO_BYTES}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data) if isinstance(data, bytes) else data)
            fmt = img.format
            if fmt not in FORMATS:
                raise PhotoRefused(415, "unsupported_media_type", f"{what} is {fmt or 'not an image'}; send JPEG or PNG")
            cap = MAX_PNG_PIXELS if fmt == "PNG" else MAX_PIXELS
            if img.width * img.height > cap:
                raise PhotoRefused(413, "too_large", f"{what} is {img.width}×{img.height}, over {cap} pixels "
                                                     f"(a {fmt})")
            target = _fit(img.width, img.height)
            if fmt == "JPEG" and target != img.size:
                img.draft(img.mode, target)
            img.load()
    except PhotoRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise PhotoRefused(413, "too_large", f"{what} has too many pixels") from None
    except Exception as exc:  # truncated or corrupt data: Pillow raises many kinds
        raise PhotoRefused(400, "bad_image", f"{what} cannot be decoded: {exc}") from None
    src = img.getexif()
    keep = Image.Exif()
    for tag in _KEEP_IFD0:
        if tag in src:
            keep[tag] = src[tag]
    exif_ifd = src.get_ifd(_EXIF_IFD)
    kept = {t: exif_ifd[t] for t in _KEEP_EXIF if t in exif_ifd}
    if kept:
        keep.get_ifd(_EXIF_IFD).update(kept)
    gps = src.get_ifd(_GPS_IFD)
    if gps:
        keep.get_ifd(_GPS_IFD).update(gps)
    if max(img.size) > MAX_EDGE:
        img = img.resize(_fit(*img.size), Image.Resampling.LANCZOS)
    ImageOps.exif_transpose(img, in_place=True)  # upright, without a copy when it already is
    out = io.BytesIO()
    ext = FORMATS[fmt][0]
    if fmt == "JPEG":
        if img.mode not in ("RGB", "L", "CMYK"):
            img = img.convert("RGB")
        img.save(out, "JPEG", quality=90, exif=keep.tobytes())
    else:
        img.save(out, "PNG", exif=keep.tobytes() if len(keep) or kept or gps else None)
    return out.getvalue(), ext


class PhotoStore:
    """A content-addressed folder: <sha256>.<ext>, written once, atomically."""

    def __init__(self, root: str | Path, public_url: str):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.public_url = public_url.rstrip("/")

    def put(self, data: bytes, ext: str) -> str:
        """Store clean image bytes; returns the URL a console fetches them from."""
        name = f"{hashlib.sha256(data).hexdigest()}.{ext}"
        path = self.root / name
        if not path.exists():
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return f"{self.public_url}/photos/{name}"

    def get(self, name: str) -> tuple[bytes, str] | None:
        """(bytes, content type) of a stored photo, or None (also for any name that is not a hash)."""
        if not NAME.fullmatch(name):
            return None
        path = self.root / name
        if not path.is_file():
            return None
        return path.read_bytes(), SERVED_TYPES[name.rsplit(".", 1)[1]]
