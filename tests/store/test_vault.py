"""Camera credentials at rest in the hub's store: sealed with a key file kept apart from the database."""

from __future__ import annotations

import os
import stat

import pytest

from console.site import load_site
from console.site.credentials import CREDENTIALS_FILE
from console.store import Store
from console.store.vault import CredentialVault, VaultError
from tests.site.sitefolder import write_site

PASSWORD = "p@ss:w0rd%2F"


def test_the_hub_keeps_them_sealed_with_a_key_file_of_its_own(tmp_path):
    root = write_site(tmp_path / "s")
    (root / CREDENTIALS_FILE).write_text(f"id,username,password\nCAM1,admin,{PASSWORD}\n", encoding="utf-8")
    creds = load_site(root).credentials
    db, key = tmp_path / "hub.db", tmp_path / "hub.db.credentials-key"
    with Store(f"sqlite:///{db}") as store:
        CredentialVault(store, key).save(creds)
        assert CredentialVault(store, key).load()["CAM1"].password == PASSWORD
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.name.startswith("hub.db"))
    assert PASSWORD.encode() not in raw and b"admin" not in raw
    with Store(f"sqlite:///{db}") as store, pytest.raises(VaultError, match="another key"):
        CredentialVault(store, tmp_path / "other.key").load()
