"""`make deb`, then the package installed with dpkg, its hub run as its unit says, backed up, restored, purged.

The package is installed with `dpkg --root=ROOT --force-script-chrootless -i` into a fresh
root this test makes: dpkg unpacks it, records it in ROOT's own dpkg database and runs its
real maintainer scripts with DPKG_ROOT=ROOT (the service user goes into ROOT/etc/passwd by
systemd-sysusers --root). Nothing of the machine running the test is touched; the package's
Depends are not installed in that root, hence --force-depends (they are the machine's own:
python3.11, libc6). The hub is then started from ROOT as duty-hub.service's ExecStart says,
as the service user (by uid), with its working directory and environment; only its paths
are re-rooted and its port made free (flags on top of the config file, as an operator would).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from configparser import ConfigParser
from pathlib import Path

import pytest

from console.protocol import messages as m
from tests.hub.harness import Client
from tests.hub.test_hub import _alert

REPO = Path(__file__).resolve().parents[2]
PREFIX = "/usr/lib/duty-console"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("dpkg-deb") is None or shutil.which("dpkg") is None,
                       reason="dpkg-deb is not installed (a Debian machine builds the package)"),
    pytest.mark.skipif(os.geteuid() != 0, reason="dpkg installs (into a temp root) as root only"),
    pytest.mark.skipif(not Path("/usr/bin/python3.11").exists(), reason="the package's venv needs Debian's python3.11"),
]


def _run(*cmd, **kw) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r


def _dpkg(root: Path, *args) -> subprocess.CompletedProcess:
    return _run("dpkg", f"--root={root}", "--force-script-chrootless", "--force-depends", "--log=/dev/null", *args)


def _unit(root: Path, name: str) -> ConfigParser:
    unit = ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(root / "lib/systemd/system" / name)
    return unit


def _get(port: int, path: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture(scope="module")
def deb(tmp_path_factory) -> Path:
    """`make deb` (uncompressed: the test unpacks it at once; the dependency venv is cached in build/deb)."""
    out = tmp_path_factory.mktemp("deb")
    env = {**os.environ, "DEB_OUT": str(out)}
    env.pop("PYTHONPATH", None)
    _run("make", "-C", str(REPO), "deb", "DEB_COMPRESS=none", env=env, timeout=600)
    debs = list(out.glob("duty-console_*.deb"))
    assert len(debs) == 1, debs
    return debs[0]


@pytest.fixture
def root():
    """A fresh root with an empty dpkg database (world-traversable: the service user runs in it)."""
    path = Path(tempfile.mkdtemp(prefix="duty-deb-root-"))
    path.chmod(0o755)
    (path / "var/lib/dpkg/info").mkdir(parents=True)
    (path / "var/lib/dpkg/updates").mkdir()
    (path / "var/lib/dpkg/status").touch()
    (path / "etc").mkdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _ids(root: Path, name: str) -> tuple[int, int]:
    for line in (root / "etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == name:
            return int(fields[2]), int(fields[3])
    raise AssertionError(f"no {name} in {root}/etc/passwd")


def _hub_command(root: Path, db: Path) -> tuple[list[str], dict[str, str], Path]:
    """duty-hub.service's ExecStart, environment and working directory, re-rooted under `root`."""
    service = _unit(root, "duty-hub.service")["Service"]
    argv = shlex.split(service["ExecStart"])
    rooted = [str(root) + a if a.startswith("/") and (root / a.lstrip("/")).exists() else a for a in argv]
    assert rooted[0] == f"{root}{PREFIX}/venv/bin/python" and "--config" in rooted, rooted
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    for assignment in shlex.split(service["Environment"]):
        key, _, value = assignment.partition("=")
        env[key] = value
    cwd = root / service["WorkingDirectory"].lstrip("/")
    env["HOME"] = str(cwd)
    # the flags an operator adds on top of the file: a free port, the db where this root keeps it
    return rooted + ["--port", "0", "--db", f"sqlite:///{db}"], env, cwd


def _verify_units(root: Path) -> None:
    """systemd-analyze verify on the installed units. The package is installed under `root`, not at
    /, so the one complaint allowed is that its own interpreter is missing at its real path."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    units = root / "lib/systemd/system"
    instance = Path(tempfile.mkdtemp()) / "duty-hub@T1.service"  # a template is verified as an instance
    shutil.copy(units / "duty-hub@.service", instance)
    r = subprocess.run(["systemd-analyze", "verify", str(units / "duty-hub.service"),
                        str(units / "duty-gateway.service"), str(instance)], capture_output=True, text=True)
    shutil.rmtree(instance.parent)
    missing = f"Command {PREFIX}/venv/bin/python is not executable: No such file or directory"
    problems = [line for line in (r.stdout + r.stderr).splitlines()
                if line.strip() and not (missing in line and not Path(f"{PREFIX}/venv/bin/python").exists())]
    assert not problems, problems


@pytest.mark.timeout(240)
async def test_the_package_installs_serves_backs_up_restores_and_purge_keeps_the_data(deb, root, tmp_path):
    t0 = time.monotonic()
    _dpkg(root, "-i", str(deb))
    uid, gid = _ids(root, "duty-console")
    state = root / "var/lib/duty-console"
    assert state.is_dir() and (state.stat().st_uid, state.stat().st_gid) == (uid, gid)
    assert oct(state.stat().st_mode & 0o777) == "0o750"
    assert (root / "etc/duty-console/duty-console.toml").is_file()
    assert (root / "usr/share/applications/duty-console.desktop").is_file()
    assert (root / "usr/share/duty-console/autostart/duty-console-wall.desktop").is_file()
    _verify_units(root)
    python = root / PREFIX.lstrip("/") / "venv/bin/python"
    where = _run(str(python), "-P", "-c", "import console, PySide6; print(console.__file__)",
                 env={"PATH": "/usr/bin:/bin"}).stdout.strip()
    assert where == f"{root}{PREFIX}/app/console/__init__.py", "the installed app, not a source tree"
    check = _run(str(python), "-P", "-m", "console", "config", "check", str(root / "etc/duty-console/duty-console.toml"),
                 env={"PATH": "/usr/bin:/bin"})
    assert "OK" in check.stdout

    db = state / "hub.db"
    argv, env, cwd = _hub_command(root, db)
    hub = subprocess.Popen(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *argv],
                           cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = hub.stdout.readline()
        found = re.match(r"hub serving ws://127\.0\.0\.1:(\d+) ", line)
        assert found, line + hub.stderr.read() if hub.poll() is not None else line
        port = int(found.group(1))
        status, ready = _get(port, "/readyz")
        assert status == 200 and "log: ok writable" in ready, ready
        url = f"ws://127.0.0.1:{port}"
        async with Client.connect(url, "demo-ingest", last_seq=None) as ingest:
            assert (await ingest.command("ingest.alert", _alert(1))).ok
        async with Client.connect(url, "demo-commander") as commander:
            await commander.command("cmd.acknowledge", m.CmdIncident(incident="I-X0001"))
            await commander.command("cmd.dispatch", m.CmdDispatch(incident="I-X0001", resource="R9999"))
        status, metrics = _get(port, "/metrics")
        assert status == 200 and re.search(r"^duty_hub_up 1\.0$", metrics, re.M), metrics[:500]
        assert re.search(r'^duty_hub_commands_committed_total\{outcome="ok"\} [1-9]', metrics, re.M)
        assert db.stat().st_uid == uid, "the hub wrote its log as the service user"
    finally:
        hub.terminate()
        hub.communicate(timeout=30)
    assert hub.returncode == 0

    cli = [str(python), "-P", "-m", "console"]
    backup = tmp_path / "hub.backup"
    taken = _run(*cli, "backup", "--db", f"sqlite:///{db}", "--out", str(backup), env={"PATH": "/usr/bin:/bin"})
    entries = int(re.search(r"(\d+) audit entries", taken.stdout).group(1))
    assert entries >= 1, taken.stdout
    restored = _run(*cli, "restore", str(backup), "--db", f"sqlite:///{tmp_path / 'restored.db'}",
                    env={"PATH": "/usr/bin:/bin"})
    assert f"audit trail OK: {entries} entries verified" in restored.stdout, restored.stdout
    verified = _run(*cli, "audit", "verify", "--db", f"sqlite:///{tmp_path / 'restored.db'}",
                    env={"PATH": "/usr/bin:/bin"})
    assert f"audit trail OK: {entries} entries verified" in verified.stdout

    kept = db.read_bytes()
    _dpkg(root, "-i", str(deb))  # an upgrade (the same version again runs the upgrade paths)
    assert db.read_bytes() == kept
    _dpkg(root, "--purge", "duty-console")
    assert not (root / PREFIX.lstrip("/")).exists() and not (root / "etc/duty-console/duty-console.toml").exists()
    assert db.is_file() and db.read_bytes() == kept, "purge keeps the hub's data"
    status = _run("dpkg", f"--root={root}", "-l").stdout
    assert not re.search(r"^.i\s+duty-console", status, re.M)
    print(f"install, serve, backup, restore, upgrade, purge: {time.monotonic() - t0:.1f} s", file=sys.stderr)
