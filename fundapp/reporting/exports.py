"""Writing the award register to a file, in every export format, one row at a time.

The register's own files: CSV (UTF-8 with a byte-order mark so Excel shows £ correctly, Windows line endings) and
XLSX (written by xlsxwriter in constant memory: each row goes straight to disk). 360Giving files are written by
reporting.threesixtygiving; write_export chooses the writer, so the export job and `flask export awards` write the
same bytes.

Formula injection: no cell ever starts a formula from what someone typed. In CSV every cell goes through
core.spreadsheets.safe_cell, which puts an apostrophe before a value starting with = + - @, a tab or a carriage
return. In XLSX, text is written with write_string (stored as a string, never parsed as a formula, link or number:
strings_to_formulas/urls/numbers are off too) and ALSO made safe with safe_cell, so both files show the same
text, and a value pasted or re-exported from the workbook into another program still cannot become a formula.
Money and dates are the only cells written as numbers; they come from the database, never from free text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from fundapp.core.spreadsheets import csv_stream, safe_cell, xlsx_workbook
from fundapp.reporting.register import (
    DATE,
    MONEY,
    REGISTER_COLUMN_KINDS,
    REGISTER_COLUMNS,
    RegisterRow,
    register_cells,
    register_values,
)
from fundapp.reporting.states import EXPORT_EXTENSIONS, THREESIXTYGIVING_FORMATS, ExportFormat
from fundapp.reporting.threesixtygiving import (
    Problem,
    publisher_from_config,
    write_flat_csv,
    write_flat_xlsx,
    write_package_json,
)

Progress = Callable[[int], None]

XLSX_SHEET = "Award register"
MONEY_FORMAT = '"£"#,##0.00'
DATE_FORMAT = "yyyy-mm-dd"
# Column widths (characters) by kind, and for the longest text columns.
_WIDTHS = {MONEY: 16, DATE: 12}
_WIDE = {"Organisation": 32, "Project title": 40, "Themes": 30, "Boroughs": 30, "Payments": 60}
# An INVALID export keeps this many of its problems to show (and the count of all of them).
MAX_STORED_PROBLEMS = 500


def write_register_csv(
    rows: Iterable[RegisterRow], out: IO[bytes], *, prefix: str, on_progress: Progress | None = None
) -> int:
    """Write the register as CSV to a binary file (header first); returns the number of awards written.
    on_progress(n) is called after each row with how many have been written."""
    count = 0
    with csv_stream(out) as write_row:
        write_row(REGISTER_COLUMNS)
        for count, row in enumerate(rows, start=1):
            write_row(register_cells(row, prefix=prefix))
            if on_progress is not None:
                on_progress(count)
    return count


def write_register_xlsx(
    rows: Iterable[RegisterRow], path: str, *, prefix: str, on_progress: Progress | None = None
) -> int:
    """Write the register as an XLSX workbook at path (one sheet; bold, frozen header with filters; money as numbers
    in a £ format, dates as dates, text made safe); returns the number of awards written."""
    workbook = xlsx_workbook(path)
    count = 0
    try:
        sheet = workbook.add_worksheet(XLSX_SHEET)
        formats = {
            MONEY: workbook.add_format({"num_format": MONEY_FORMAT}),
            DATE: workbook.add_format({"num_format": DATE_FORMAT}),
        }
        bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        for column, (title, kind) in enumerate(zip(REGISTER_COLUMNS, REGISTER_COLUMN_KINDS, strict=True)):
            sheet.set_column(column, column, _WIDE.get(title, _WIDTHS.get(kind, 18)))
            sheet.write_string(0, column, safe_cell(title), bold)
        sheet.freeze_panes(1, 0)
        for count, row in enumerate(rows, start=1):
            _write_xlsx_values(sheet, count, register_values(row, prefix=prefix), formats)
            if on_progress is not None:
                on_progress(count)
        sheet.autofilter(0, 0, max(count, 1), len(REGISTER_COLUMNS) - 1)
    finally:
        workbook.close()
    return count


def _write_xlsx_values(sheet: Any, number: int, values: list[Any], formats: Mapping[str, Any]) -> None:
    for column, (value, kind) in enumerate(zip(values, REGISTER_COLUMN_KINDS, strict=True)):
        if value is None or value == "":
            continue
        if kind == MONEY and isinstance(value, int):
            sheet.write_number(number, column, value / 100, formats[MONEY])
        elif kind == DATE and isinstance(value, date):
            sheet.write_datetime(number, column, datetime.combine(value, time(0)), formats[DATE])
        else:
            sheet.write_string(number, column, safe_cell(str(value)))


def write_export(
    export_format: ExportFormat,
    rows: Iterable[RegisterRow],
    path: Path,
    *,
    config: Mapping[str, Any],
    now: datetime,
    on_progress: Progress | None = None,
) -> list[Problem]:
    """Write rows to path in the format. Returns the 360Giving data-quality and schema problems found (always []
    for the register's own CSV and XLSX); the caller discards the file when there are any."""
    prefix = str(config["GRANT_ID_PREFIX"])
    if export_format == ExportFormat.XLSX:
        write_register_xlsx(rows, str(path), prefix=prefix, on_progress=on_progress)
        return []
    if export_format == ExportFormat.THREESIXTYGIVING_XLSX:
        return write_flat_xlsx(rows, str(path), publisher_from_config(config, now=now), on_progress=on_progress)
    with path.open("wb") as out:
        if export_format == ExportFormat.CSV:
            write_register_csv(rows, out, prefix=prefix, on_progress=on_progress)
            return []
        publisher = publisher_from_config(config, now=now)
        if export_format == ExportFormat.THREESIXTYGIVING_JSON:
            return write_package_json(rows, out, publisher, on_progress=on_progress)
        return write_flat_csv(rows, out, publisher, on_progress=on_progress)


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def export_file_name(
    export_format: ExportFormat, *, scope_label: str, today: date, date_from: date | None, date_to: date | None
) -> str:
    """The name a download is saved as: SEF-5-award-register-2026-11-22.csv, …-360giving.json for 360Giving, and
    award-register-2026-04-01-to-2026-09-30-2026-11-22.xlsx for awards made between two dates."""
    if scope_label:
        stem = f"{_safe_name(scope_label) or 'awards'}-award-register"
    else:
        start = date_from.isoformat() if date_from else "start"
        end = date_to.isoformat() if date_to else "now"
        stem = f"award-register-{start}-to-{end}"
    suffix = "-360giving" if export_format in THREESIXTYGIVING_FORMATS else ""
    return f"{stem}-{today.isoformat()}{suffix}.{EXPORT_EXTENSIONS[export_format]}"


def problem_records(problems: list[Problem]) -> list[dict[str, Any]]:
    """The first MAX_STORED_PROBLEMS problems as plain dicts to keep on the Export (row, reference, rule,
    message)."""
    return [
        {"row": p.row, "reference": p.reference, "rule": p.rule, "message": p.message}
        for p in problems[:MAX_STORED_PROBLEMS]
    ]


class CountedRows:
    """Register rows passed through to a writer, counted as it reads them (how many a file holds, whatever its
    format: the 360Giving writers publish only some of them)."""

    def __init__(self, rows: Iterable[RegisterRow]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[RegisterRow]:
        for row in self._rows:
            self.count += 1
            yield row


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()
