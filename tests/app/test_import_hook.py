"""PySide6's per-import source check, made cheap, gives PySide's own answers (console/app/import_hook.py)."""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("PySide6.QtCore")

from console.app import import_hook  # noqa: E402


def test_the_cheap_check_answers_as_pysides_own_for_every_module_loaded():
    feature = sys.modules["shibokensupport.feature"]
    own = feature._mod_uses_pyside
    if own is import_hook._uses_pyside:  # installed by an earlier test in this process: undo to compare
        pytest.skip("the cheap check is already installed in this process")
    import console.app.console  # noqa: F401 - a module that names PySide6
    import console.domain.state  # noqa: F401 - one that does not

    modules = [mod for name, mod in sorted(sys.modules.items()) if name.startswith(("console.", "json", "PySide6"))]
    assert len(modules) > 20
    answers = {mod.__name__: own(mod) for mod in modules}
    assert answers["console.app.console"] is True and answers["console.domain.state"] is False
    try:
        assert import_hook.lighten()
        assert feature._mod_uses_pyside is import_hook._uses_pyside
        assert {mod.__name__: feature._mod_uses_pyside(mod) for mod in modules} == answers
        assert feature._mod_uses_pyside(sys) is False  # a built-in module: no source, as upstream says
    finally:
        feature._mod_uses_pyside = own
