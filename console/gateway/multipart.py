"""multipart/form-data bodies (a phone's upload form), read as they arrive: files straight to disk.

aiohttp's multipart reader splits the stream into parts; each file part is
written in CHUNK-byte pieces to a temporary file in the spool folder, so a
form costs about one chunk of memory however large its photos are. Limits are
checked while reading (a seventh photo, a photo over its cap, a text field
over its cap), so an oversized form is refused without being read to the end.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import BodyPartReader, MultipartReader

from console.gateway.http import HttpRefused

#: bytes read from the socket and written to disk at a time
CHUNK = 64 * 1024
#: the longest text field (bytes): report texts are at most a few thousand characters
MAX_FIELD_BYTES = 64 * 1024
#: transfer encodings a form part may declare (RFC 7578 §4.7: none other is sent by browsers)
_PLAIN = ("", "binary", "8bit", "7bit")


class FormError(ValueError):
    """A body that is not a usable multipart form."""


@dataclass(slots=True)
class FormFile:
    """One uploaded file, spooled to disk: its form field, its file name, where it is, how big."""

    field: str
    filename: str
    path: Path
    size: int


@dataclass(slots=True)
class Form:
    """Text fields (a repeated field keeps its first value) and files; `close()` removes the spooled files."""

    fields: dict[str, str] = field(default_factory=dict)
    files: list[FormFile] = field(default_factory=list)

    def close(self) -> None:
        for f in self.files:
            try:
                os.unlink(f.path)
            except FileNotFoundError:
                pass
        self.files.clear()


async def read_form(raw, spool: Path, *, max_files: int, max_file_bytes: int, file_field: str = "photo",
                    timeout: float = 30.0) -> Form:
    """Read the request's form; FormError for a malformed one, HttpRefused 413 / 408 for limits and time."""
    ctype = raw.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data") or "boundary=" not in ctype:
        raise FormError("expected multipart/form-data with a boundary")
    form = Form()
    try:
        async with asyncio.timeout(timeout):
            reader = await raw.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                await _read_part(part, form, spool, max_files, max_file_bytes, file_field)
    except TimeoutError:
        form.close()
        raise HttpRefused(408, "timeout", "request not received in time") from None
    except (FormError, HttpRefused):
        form.close()
        raise
    except (ValueError, AssertionError, RuntimeError, UnicodeError) as exc:  # what aiohttp's reader raises
        form.close()
        raise FormError(f"malformed multipart body ({exc})") from None
    except BaseException:
        form.close()
        raise
    return form


async def _read_part(part, form: Form, spool: Path, max_files: int, max_file_bytes: int, file_field: str) -> None:
    if isinstance(part, MultipartReader) or not isinstance(part, BodyPartReader):
        raise FormError("a nested multipart part is not a form field")
    name = part.name
    if not name:
        raise FormError("a form part without a name")
    if (part.headers.get("content-transfer-encoding") or "").lower() not in _PLAIN:
        raise FormError(f"field {name!r}: Content-Transfer-Encoding is not taken in a form (RFC 7578)")
    if part.filename is None:
        data = bytearray()
        while chunk := await part.read_chunk(CHUNK):
            data += chunk
            if len(data) > MAX_FIELD_BYTES:
                raise HttpRefused(413, "too_large", f"field {name!r} is over {MAX_FIELD_BYTES} bytes")
        try:
            form.fields.setdefault(name, data.decode("utf-8").strip())
        except UnicodeDecodeError:
            raise FormError(f"field {name!r} is not UTF-8") from None
        return
    if name == file_field and sum(f.field == file_field for f in form.files) >= max_files:
        raise HttpRefused(413, "too_many_photos", f"more than {max_files} photos; at most {max_files}")
    fd, tmp = tempfile.mkstemp(dir=spool, suffix=".part")
    # registered first, so a refusal below removes the file
    upload = FormFile(name, part.filename, Path(tmp), 0)
    form.files.append(upload)
    with os.fdopen(fd, "wb") as out:
        while chunk := await part.read_chunk(CHUNK):
            upload.size += len(chunk)
            if upload.size > max_file_bytes:
                raise HttpRefused(413, "too_large", f"{file_field} {part.filename!r} is over {max_file_bytes} bytes")
            out.write(chunk)  # page cache: microseconds per chunk, not worth a thread hop
