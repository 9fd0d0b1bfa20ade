"""Camera credentials at rest: encrypted in the hub's store, the key in a file of its own.

The hub keeps the cameras' users and passwords (console/site/credentials.py) so a
restarted hub can hand them to consoles before its site folder is read again. They
are stored as one Fernet token (AES-128-CBC + HMAC-SHA256, `cryptography`) in the
store's settings; the key lives in a separate file (created 0600 on first use), so a
copy of the database alone does not give the passwords away.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

from cryptography.fernet import Fernet, InvalidToken

#: the settings key of the encrypted credentials
SETTING = "camera_credentials"


class Secret(NamedTuple):
    """A camera's user and password as the vault gives them back."""

    username: str
    password: str

    def __repr__(self) -> str:  # a traceback or a debug print never shows the password
        return f"Secret(username={self.username!r}, password='***')"


class VaultError(RuntimeError):
    """The key file cannot be used, or the stored credentials were sealed with another key."""


def load_key(path: str | Path) -> bytes:
    """The Fernet key in `path`, made (readable by its owner only) when the file does not exist."""
    path = Path(path)
    if not path.exists():
        key = Fernet.generate_key()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key + b"\n")
        return key
    key = path.read_bytes().strip()
    try:
        Fernet(key)
    except ValueError:
        raise VaultError(f"{path} is not a credentials key (32 url-safe base64 bytes)") from None
    return key


class CredentialVault:
    """Credentials by camera id, sealed with a key kept outside the store; `store` has get/put_setting."""

    def __init__(self, store, key_path: str | Path):
        self._store = store
        self._fernet = Fernet(load_key(key_path))

    def save(self, credentials: dict) -> None:
        """Seal and store camera id → object with `username` and `password` (replacing what was stored)."""
        plain = json.dumps({cid: [c.username, c.password] for cid, c in sorted(credentials.items())})
        self._store.put_setting(SETTING, self._fernet.encrypt(plain.encode("utf-8")))

    def load(self) -> dict[str, Secret]:
        """camera id → its Secret as last saved ({} when nothing was)."""
        sealed = self._store.get_setting(SETTING)
        if sealed is None:
            return {}
        try:
            plain = self._fernet.decrypt(sealed)
        except InvalidToken:
            raise VaultError("the stored camera credentials were sealed with another key") from None
        return {cid: Secret(u, p) for cid, (u, p) in json.loads(plain).items()}
