"""Spreadsheet files people open in Excel: CSV as UTF-8 with a byte-order mark, and cells that cannot run formulas.

A spreadsheet program treats a cell that starts with =, +, - or @ (or a tab or carriage return, which some of them
skip before reading one of those) as a formula, so an applicant who names a project "=HYPERLINK(…)" could make a
staff member's spreadsheet fetch or run something (CSV injection). Every cell goes through safe_cell, which puts an
apostrophe in front of such a value: the program then shows it as plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

import xlsxwriter

# Excel reads a CSV as UTF-8 only when the file starts with the byte-order mark.
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | None
# A cell of a spreadsheet written row by row: numbers stay numbers in XLSX (every other value is text).
SheetCell = str | int | float | None

# xlsxwriter options for files people open: rows are written straight to disk (bounded memory, so rows must go in
# order), and a string is always stored as the text it is: never turned into a formula, a link or a number.
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


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


@contextmanager
def csv_stream(out: IO[bytes]) -> Iterator[Callable[[Sequence[SheetCell]], None]]:
    """Write CSV to a binary file one row at a time (byte-order mark first, Excel's line endings, cells made safe)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    text.write(BOM)
    writer = csv.writer(text, lineterminator="\r\n")
    try:
        yield lambda row: writer.writerow([_csv_cell(cell) for cell in row])
    finally:
        text.flush()
        text.detach()  # the caller owns (and closes) the binary file


def _csv_cell(value: SheetCell) -> str:
    # A number is never a formula (a negative one included); text goes through safe_cell.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return safe_cell(value)


def xlsx_workbook(path: str) -> Any:
    """A new XLSX workbook at path, written in bounded memory, whose strings stay plain text (close it when done)."""
    return xlsxwriter.Workbook(path, XLSX_OPTIONS)


def write_xlsx_row(sheet: Any, row: int, cells: Sequence[SheetCell]) -> None:
    """One row of a worksheet: int and float cells as numbers, everything else as text made safe by safe_cell."""
    for column, value in enumerate(cells):
        if isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, column, value)
        else:
            sheet.write_string(row, column, safe_cell(value))
