"""The award register read from the database, and its CSV and XLSX files: golden files, one row per award with the
right money, scopes (call, fund, dates), batches in a fixed number of statements, and no formula from user text."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from python_calamine import CalamineWorkbook

from fundapp.awards.models import Decision
from fundapp.core.clock import to_london
from fundapp.core.spreadsheets import BOM, FORMULA_STARTS
from fundapp.extensions import db
from fundapp.reporting.exports import XLSX_SHEET, write_register_csv, write_register_xlsx
from fundapp.reporting.register import REGISTER_COLUMNS, count_register_rows, iter_register_rows
from tests.integration.reporting.export_world import DANGEROUS, dangerous_call, register_call

GOLDEN = Path(__file__).parent / "golden"
PREFIX = "360G-test"


def _csv(round_ids: list[int], **scope: Any) -> bytes:
    out = io.BytesIO()
    write_register_csv(iter_register_rows(round_ids=round_ids, **scope), out, prefix=PREFIX)
    return out.getvalue()


def _xlsx(round_ids: list[int], path: Path) -> list[list[Any]]:
    write_register_xlsx(iter_register_rows(round_ids=round_ids), str(path), prefix=PREFIX)
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(XLSX_SHEET).to_python()


def _json_cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


# --- the rows ------------------------------------------------------------------------------------------------


def test_one_row_per_award_in_every_status_with_applied_awarded_paid_and_outstanding(db_session) -> None:
    world = register_call()
    rows = list(iter_register_rows(round_ids=[world.round.id]))
    assert [r.reference for r in rows] == ["EXP-1-0001", "EXP-1-0002", "EXP-1-0003"]
    assert [r.status for r in rows] == ["active", "accepted", "declined"]
    assert [(r.amount_applied_pence, r.amount_awarded_pence, r.paid_pence, r.outstanding_pence) for r in rows] == [
        (1_250_050, 1_200_000, 600_000, 600_000),
        (800_000, 800_000, 0, 800_000),
        (2_000_000, 1_500_000, 0, 0),
    ]
    first = rows[0]
    assert first.themes == ("Youth", "Cohesion")
    assert first.boroughs == ("E09000030",)
    assert first.tier == "Large grants"
    assert first.project_summary == "Bow after school club: weekly sessions for young Londoners."
    assert first.award_date == date(2026, 3, 10)
    assert first.payments[0].reference == "BACS-0001"
    assert first.fund_code == "EXPF" and first.round_code == "EXP-1"
    assert count_register_rows(round_ids=[world.round.id]) == 3


def test_the_award_date_is_the_decision_as_a_london_day(db_session) -> None:
    world = register_call()
    decision = db.session.scalars(
        sa.select(Decision).where(Decision.application_id == world.awards[0].application_id)
    ).one()
    decision.decided_at = decision.decided_at.replace(month=6, day=30, hour=23, minute=30)  # UTC
    db.session.flush()
    first = next(iter(iter_register_rows(round_ids=[world.round.id])))
    assert first.award_date == date(2026, 7, 1)  # 00:30 in London (BST)


def test_batches_page_through_every_award_in_a_fixed_number_of_statements(db_session) -> None:
    world = register_call()
    with _statements() as one_batch:
        assert len(list(iter_register_rows(round_ids=[world.round.id], batch_size=10))) == 3
    with _statements() as three_batches:
        rows = list(iter_register_rows(round_ids=[world.round.id], batch_size=1))
    assert [r.reference for r in rows] == ["EXP-1-0001", "EXP-1-0002", "EXP-1-0003"]
    calls = len(one_batch) - 3  # the calls read once (with fund, tiers, themes and form), then the one batch
    assert calls == 7
    assert len(three_batches) == calls + 3 * 3 + 1  # three statements a batch, and one more that finds none


def test_a_fund_covers_its_calls_and_a_call_only_itself(db_session) -> None:
    first = register_call(code="EXP-A", fund_code="EXPA")
    second = register_call(code="EXP-B", fund_code="EXPB2")
    both = list(iter_register_rows(round_ids=[first.round.id, second.round.id]))
    assert [r.reference for r in both] == [f"EXP-A-000{n}" for n in (1, 2, 3)] + [f"EXP-B-000{n}" for n in (1, 2, 3)]
    assert {r.round_code for r in iter_register_rows(round_ids=[second.round.id])} == {"EXP-B"}


def test_a_date_range_counts_the_london_days_at_both_ends(db_session) -> None:
    early = register_call(code="EXP-E", fund_code="EXPE", decided=date(2026, 3, 31))
    late = register_call(code="EXP-L", fund_code="EXPL", decided=date(2026, 4, 2))
    ids = [early.round.id, late.round.id]
    assert count_register_rows(round_ids=ids, date_from=date(2026, 3, 31), date_to=date(2026, 3, 31)) == 3
    assert count_register_rows(round_ids=ids, date_from=date(2026, 4, 1)) == 3
    assert count_register_rows(round_ids=ids, date_to=date(2026, 4, 1)) == 3
    assert count_register_rows(round_ids=ids, date_from=date(2026, 4, 3)) == 0
    rows = list(iter_register_rows(round_ids=ids, date_from=date(2026, 4, 1), date_to=date(2026, 4, 2)))
    assert {r.round_code for r in rows} == {"EXP-L"}


def test_an_award_without_a_decision_counts_from_when_it_was_made(db_session) -> None:
    world = register_call()
    db.session.execute(sa.delete(Decision).where(Decision.round_id == world.round.id))
    rows = list(iter_register_rows(round_ids=[world.round.id]))
    assert [r.award_date for r in rows] == [to_london(a.created_at).date() for a in world.awards]
    today = to_london(world.awards[0].created_at).date()
    assert count_register_rows(round_ids=[world.round.id], date_from=today, date_to=today) == 3


def test_no_calls_means_no_rows(db_session) -> None:
    assert list(iter_register_rows(round_ids=[])) == []
    assert count_register_rows(round_ids=[]) == 0


# --- CSV -----------------------------------------------------------------------------------------------------


def test_the_csv_matches_the_golden_file(db_session) -> None:
    world = register_call()
    data = _csv([world.round.id])
    assert data == (GOLDEN / "register.csv").read_bytes()


def test_the_csv_starts_with_a_bom_and_writes_pounds_as_utf8(db_session) -> None:
    world = register_call()
    data = _csv([world.round.id])
    assert data.startswith(BOM.encode("utf-8"))
    assert "Amount awarded (£)".encode() in data
    assert "£6,000.00".encode() in data


def test_no_csv_cell_starts_a_formula(db_session) -> None:
    world = dangerous_call()
    text = _csv([world.round.id]).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert cells, "the file has cells"
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    for value in DANGEROUS:
        assert f"'{value}" in cells, value  # shown as typed, after an apostrophe
    assert "'=cmd|' /C calc'!A0; Cohesion" in cells


# --- XLSX ----------------------------------------------------------------------------------------------------


def test_the_xlsx_matches_the_golden_values(db_session, tmp_path) -> None:
    world = register_call()
    sheet = _xlsx([world.round.id], tmp_path / "register.xlsx")
    golden = json.loads((GOLDEN / "register_xlsx.json").read_text(encoding="utf-8"))
    assert [[_json_cell(cell) for cell in row] for row in sheet] == golden


def test_the_xlsx_has_money_as_numbers_in_pounds_and_dates_as_dates(db_session, tmp_path) -> None:
    world = register_call()
    sheet = _xlsx([world.round.id], tmp_path / "register.xlsx")
    header, first = sheet[0], dict(zip(sheet[0], sheet[1], strict=True))
    assert tuple(header) == REGISTER_COLUMNS
    assert first["Amount applied for (£)"] == 12500.5
    assert first["Paid (£)"] == 6000
    assert first["Award date"] == date(2026, 3, 10)
    styles = zipfile.ZipFile(tmp_path / "register.xlsx").read("xl/styles.xml").decode()
    assert "&quot;£&quot;#,##0.00" in styles or '"£"#,##0.00' in styles


def test_the_xlsx_has_no_formula_and_escapes_every_dangerous_start(db_session, tmp_path) -> None:
    world = dangerous_call()
    path = tmp_path / "dangerous.xlsx"
    sheet = _xlsx([world.round.id], path)
    with zipfile.ZipFile(path) as workbook:
        xml = workbook.read("xl/worksheets/sheet1.xml").decode("utf-8")
        assert "<f>" not in xml and "<f " not in xml
        assert not [n for n in workbook.namelist() if "calcChain" in n]
    texts = [cell for row in sheet for cell in row if isinstance(cell, str)]
    assert not [t for t in texts if t.startswith(FORMULA_STARTS)]
    for value in DANGEROUS:
        assert f"'{value}" in texts, value
    assert "'=cmd|' /C calc'!A0; Cohesion" in texts


def test_the_xlsx_header_is_bold_and_frozen(db_session, tmp_path) -> None:
    world = register_call()
    path = tmp_path / "register.xlsx"
    _xlsx([world.round.id], path)
    with zipfile.ZipFile(path) as workbook:
        xml = workbook.read("xl/worksheets/sheet1.xml").decode("utf-8")
        styles = workbook.read("xl/styles.xml").decode("utf-8")
    assert re.search(r'<pane[^>]*ySplit="1"[^>]*state="frozen"', xml)
    assert "<b/>" in styles
    assert "<autoFilter" in xml
