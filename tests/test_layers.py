"""Layering: the import-linter contracts in pyproject.toml hold, and headless packages load no Qt."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
QT_MODULES = ("PySide6", "qasync", "pyqtgraph", "shiboken6")
HEADLESS_PACKAGES = (
    "console.domain", "console.protocol", "console.store", "console.hub", "console.scenarios",
    "console.recording", "console.client", "console.video", "console.cli", "console.maps",
)


def _lint(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_import_contracts_are_kept():
    out = _lint()
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "Contracts: 4 kept, 0 broken." in out.stdout


def test_import_linter_reports_a_broken_contract(tmp_path):
    """The checker itself bites: a contract the code breaks (the app uses the domain) is reported."""
    cfg = tmp_path / "broken.toml"
    cfg.write_text(
        '[tool.importlinter]\nroot_package = "console"\n\n'
        '[[tool.importlinter.contracts]]\nname = "app without domain"\ntype = "forbidden"\n'
        'source_modules = ["console.app"]\nforbidden_modules = ["console.domain"]\n')
    out = _lint("--config", str(cfg))
    assert out.returncode != 0
    assert "app without domain BROKEN" in out.stdout


def test_headless_packages_do_not_load_qt():
    present = [m for m in HEADLESS_PACKAGES if importlib.util.find_spec(m) is not None]
    assert len(present) == len(HEADLESS_PACKAGES), set(HEADLESS_PACKAGES) - set(present)
    code = (
        "import importlib, sys\n"
        f"for m in {present!r}:\n"
        "    importlib.import_module(m)\n"
        f"bad = sorted(n for n in sys.modules if n.split('.')[0] in {QT_MODULES!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"importing {present} loaded Qt: {out.stdout.strip()}"
