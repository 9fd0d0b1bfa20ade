"""Tables from CSV (UTF-8 or GBK/GB18030, as Chinese spreadsheets export them) and XLSX.

A table is its header and its rows, each row with the 1-based line (CSV) or
sheet row (XLSX) it came from, so every error can name file, row and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

#: tried in this order; GB18030 is a superset of GBK and GB2312
ENCODINGS = ("utf-8-sig", "gb18030")


class TableError(Exception):
    """A table that cannot be read at all: where, and why."""

    def __init__(self, row: int, col: int, message: str):
        super().__init__(message)
        self.row, self.col, self.message = row, col, message


@dataclass(slots=True)
class Table:
    """Header names (as written, stripped) and rows (row number, cells as strings)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    #: "utf-8-sig", "gb18030" or "xlsx"
    encoding: str


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding used): UTF-8 (with or without BOM), else GB18030.

    When neither reads the file, the error names the place where the file stops
    making sense: the encoding that reads further is taken to be the file's (a
    GB18030 roster fails UTF-8 at its first Chinese character, on line 1, but
    GB18030 only at the broken byte, say on line 101), and the position is its
    line and column in characters (what an editor shows), with the byte offset.
    """
    failed: list[tuple[int, str]] = []
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            failed.append((exc.start, encoding))
    first, encoding = max(failed)
    line_start = data.rfind(b"\n", 0, first) + 1
    row = data.count(b"\n", 0, first) + 1
    col = len(data[line_start:first].decode(encoding, errors="replace")) + 1
    name = "UTF-8" if encoding == "utf-8-sig" else "GBK/GB18030"
    raise TableError(row, col, f"undecodable text at byte {first} (0x{data[first]:02x}): "
                               f"neither UTF-8 nor GBK/GB18030 (reads as {name} up to here)")


def read_csv(path: Path) -> Table:
    """A CSV file's header and rows; blank lines are skipped."""
    text, enc = decode_text(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
            else:
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise TableError(reader.line_num, 1, f"bad CSV: {exc}") from None
    if header is None:
        raise TableError(1, 1, "empty file: no header row")
    return Table(header, rows, enc)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def read_xlsx(path: Path) -> Table:
    """The first sheet of a workbook: row 1 is the header."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML or openpyxl errors: all mean "not a workbook we can read"
        raise TableError(1, 1, f"not a readable XLSX workbook: {exc}") from None
    try:
        ws = wb.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for n, values in enumerate(ws.iter_rows(values_only=True), 1):
            cells = [_cell(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
            else:
                rows.append((n, cells))
    finally:
        wb.close()
    if header is None:
        raise TableError(1, 1, "empty sheet: no header row")
    return Table(header, rows, "xlsx")


def read_table(path: Path) -> Table:
    """CSV or XLSX by the file's suffix."""
    return read_xlsx(path) if path.suffix.lower() == ".xlsx" else read_csv(path)
