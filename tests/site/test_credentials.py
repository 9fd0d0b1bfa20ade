"""Camera credentials apart from the camera list: the folder's file, the environment, and a URL that
still carries a password (loaded without it, with a warning)."""

from __future__ import annotations

import pytest

from console.cli import main
from console.site import load_site
from console.site.credentials import CREDENTIALS_ENV, CREDENTIALS_FILE, split_userinfo
from tests.site.sitefolder import write_site

PASSWORD = "p@ss:w0rd%2F"


def test_a_password_in_cameras_csv_is_taken_out_of_the_url_and_warned_about(tmp_path, capsys):
    root = write_site(tmp_path / "s")
    text = (root / "cameras.csv").read_text(encoding="utf-8")
    (root / "cameras.csv").write_text(text.replace("rtsp://10.0.0.1/main", "rtsp://admin:hunter2@10.0.0.1/main"),
                                      encoding="utf-8")
    site = load_site(root)
    cam = next(c for c in site.baseline.cameras if c.id == "CAM1")
    assert (cam.main, cam.stream) == ("rtsp://10.0.0.1/main", "rtsp://10.0.0.1/main")
    assert (site.credentials["CAM1"].username, site.credentials["CAM1"].password) == ("admin", "hunter2")
    assert "hunter2" not in repr(site.credentials)
    assert len(site.warnings) == 1 and "CAM1" in str(site.warnings[0])
    assert main(["site", "check", str(root)]) == 0
    out = capsys.readouterr().out
    assert "warning: cameras.csv" in out and CREDENTIALS_FILE in out and "hunter2" not in out


def test_the_credentials_file_and_the_environment(tmp_path, monkeypatch):
    root = write_site(tmp_path / "s")
    (root / CREDENTIALS_FILE).write_text(f"id,username,password\nCAM1,admin,{PASSWORD}\n", encoding="utf-8")
    site = load_site(root)
    assert site.credentials["CAM1"].password == PASSWORD and not site.warnings
    assert all("@" not in c.main for c in site.baseline.cameras)
    elsewhere = tmp_path / "secrets.csv"
    elsewhere.write_text("编号,用户名,密码\nCAM2,viewer,other\n", encoding="utf-8")
    monkeypatch.setenv(CREDENTIALS_ENV, str(elsewhere))
    assert set(load_site(root).credentials) == {"CAM2"}
    monkeypatch.setenv(CREDENTIALS_ENV, str(tmp_path / "missing.csv"))
    with pytest.raises(Exception, match="not a file"):
        load_site(root)


def test_split_userinfo_keeps_everything_but_the_user_and_password():
    assert split_userinfo("rtsp://a%40b:c%3Ad@10.0.0.1:554/x?ch=1") == (
        "rtsp://10.0.0.1:554/x?ch=1", split_userinfo("rtsp://a%40b:c%3Ad@h/")[1])
    assert split_userinfo("rtsp://a%40b:c%3Ad@h/")[1].password == "c:d"
    assert split_userinfo("http://10.0.0.1/live.ts") == ("http://10.0.0.1/live.ts", None)
