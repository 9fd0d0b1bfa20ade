"""The UI stays in small pieces: no file in console/ui over 600 lines (the glossary's word tables
excepted: data, not code) and no class over 30 methods, so a new feature lands in a new piece
rather than in a god widget."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "console" / "ui"
DATA_TABLES = {"common/glossary.py"}
MAX_LINES = 600
MAX_METHODS = 30


def _sources():
    return sorted(p for p in UI.rglob("*.py") if p.relative_to(UI).as_posix() not in DATA_TABLES)


def test_no_ui_file_is_over_600_lines():
    long = {p.relative_to(UI).as_posix(): n for p in _sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert _sources() and not long, long


def test_no_ui_class_has_over_30_methods():
    big = {}
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                methods = [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
                if len(methods) > MAX_METHODS:
                    big[f"{path.relative_to(UI).as_posix()}:{node.name}"] = len(methods)
    assert not big, big
