"""multipart/form-data bodies (a phone's upload form), parsed by the standard library's MIME parser."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser


class FormError(ValueError):
    """A body that is not a usable multipart form."""


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], list[tuple[str, str, bytes]]]:
    """(text fields, files as (field name, file name, bytes)); a repeated text field keeps its first value."""
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type:
        raise FormError("expected multipart/form-data with a boundary")
    msg = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
    if not msg.is_multipart() or msg.defects:
        raise FormError(f"malformed multipart body ({', '.join(type(d).__name__ for d in msg.defects) or 'no parts'})")
    fields: dict[str, str] = {}
    files: list[tuple[str, str, bytes]] = []
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            raise FormError("a form part without a name")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files.append((name, filename, payload))
        else:
            try:
                fields.setdefault(name, payload.decode("utf-8").strip())
            except UnicodeDecodeError:
                raise FormError(f"field {name!r} is not UTF-8") from None
    return fields, files
