"""Reading one TOML table file of a site folder (plans, case types, drill scripts) the same way:
a file that is not there is no error, bad TOML is one error at its line and column."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Callable

#: how a reader reports a problem: (file name, row, column, message)
AddError = Callable[[str, int, int, str], None]


def read_toml(root: Path, name: str, add: AddError) -> tuple[dict, str] | None:
    """(document, text) of `root/name`; None when the file is absent or is not TOML (then said once)."""
    path = root / name
    if not path.is_file():
        return None
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        add(name, int(m.group(1)) if m else 1, int(m.group(2)) if m else 1, f"bad TOML: {exc}")
        return None


def table_rows(text: str, table: str) -> list[int]:
    """The line number of each `[[table]]` header, in order (a row for each entry's errors)."""
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(rf"^[ \t]*\[\[{re.escape(table)}\]\]", text, re.M)]
