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


def import_circles(graph) -> list[list[str]]:
    """The groups of modules that import each other, directly or through others (Tarjan's SCCs)."""
    modules = sorted(graph.modules)
    imports = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(imports[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(imports[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    circles.append(sorted(group))
    return circles


def test_no_module_imports_itself_back():
    """No import circle anywhere in console/: an import inside a function counts (it runs, later);
    one under `if TYPE_CHECKING:` does not (it never runs: a type hint naming its owner)."""
    import grimp

    graph = grimp.build_graph("console", exclude_type_checking_imports=True, cache_dir=None)
    assert import_circles(graph) == []


def test_the_circle_check_finds_a_circle(tmp_path, monkeypatch):
    """The check itself bites: two modules that import each other are reported."""
    import grimp

    pkg = tmp_path / "circ"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from circ import b\n")
    (pkg / "b.py").write_text("def f():\n    from circ import a\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nfrom circ import a\n"
                              "if TYPE_CHECKING:\n    from circ import d\n")
    (pkg / "d.py").write_text("from circ import c\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("circ", exclude_type_checking_imports=True, cache_dir=None)
    assert import_circles(graph) == [["circ.a", "circ.b"]], "a lazy import counts, a type hint's does not"
