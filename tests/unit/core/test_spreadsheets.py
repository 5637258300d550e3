"""Spreadsheet cells never start a formula from what people typed, and CSV files open in Excel as UTF-8."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from fundapp.core.spreadsheets import (
    FORMULA_STARTS,
    csv_bytes,
    csv_stream,
    csv_text,
    safe_cell,
    write_xlsx_row,
    xlsx_workbook,
)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("https://evil.example","Click")', '\'=HYPERLINK("https://evil.example","Click")'),
        ("+44 20 7983 4000", "'+44 20 7983 4000"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Youth voices", "Youth voices"),
        ("Café – £1,000 = fair", "Café – £1,000 = fair"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(typed: str | int | None, written: str) -> None:
    assert safe_cell(typed) == written


@given(st.text())
def test_no_safe_cell_starts_a_formula_and_the_text_is_kept(text: str) -> None:
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (text, f"'{text}")


def test_csv_starts_with_the_byte_order_mark_and_escapes_every_cell() -> None:
    data = csv_bytes(["Project", "=Header"], [["=cmd", 3], ['Say "hi", please', None]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Project", "'=Header"], ["'=cmd", "3"], ['Say "hi", please', ""]]


def test_csv_uses_windows_line_endings_and_quotes_commas_and_newlines() -> None:
    text = csv_text(["A"], [["one, two"], ["line\nbreak"]])
    assert text == '\ufeffA\r\n"one, two"\r\n"line\nbreak"\r\n'


def test_a_csv_stream_writes_rows_one_at_a_time_to_a_binary_file_it_leaves_open() -> None:
    out = io.BytesIO()
    with csv_stream(out) as write_row:
        write_row(["Title", "Amount"])
        write_row(["=cmd", 1234.5])
        write_row(["-lots", -3])
    assert not out.closed
    assert out.getvalue() == "\ufeffTitle,Amount\r\n'=cmd,1234.5\r\n'-lots,-3\r\n".encode()


def test_an_xlsx_row_keeps_numbers_as_numbers_and_text_as_safe_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "cells.xlsx"
    workbook = xlsx_workbook(str(path))
    sheet = workbook.add_worksheet("Cells")
    write_xlsx_row(sheet, 0, ["=1+1", "https://example.org", "0123", 15000, 12.5, None])
    workbook.close()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Cells").to_python()
    assert rows == [["'=1+1", "https://example.org", "0123", 15000, 12.5, ""]]
