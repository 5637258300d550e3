"""Finance exports through the pages and the job: asking for one (a call, a fund, dates), its progress, the file
and its download (audited), 360Giving problems, failures, and who may export what."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import to_london, utcnow
from fundapp.core.errors import DomainError, NotAllowed
from fundapp.extensions import db
from fundapp.reporting import exports as export_writers
from fundapp.reporting import jobs, services
from fundapp.reporting.models import Export
from fundapp.reporting.states import ExportFormat, ExportScope, ExportStatus
from tests.factories import applicant_with_organisation, staff_user
from tests.helpers import error_summary, isolated_client, page_title, post_form, sign_in
from tests.integration.reporting.export_world import World, finance_for, register_call

URL = "/staff/exports"


def _latest() -> Export:
    return db.session.scalars(sa.select(Export).order_by(Export.id.desc()).limit(1)).one()


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _ask(client, world: World, export_format: str = "csv", **fields: str):  # type: ignore[no-untyped-def]
    data = {"scope": f"round-{world.round.id}", "export_format": export_format, **fields}
    return post_form(client, URL, data)


def _queued(world: World) -> Export:
    """A CSV export of the world's call asked for by a finance officer of its fund (not yet run)."""
    return services.start_export(
        actor=finance_for(world),
        scope=ExportScope.ROUND,
        export_format=ExportFormat.CSV,
        round_id=world.round.id,
        now=utcnow(),
    )


def _today() -> str:
    return to_london(utcnow()).date().isoformat()


# --- asking for an export and downloading it --------------------------------------------------------------------


def test_a_finance_officer_exports_a_call_as_csv_and_downloads_it(client, db_session) -> None:
    world = register_call()
    finance = finance_for(world)
    sign_in(client, finance)
    response = _ask(client, world)
    assert response.status_code == 302
    export = _latest()
    assert response.headers["Location"].endswith(f"/staff/exports/{export.id}")
    assert (export.status, export.total, export.done) == (ExportStatus.DONE, 3, 3)
    assert export.file_name == f"EXP-1-award-register-{_today()}.csv"
    assert export.round_ids == [world.round.id] and export.created_by_id == finance.id
    page = client.get(f"{URL}/{export.id}").get_data(as_text=True)
    assert "3 of 3 awards written" in page
    assert (
        '<progress id="export-progress-bar" class="govuk-!-width-full govuk-!-margin-bottom-2" max="3" value="3"'
        in page
    )
    assert 'aria-live="polite"' in page
    assert f"Download {export.file_name}" in page
    download = client.get(f"{URL}/{export.id}/download")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename=\"{export.file_name}\"; filename*=UTF-8''{export.file_name}"
    )
    assert download.headers["Cache-Control"] == "no-store"
    body = download.get_data()
    download.close()
    assert body.startswith("\ufeffGrant reference,360Giving id".encode())
    assert body.count(b"\r\n") == 4
    assert len(body) == export.size_bytes
    assert hashlib.sha256(body).hexdigest() == export.sha256


def test_every_step_is_in_the_audit_log(client, db_session) -> None:
    world = register_call()
    finance = finance_for(world)
    sign_in(client, finance)
    _ask(client, world, "xlsx")
    export = _latest()
    client.get(f"{URL}/{export.id}/download").close()
    requested, finished, downloaded = (
        _events("export.requested"),
        _events("export.finished"),
        _events("export.downloaded"),
    )
    assert [(e.actor_id, e.subject_id) for e in requested] == [(finance.id, export.id)]
    assert requested[0].data["format"] == "xlsx" and requested[0].data["round_ids"] == [world.round.id]
    assert [e.data["to"] for e in _events("export.started")] == ["running"]
    assert finished[0].data["to"] == "done" and finished[0].data["rows"] == 3
    assert finished[0].data["sha256"] == export.sha256
    assert [(e.actor_id, e.data["file_name"]) for e in downloaded] == [(finance.id, export.file_name)]


def test_an_xlsx_export_downloads_as_a_workbook(client, db_session) -> None:
    world = register_call()
    sign_in(client, finance_for(world))
    _ask(client, world, "xlsx")
    export = _latest()
    download = client.get(f"{URL}/{export.id}/download")
    assert download.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert download.get_data().startswith(b"PK")
    download.close()


def test_a_360giving_json_export_runs_end_to_end(client, db_session) -> None:
    world = register_call()
    sign_in(client, finance_for(world))
    _ask(client, world, "360giving-json")
    export = _latest()
    assert export.status == ExportStatus.DONE, export.problems
    assert export.file_name == f"EXP-1-award-register-{_today()}-360giving.json"
    download = client.get(f"{URL}/{export.id}/download")
    assert download.headers["Content-Type"] == "application/json"
    package = json.loads(download.get_data())
    download.close()
    # Only the grants taken up are published: the active and the accepted award, not the declined one.
    assert [g["id"] for g in package["grants"]] == ["360G-test-EXP-1-0001", "360G-test-EXP-1-0002"]


def test_an_invalid_360giving_export_keeps_no_file_and_lists_the_problems(client, db_session) -> None:
    world = register_call()
    world.awards[0].application.project_title = "Email bow@example.org for a place"
    db.session.flush()
    sign_in(client, finance_for(world))
    _ask(client, world, "360giving-csv")
    export = _latest()
    assert export.status == ExportStatus.INVALID
    assert export.storage_key is None and export.file_name is None
    assert export.problem_count == len(export.problems) >= 1
    assert {p["reference"] for p in export.problems} == {"EXP-1-0001"}
    page = client.get(f"{URL}/{export.id}").get_data(as_text=True)
    assert "Not valid 360Giving data" in page
    assert '<table class="govuk-table govuk-table--small-text-until-tablet" id="export-problems">' in page
    assert "EXP-1-0001" in page and "Download" not in page
    assert client.get(f"{URL}/{export.id}/download").status_code == 404
    assert _events("export.finished")[0].data["to"] == "invalid"


def test_a_fund_export_covers_every_call_of_the_fund(client, db_session) -> None:
    world = register_call()
    sign_in(client, finance_for(world))
    response = post_form(client, URL, {"scope": f"fund-{world.fund.id}", "export_format": "csv"})
    assert response.status_code == 302
    export = _latest()
    assert (export.scope, export.fund_id, export.total) == (ExportScope.FUND, world.fund.id, 3)
    assert export.file_name == f"EXPF-award-register-{_today()}.csv"


def test_a_date_range_export_covers_the_awards_made_between_the_days(client, db_session) -> None:
    early = register_call(code="EXP-E", fund_code="EXPE", decided=date(2026, 3, 31))
    late = register_call(code="EXP-L", fund_code="EXPL", decided=date(2026, 4, 2))
    sign_in(client, staff_user(StaffRole.FINANCE_OFFICER))
    data = {"scope": "dates", "export_format": "csv", "date_from": ["1", "4", "2026"], "date_to": ["30", "4", "2026"]}
    response = post_form(client, URL, data)  # type: ignore[arg-type]
    assert response.status_code == 302
    export = _latest()
    assert (export.date_from, export.date_to) == (date(2026, 4, 1), date(2026, 4, 30))
    assert {early.round.id, late.round.id} <= set(export.round_ids)
    assert export.total == 3
    assert export.file_name == f"award-register-2026-04-01-to-2026-04-30-{_today()}.csv"


# --- the form ------------------------------------------------------------------------------------------------


def test_the_page_offers_the_calls_and_funds_the_person_may_export(client, db_session) -> None:
    world = register_call()
    other = register_call(code="EXP-O", fund_code="EXPO")
    sign_in(client, finance_for(world))
    page = client.get(URL).get_data(as_text=True)
    assert page_title(client.get(URL)).startswith("Export the award register")
    assert re.search(rf'value="round-{world.round.id}">\s*<label[^>]*>\s*Export call EXP-1 \(EXP-1\)', page)
    assert f'value="fund-{world.fund.id}"' in page
    assert f'value="round-{other.round.id}"' not in page and f'value="fund-{other.fund.id}"' not in page
    assert "Across every call you can export." in page
    for label in ("CSV (opens in Excel)", "Excel workbook (XLSX)", "360Giving data package (JSON)"):
        assert label in page
    assert "You have not exported anything yet." in page


def test_a_call_finance_officer_is_not_offered_a_fund(client, db_session) -> None:
    world = register_call()
    sign_in(client, staff_user(StaffRole.FINANCE_OFFICER, round_id=world.round.id))
    page = client.get(URL).get_data(as_text=True)
    assert 'value="fund-' not in page and f'value="round-{world.round.id}"' in page


def test_nothing_chosen_shows_both_problems(client, db_session) -> None:
    world = register_call()
    sign_in(client, finance_for(world))
    response = post_form(client, URL, {})
    assert response.status_code == 422
    assert error_summary(response) == ["Select what you want to export", "Select a format"]
    assert page_title(response).startswith("Error: ")


def test_missing_dates_are_asked_for_and_what_was_typed_is_kept(client, db_session) -> None:
    world = register_call()
    sign_in(client, finance_for(world))
    data = {"scope": "dates", "export_format": "xlsx", "date_from": ["1", "13", "2026"], "date_to": ["", "", ""]}
    response = post_form(client, URL, data)  # type: ignore[arg-type]
    assert response.status_code == 422
    assert error_summary(response) == ["The first day must be a real date", "Enter the last day"]
    page = response.get_data(as_text=True)
    assert 'id="date_from-month" name="date_from" type="text" value="13"' in page
    assert re.search(r'type="radio" value="xlsx" checked', page)
    assert re.search(r'type="radio" value="dates" checked', page)


def test_dates_the_wrong_way_round_are_refused_at_the_last_day(client, db_session) -> None:
    world = register_call()
    sign_in(client, finance_for(world))
    data = {"scope": "dates", "export_format": "csv", "date_from": ["2", "4", "2026"], "date_to": ["1", "4", "2026"]}
    response = post_form(client, URL, data)  # type: ignore[arg-type]
    assert response.status_code == 422
    assert error_summary(response) == ["The last day must be the same as or after the first day"]
    assert db.session.scalar(sa.select(sa.func.count(Export.id))) == 0


def test_a_call_of_another_fund_cannot_be_chosen(client, db_session) -> None:
    world = register_call()
    other = register_call(code="EXP-O", fund_code="EXPO")
    sign_in(client, finance_for(world))
    response = _ask(client, other)
    assert response.status_code == 422
    assert error_summary(response) == ["Select what you want to export"]
    assert db.session.scalar(sa.select(sa.func.count(Export.id))) == 0


# --- services ------------------------------------------------------------------------------------------------


def test_another_funds_finance_officer_is_refused_that_call_and_that_fund(db_session) -> None:
    world = register_call()
    other = register_call(code="EXP-O", fund_code="EXPO")
    finance = finance_for(other)
    with pytest.raises(NotAllowed):
        services.start_export(
            actor=finance,
            scope=ExportScope.ROUND,
            export_format=ExportFormat.CSV,
            round_id=world.round.id,
            now=utcnow(),
        )
    with pytest.raises(NotAllowed):
        services.start_export(
            actor=finance, scope=ExportScope.FUND, export_format=ExportFormat.CSV, fund_id=world.fund.id, now=utcnow()
        )


def test_an_assessor_may_not_export(db_session) -> None:
    world = register_call()
    with pytest.raises(NotAllowed):
        services.start_export(
            actor=staff_user(StaffRole.ASSESSOR, round_id=world.round.id),
            scope=ExportScope.ROUND,
            export_format=ExportFormat.CSV,
            round_id=world.round.id,
            now=utcnow(),
        )


def test_a_missing_call_is_named_at_its_field(db_session) -> None:
    with pytest.raises(DomainError) as refused:
        services.start_export(
            actor=staff_user(StaffRole.ADMIN), scope=ExportScope.ROUND, export_format=ExportFormat.CSV, now=utcnow()
        )
    assert refused.value.field == "round_id"


def test_a_date_range_only_covers_the_calls_the_person_may_export(db_session) -> None:
    world = register_call()
    register_call(code="EXP-O", fund_code="EXPO")
    export = services.start_export(
        actor=finance_for(world),
        scope=ExportScope.DATES,
        export_format=ExportFormat.CSV,
        date_from=date(2026, 1, 1),
        date_to=date(2026, 12, 31),
        now=utcnow(),
    )
    assert export.round_ids == [world.round.id]


def test_progress_is_committed_as_the_rows_are_written(db_session, monkeypatch) -> None:
    export = _queued(register_call())
    seen: list[tuple[int, int]] = []
    record = services.record_export_progress

    def spy(*, export_id: int, done: int) -> None:
        record(export_id=export_id, done=done)
        row = db.session.execute(sa.select(Export.done, Export.total).where(Export.id == export_id)).one()
        seen.append((row.done, row.total))

    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(services, "record_export_progress", spy)
    jobs.run_export(export.id)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    db.session.refresh(export)
    assert (export.status, export.done, export.total) == (ExportStatus.DONE, 3, 3)


def test_progress_never_passes_the_total_and_the_total_grows_with_it(db_session) -> None:
    export = _queued(register_call())
    assert services.claim_export(export_id=export.id, now=utcnow()) is not None
    services.record_export_progress(export_id=export.id, done=5)
    row = db.session.execute(sa.select(Export.done, Export.total).where(Export.id == export.id)).one()
    assert (row.done, row.total) == (5, 5)


def test_an_export_is_claimed_once(db_session) -> None:
    export = _queued(register_call())
    assert services.claim_export(export_id=export.id, now=utcnow()) is not None
    assert services.claim_export(export_id=export.id, now=utcnow()) is None


def test_a_writer_that_fails_marks_the_export_failed_and_leaves_no_file(db_session, monkeypatch, app) -> None:
    export = _queued(register_call())

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(export_writers, "write_export", broken)
    jobs.run_export(export.id)
    db.session.refresh(export)
    assert export.status == ExportStatus.FAILED
    assert export.error is not None and "OSError" in export.error
    assert export.storage_key is None
    assert not list((Path(app.config["UPLOAD_DIR"]) / "tmp").glob("*"))
    assert _events("export.finished")[-1].data["to"] == "failed"


# --- who may see what -----------------------------------------------------------------------------------------


def test_applicants_get_404_and_assessors_403(app, db_session) -> None:
    world = register_call()
    applicant, _org = applicant_with_organisation()
    assessor = staff_user(StaffRole.ASSESSOR, round_id=world.round.id)
    for user, status in ((applicant, 404), (assessor, 403)):
        browser = isolated_client(app)
        sign_in(browser, user)
        assert browser.get(URL).status_code == status
        # They cannot fetch the form's token: a POST without one is refused the same way (nothing is asked for).
        data = {"scope": f"round-{world.round.id}", "export_format": "csv"}
        assert browser.post(URL, data=data).status_code == status
    assert db.session.scalar(sa.select(sa.func.count(Export.id))) == 0


@pytest.mark.parametrize("role", [StaffRole.FUND_MANAGER, StaffRole.FINANCE_OFFICER, StaffRole.ADMIN])
def test_fund_managers_finance_officers_and_admins_may_export(client, db_session, role: StaffRole) -> None:
    world = register_call()
    sign_in(client, staff_user(role, fund_id=None if role == StaffRole.ADMIN else world.fund.id))
    assert client.get(URL).status_code == 200
    assert _ask(client, world).status_code == 302
    assert _latest().status == ExportStatus.DONE


def test_an_export_is_only_its_creators_and_admins(app, db_session) -> None:
    world = register_call()
    owner, colleague, admin = finance_for(world), finance_for(world), staff_user(StaffRole.ADMIN)
    browser = isolated_client(app)
    sign_in(browser, owner)
    _ask(browser, world)
    export = _latest()
    urls = [f"{URL}/{export.id}", f"{URL}/{export.id}/download"]
    other = isolated_client(app)
    sign_in(other, colleague)
    for url in urls:
        assert other.get(url).status_code == 404, url
    boss = isolated_client(app)
    sign_in(boss, admin)
    for url in urls:
        response = boss.get(url)
        response.close()
        assert response.status_code == 200, url
    mine = browser.get(URL).get_data(as_text=True)
    assert f'href="/staff/exports/{export.id}"' in mine and export.file_name in mine
    assert export.file_name not in other.get(URL).get_data(as_text=True)
