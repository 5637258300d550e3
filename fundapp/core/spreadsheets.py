"""Spreadsheet files people open in Excel: CSV as UTF-8 with a byte-order mark, and cells that cannot run formulas.

A spreadsheet program treats a cell that starts with =, +, - or @ (or a tab or carriage return, which some of them
skip before reading one of those) as a formula, so an applicant who names a project "=HYPERLINK(…)" could make a
staff member's spreadsheet fetch or run something (CSV injection). Every cell goes through safe_cell, which puts an
apostrophe in front of such a value: the program then shows it as plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# Excel reads a CSV as UTF-8 only when the file starts with the byte-order mark.
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | None


def safe_cell(value: Cell) -> str:
    """The value as text that no spreadsheet program runs as a formula ('' for None)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return f"'{text}"
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """A CSV document (with the byte-order mark and Windows line endings, as Excel expects), every cell made safe."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """csv_text encoded as UTF-8, ready to send as a download."""
    return csv_text(header, rows).encode("utf-8")
