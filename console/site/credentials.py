"""Camera credentials, kept apart from the camera list.

`cameras.csv` is shared with whoever maintains the site (and sent to every console
as camera records), so it holds URLs without user or password. The credentials
live in `camera_credentials.csv` beside it (columns id, username, password; a
file only the hub's operator reads), or, for a folder that must not hold them at
all, in the file named by the environment variable `DUTY_CAMERA_CREDENTIALS`.
A URL in `cameras.csv` that still carries a user and password is taken apart
here: the URL goes on without them and `site check` warns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from console.site.tables import TableError, read_table

#: the credentials file of a site folder
CREDENTIALS_FILE = "camera_credentials.csv"
#: an environment variable naming a credentials file outside the folder (it wins over the folder's)
CREDENTIALS_ENV = "DUTY_CAMERA_CREDENTIALS"
COLUMNS = {"id": ("id", "编号", "设备编号"), "username": ("username", "user", "用户名"),
           "password": ("password", "密码")}


@dataclass(frozen=True, slots=True)
class Credential:
    """A camera's user and password (the password is never shown or logged)."""

    username: str
    password: str

    def __repr__(self) -> str:  # a traceback or a debug print never shows the password
        return f"Credential(username={self.username!r}, password='***')"


def split_userinfo(url: str) -> tuple[str, Credential | None]:
    """(the URL without user and password, the credential it carried or None)."""
    if "@" not in url or "://" not in url:
        return url, None
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    host = parts.netloc.rsplit("@", 1)[1]
    bare = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return bare, Credential(unquote(parts.username or ""), unquote(parts.password or ""))


def read_credentials(root: Path, errors) -> dict[str, Credential]:
    """camera id → credential from the credentials file (env, else the folder's); problems go to `errors`.

    `errors.add(file, row, col, message)` as the loader's error list takes them.
    """
    env = os.environ.get(CREDENTIALS_ENV)
    path = Path(env) if env else root / CREDENTIALS_FILE
    name = str(path) if env else CREDENTIALS_FILE
    if not path.is_file():
        if env:
            errors.add(name, 0, 0, f"{CREDENTIALS_ENV} names {path}, which is not a file")
        return {}
    try:
        table = read_table(path)
    except TableError as exc:
        errors.add(name, exc.row, exc.col, exc.message)
        return {}
    ix: dict[str, int] = {}
    for i, h in enumerate(table.header):
        for canon, names in COLUMNS.items():
            if h.lower() in names and canon not in ix:
                ix[canon] = i
    missing = [c for c in COLUMNS if c not in ix]
    if missing:
        errors.add(name, 1, 1, f"missing column(s) {', '.join(missing)} (header has: {', '.join(table.header)})")
        return {}
    out: dict[str, Credential] = {}
    for row, cells in table.rows:
        get = lambda c: (cells[ix[c]].strip() if ix[c] < len(cells) else "")  # noqa: E731
        cid = get("id")
        if not cid:
            errors.add(name, row, ix["id"] + 1, "empty id")
            continue
        out[cid] = Credential(get("username"), get("password"))
    return out

