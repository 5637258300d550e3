"""`flask export awards`: the same files as the exports page, written from the terminal (a call, a fund or dates, in
every format), an invalid 360Giving export listed and discarded (exit code 1), and every run audited."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from python_calamine import CalamineWorkbook

from fundapp.core.audit import AuditEvent
from fundapp.extensions import db
from fundapp.reporting.exports import XLSX_SHEET
from tests.integration.reporting.export_world import register_call

GOLDEN = Path(__file__).parent / "golden"


def export(app, *args: str):  # type: ignore[no-untyped-def]
    db.session.commit()  # the command runs in its own session: let it see the test's rows
    return app.test_cli_runner().invoke(args=["export", "awards", *args])


def _events() -> list[AuditEvent]:
    return list(
        db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export.finished").order_by(AuditEvent.id))
    )


def test_a_call_as_csv_is_the_golden_file_and_is_audited_as_the_cli(app, db_session, tmp_path) -> None:
    register_call()
    out = tmp_path / "register.csv"
    result = export(app, "--round", "EXP-1", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output + result.stderr
    assert out.read_bytes() == (GOLDEN / "register.csv").read_bytes()
    assert f"Wrote 3 awards to {out} (csv," in result.output
    assert "Exporting 3 awards" in result.stderr  # the progress bar goes to standard error
    assert not list(tmp_path.glob(".*.part"))
    [event] = _events()
    assert event.actor_id is None
    assert event.data["via"] == "cli"
    assert (event.data["scope"], event.data["round"], event.data["rows"]) == ("round", "EXP-1", 3)
    assert event.data["status"] == "done" and len(event.data["sha256"]) == 64


def test_xlsx_from_the_terminal_holds_the_same_rows(app, db_session, tmp_path) -> None:
    register_call()
    out = tmp_path / "register.xlsx"
    result = export(app, "--round", "EXP-1", "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.output + result.stderr
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(XLSX_SHEET).to_python()
    assert [row[0] for row in sheet] == ["Grant reference", "EXP-1-0001", "EXP-1-0002", "EXP-1-0003"]


def test_a_fund_and_a_date_range_choose_their_awards(app, db_session, tmp_path) -> None:
    register_call(code="EXP-A", fund_code="EXPA")
    register_call(code="EXP-B", fund_code="EXPB2")
    by_fund = tmp_path / "fund.csv"
    assert export(app, "--fund", "EXPB2", "--output", str(by_fund)).exit_code == 0
    lines = by_fund.read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["EXP-B-0001", "EXP-B-0002", "EXP-B-0003"]
    by_dates = tmp_path / "dates.csv"
    result = export(app, "--from", "2026-03-10", "--to", "2026-03-10", "--output", str(by_dates))
    assert result.exit_code == 0, result.output + result.stderr
    references = [line.split(",")[0] for line in by_dates.read_text(encoding="utf-8-sig").splitlines()[1:]]
    assert {"EXP-A-0001", "EXP-B-0003"} <= set(references)
    none = tmp_path / "none.csv"
    assert export(app, "--round", "EXP-A", "--from", "2026-03-11", "--output", str(none)).exit_code == 0
    assert len(none.read_text(encoding="utf-8-sig").splitlines()) == 1  # the header only


def test_360giving_json_from_the_terminal_publishes_the_grants_taken_up(app, db_session, tmp_path) -> None:
    register_call()
    out = tmp_path / "grants.json"
    result = export(app, "--round", "EXP-1", "--format", "360giving-json", "--output", str(out))
    assert result.exit_code == 0, result.output + result.stderr
    package = json.loads(out.read_text(encoding="utf-8"))
    assert [g["id"] for g in package["grants"]] == ["360G-test-EXP-1-0001", "360G-test-EXP-1-0002"]


def test_an_invalid_360giving_export_lists_its_problems_writes_nothing_and_exits_1(app, db_session, tmp_path) -> None:
    world = register_call()
    world.awards[1].application.project_title = "Write to camden@example.org"
    out = tmp_path / "grants.csv"
    result = export(app, "--round", "EXP-1", "--format", "360giving-csv", "--output", str(out))
    assert result.exit_code == 1
    assert "Not valid 360Giving data" in result.stderr
    assert "row 2 (EXP-1-0002)" in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".*.part"))
    [event] = _events()
    assert event.data["status"] == "invalid" and event.data["problems"] >= 1


def test_an_unknown_call_or_fund_is_refused(app, db_session, tmp_path) -> None:
    result = export(app, "--round", "NOPE-1", "--output", str(tmp_path / "x.csv"))
    assert result.exit_code == 1
    assert "No call has the code 'NOPE-1'" in result.stderr
    result = export(app, "--fund", "NOPE", "--output", str(tmp_path / "x.csv"))
    assert "No fund has the code 'NOPE'" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_nothing_to_export_or_dates_backwards_is_a_usage_error(app, db_session, tmp_path) -> None:
    assert "Say what to export" in export(app, "--output", str(tmp_path / "x.csv")).stderr
    result = export(app, "--from", "2026-04-02", "--to", "2026-04-01", "--output", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert "--to must be the same day as --from or after it" in result.stderr
