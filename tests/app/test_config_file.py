"""One TOML file for hub, gateway and console: `config check`, flags over the file, secrets."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys

import pytest

from console.cli import main


@pytest.fixture
def started(monkeypatch):
    """What `main` would run for demo/console: the console config and the embedded hub's."""
    seen: list = []
    monkeypatch.setattr("console.app.console.run_app", lambda cfg, hub_cfg=None: seen.append((cfg, hub_cfg)) or 0)
    level = logging.root.level
    yield seen
    logging.root.setLevel(level)


def _write(path, text: str, mode: int = 0o600):
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_config_check_names_each_bad_key_by_its_line(tmp_path, capsys):
    cfg = _write(tmp_path / "duty.toml", """# the town's hub
[hub]
host = "127.0.0.1"
prot = 8765
fps = "fast"
no_field = "yes"

[gatway]
port = 1

[console]
lang = "fr"
url = "ws://127.0.0.1:8765"
""")
    assert main(["config", "check", str(cfg)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{cfg}:4: [hub] prot: unknown key (did you mean port?)",
        f"{cfg}:5: [hub] fps: wants a number, not 'fast'",
        f"{cfg}:6: [hub] no_field: wants true or false, not 'yes'",
        f"{cfg}:8: [gatway]: unknown section (did you mean [gateway]?)",
        f"{cfg}:12: [console] lang: wants one of zh, en, not 'fr'",
    ]


def test_a_file_that_is_not_toml_is_named_at_its_line(tmp_path, capsys):
    cfg = _write(tmp_path / "bad.toml", "[hub]\nport = 8765\nhost = 127.0.0.1\n")
    assert main(["config", "check", str(cfg)]) == 1
    assert re.match(rf"{re.escape(str(cfg))}:3: not TOML: ", capsys.readouterr().out)


def test_every_flag_is_a_key_and_a_good_file_checks_ok(tmp_path, capsys):
    secret = _write(tmp_path / "nats-password", "s3cret\n")
    tokens = _write(tmp_path / "tokens.json", "[]")
    cfg = _write(tmp_path / "duty.toml", f"""
[hub]
host = "0.0.0.0"
insecure = true
port = 9000
db = "sqlite:////var/lib/duty-console/hub.db"
scenario = "none"
no_field = true
follow = ["T1", "T2"]
record_fps = 2
tokens = "{tokens}"
nats = "nats://127.0.0.1:4222"
center = "D"
nats_user = "district"
nats_password_file = "{secret.name}"

[gateway]
site = "{tmp_path}"
hub_token = "ingest"

[console]
url = "wss://hub:8765"
wall = true
live_tiles = 9
""")
    assert main(["config", "check", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == f"{cfg}: OK ([hub] 13 key(s), [gateway] 2 key(s), [console] 3 key(s))", out


def test_the_hub_serves_what_the_file_says_and_a_flag_wins(tmp_path):
    cfg = _write(tmp_path / "hub.toml", f"""[hub]
scenario = "none"
db = "sqlite:///{tmp_path / 'from-file.db'}"
port = 1
""")
    proc = subprocess.Popen([sys.executable, "-m", "console", "hub", "--config", str(cfg), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    assert re.match(r"hub serving ws://127\.0\.0\.1:(\d+) ", line), line
    assert int(re.search(r":(\d+) ", line).group(1)) > 1, "--port 0 on the command line beats port = 1"
    assert f"db=sqlite:///{tmp_path / 'from-file.db'}" in line and (tmp_path / "from-file.db").exists()


def test_a_bad_config_stops_the_hub_before_it_starts(tmp_path, capsys):
    cfg = _write(tmp_path / "hub.toml", "[hub]\nport = \"eighty\"\n")
    assert main(["hub", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert f"{cfg}:2: [hub] port: wants a whole number, not 'eighty'" in err and "not started" in err


def test_demo_reads_hub_and_console_sections_and_flags_win(tmp_path, started):
    cfg = _write(tmp_path / "duty.toml", "[hub]\nspeed = 4\nseed = 7\n\n[console]\nlang = \"en\"\nlive_tiles = 4\n")
    assert main(["demo", "--config", str(cfg), "--live-tiles", "12"]) == 0
    console_cfg, hub_cfg = started[0]
    assert hub_cfg.speed == 4 and console_cfg.lang == "en" and console_cfg.live_tiles == 12


def test_the_camera_offline_threshold_and_the_quiet_limit_come_from_the_hub_section(tmp_path, started):
    cfg = _write(tmp_path / "duty.toml", "[hub]\ncamera_offline_s = 12\ncamera_alarms = 2\n")
    assert main(["demo", "--config", str(cfg), "--camera-alarm-period-s", "600"]) == 0
    hub_cfg = started[0][1]
    assert (hub_cfg.camera_offline_s, hub_cfg.camera_alarms, hub_cfg.camera_alarm_period_s) == (12.0, 2, 600.0)


def test_secrets_come_from_a_file_or_the_environment_and_others_readable_is_warned(tmp_path, started,
                                                                                   monkeypatch, capsys):
    token = _write(tmp_path / "token", "from-file\n", mode=0o644)
    cfg = _write(tmp_path / "console.toml", f"[console]\ntoken_file = \"{token}\"\n", mode=0o644)
    monkeypatch.delenv("DUTY_TOKEN", raising=False)
    assert main(["console", "--config", str(cfg)]) == 0
    assert started[-1][0].token == "from-file"
    assert f"{cfg}:2: [console] token_file: {token} can be read by every user" in capsys.readouterr().err
    monkeypatch.setenv("DUTY_TOKEN", "from-env")
    assert main(["console", "--config", str(cfg)]) == 0
    assert started[-1][0].token == "from-env", "the environment beats the file"
    assert main(["console", "--config", str(cfg), "--token", "from-flag"]) == 0
    assert started[-1][0].token == "from-flag", "a flag beats both"

    inline = _write(tmp_path / "inline.toml", "[console]\ntoken = \"inline\"\n", mode=0o644)
    monkeypatch.delenv("DUTY_TOKEN")
    assert main(["config", "check", str(inline)]) == 0
    assert "a secret written inline in a file every user may read" in capsys.readouterr().out
    os.chmod(inline, 0o600)
    assert main(["config", "check", str(inline)]) == 0
    assert "warning" not in capsys.readouterr().out


def test_a_file_or_folder_a_key_names_must_exist(tmp_path, capsys):
    missing = _write(tmp_path / "gw.toml", "[gateway]\nsite = \"/nowhere/site\"\n")
    assert main(["gateway", "--config", str(missing)]) == 2
    assert f"{missing}:2: [gateway] site: /nowhere/site does not exist" in capsys.readouterr().err
