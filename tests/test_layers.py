"""Layering: only console/ui and console/app.py may import Qt."""

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONSOLE = ROOT / "console"
QT_MODULES = ("PySide6", "qasync", "pyqtgraph", "shiboken6")
HEADLESS_PACKAGES = ("console.protocol", "console.domain", "console.store", "console.hub")


def _is_qt(name: str | None) -> bool:
    return bool(name) and name.split(".")[0] in QT_MODULES


def _qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names if _is_qt(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _is_qt(node.module):
            found.append(f"{node.lineno}: from {node.module} import ...")
        elif (
            # importlib.import_module("PySide6...") / __import__("PySide6")
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and _is_qt(node.args[0].value)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")
        ):
            found.append(f"{node.lineno}: dynamic import of {node.args[0].value}")
    return found


def _headless_files() -> list[Path]:
    return [
        p
        for p in sorted(CONSOLE.rglob("*.py"))
        if not p.relative_to(CONSOLE).parts[0] in ("ui", "app.py")
    ]


def test_checker_spots_qt_imports(tmp_path):
    """The AST check itself works (otherwise the real check could pass vacuously)."""
    f = tmp_path / "m.py"
    f.write_text("import os\nfrom PySide6.QtCore import QObject\nimport qasync as q\n")
    assert len(_qt_imports(f)) == 2
    f.write_text("from .PySide6 import x\nimport PySide6_like\n")
    assert _qt_imports(f) == []


def test_no_qt_outside_ui():
    offenders = {
        str(p.relative_to(ROOT)): hits for p in _headless_files() if (hits := _qt_imports(p))
    }
    assert not offenders, f"Qt imported outside console/ui and console/app.py: {offenders}"


def test_headless_packages_do_not_load_qt():
    present = [m for m in HEADLESS_PACKAGES if importlib.util.find_spec(m) is not None]
    if not present:
        pytest.skip("no headless packages exist yet")
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
