"""PySide6's import hook, made cheap: every module imported after PySide6 has its source read.

Importing PySide6.QtCore replaces `builtins.__import__` for the whole process (threads too), and
after each new module it asks `shibokensupport.feature._mod_uses_pyside(module)` whether its source
mentions "PySide6" (for the opt-in `from __feature__ import snake_case`). That reads the source
through `inspect.getsource`, which decodes and splits the whole file into linecache: SQLAlchemy,
numpy and the console's own ~300 modules, 50-80 ms of CPU on the start's one GIL (P5 in
bench/PERF.md; napari/napari#8584 found the same). The same question is answered here by
scanning the file's bytes, with the same answer for every module (a module with no Python source
file counts as not using PySide, as upstream says when `getsource` fails).
"""

from __future__ import annotations

import sys


def _uses_pyside(module) -> bool:
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def lighten() -> bool:
    """Install the cheap check (after PySide6 is imported); False when this PySide6 has no such hook."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_pyside
    return True
