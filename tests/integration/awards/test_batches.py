"""Bulk award letters: a batch started from the call's letters page runs as jobs (inline in tests), issues the letter
of every award ready for one, counts its progress, and ends with a ZIP of the letters and a manifest; who may see and
start it; what it refuses; and that the per-award job is safe to run twice."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.states import StaffRole
from fundapp.awards import jobs, services
from fundapp.awards.models import Award, LetterBatch
from fundapp.awards.states import AwardStatus, BatchStatus
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.transactions import commit_unit_of_work, forget_unaudited_changes
from fundapp.extensions import db
from tests.factories import FundFactory, complete_due_diligence, staff_user
from tests.helpers import error_summary, isolated_client, page_title, post_form, sign_in_as
from tests.integration.awards.conftest import DecisionSetup, make_decision_round


@dataclass
class Letters:
    setup: DecisionSetup
    ready: list[Award]  # due diligence complete
    waiting: list[Award]  # due diligence outstanding

    @property
    def url(self) -> str:
        return f"/staff/calls/{self.setup.round.id}/letters"


def letters_call(*, ready: int = 2, waiting: int = 1, publish: bool = True) -> Letters:
    """A call with ready + waiting awards approved by its fund manager, outcomes published (unless publish=False),
    and due diligence complete on the first `ready` of them."""
    setup = make_decision_round(applications=ready + waiting, budget_pence=2_000_000 * (ready + waiting + 1))
    awards = [
        services.approve_application(
            actor=setup.manager, application=application, amount_pence=2_000_000, conditions="", reason="", now=utcnow()
        )
        for application in setup.applications
    ]
    if publish:
        services.publish_outcomes(actor=setup.manager, round_=setup.round, now=utcnow())
    for award in awards[:ready]:
        complete_due_diligence(award, by=setup.finance)
    db.session.flush()
    return Letters(setup=setup, ready=awards[:ready], waiting=awards[ready:])


def reload(obj: Any) -> Any:
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def latest_batch(round_id: int) -> LetterBatch:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(LetterBatch).where(LetterBatch.round_id == round_id).order_by(LetterBatch.id.desc())
    ).first()


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def start(client: Any, world: Letters) -> Any:
    sign_in_as(client, world.setup.manager)
    return post_form(client, world.url, {})


# --- a batch from start to ZIP ---------------------------------------------------------------------------------


def test_a_batch_issues_every_ready_letter_counts_them_and_zips_them_with_a_manifest(client, db_session) -> None:
    world = letters_call(ready=2, waiting=1)
    response = start(client, world)
    batch = latest_batch(world.setup.round.id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/calls/{world.setup.round.id}/letters/{batch.id}")
    assert (batch.status, batch.done, batch.failed, batch.total) == (BatchStatus.DONE, 2, 0, 2)
    assert sorted(batch.award_ids) == sorted(a.id for a in world.ready)
    assert batch.finished_at is not None and batch.zip_storage_key and batch.zip_size_bytes
    assert [reload(a).status for a in world.ready] == [AwardStatus.LETTER_ISSUED] * 2
    assert reload(world.waiting[0]).status == AwardStatus.OFFERED
    assert reload(world.ready[0]).letter_issued_by_id == world.setup.manager.id

    download = client.get(f"{world.url}/{batch.id}/letters.zip")
    data = download.get_data()
    download.close()  # the file sent
    assert download.status_code == 200
    assert download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(archive.namelist())
    assert names == sorted([f"{a.reference}.pdf" for a in world.ready] + ["manifest.csv"])
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert [row["reference"] for row in manifest] == sorted(a.reference for a in world.ready)
    for row in manifest:
        pdf = archive.read(f"{row['reference']}.pdf")
        assert pdf.startswith(b"%PDF")
        assert row["sha256"] == hashlib.sha256(pdf).hexdigest()
        assert row["version"] == "1" and row["amount"] == "£20,000.00"

    [started] = events("letters.batch_started")
    assert started.actor_id == world.setup.manager.id
    assert started.data["waiting_on_due_diligence"] == [world.waiting[0].reference]
    assert len(events("letters.batch_letter_issued")) == 2
    assert events("letters.batch_finished")[0].data == {"status": "done", "done": 2, "failed": 0, "total": 2}
    [downloaded] = events("letters.batch_downloaded")
    assert downloaded.actor_id == world.setup.manager.id and downloaded.subject_id == batch.id


def test_the_progress_page_shows_the_bar_the_count_and_the_download_button(client, db_session) -> None:
    world = letters_call(ready=2, waiting=0)
    start(client, world)
    batch = latest_batch(world.setup.round.id)
    response = client.get(f"{world.url}/{batch.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page_title(response).startswith(f"Award letters, run {batch.id}: ")
    assert '<progress id="batch-progress-bar"' in page and 'max="2" value="2"' in page
    assert 'aria-live="polite"' in page and "2 of 2 letters issued" in page
    assert "Download the letters (ZIP, " in page
    assert f"/staff/calls/{world.setup.round.id}/letters/{batch.id}/letters.zip" in page
    assert "js/letter-batch.js" in page
    assert ">Refresh</a>" not in page  # finished: nothing left to refresh for


def test_a_running_batch_page_offers_a_refresh_link_and_no_download(client, db_session) -> None:
    world = letters_call(ready=1, waiting=0)
    batch = LetterBatch(
        round_id=world.setup.round.id, status=BatchStatus.RUNNING, award_ids=[world.ready[0].id], total=1
    )
    db.session.add(batch)
    db.session.flush()
    sign_in_as(client, world.setup.manager)
    page = client.get(f"{world.url}/{batch.id}").get_data(as_text=True)
    assert "0 of 1 letter issued" in page and "Issuing letters" in page
    assert ">Refresh</a>" in page
    assert 'id="batch-progress-download" hidden' in page
    assert "http-equiv" not in page  # no meta refresh


def test_the_status_json_reports_progress_and_is_never_cached(client, db_session) -> None:
    world = letters_call(ready=2, waiting=0)
    start(client, world)
    batch = latest_batch(world.setup.round.id)
    response = client.get(f"{world.url}/{batch.id}/status.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert {k: data[k] for k in ("status", "done", "failed", "total", "percent")} == {
        "status": "done",
        "done": 2,
        "failed": 0,
        "total": 2,
        "percent": 100,
    }
    assert data["zip_url"] == f"/staff/calls/{world.setup.round.id}/letters/{batch.id}/letters.zip"


def test_the_letters_page_counts_awards_ready_and_waiting_on_due_diligence(client, db_session) -> None:
    world = letters_call(ready=2, waiting=1)
    sign_in_as(client, world.setup.manager)
    response = client.get(world.url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page_title(response).startswith(f"Award letters: {world.setup.round.name} – ")
    assert "Issue 2 letters" in page
    assert f'href="/staff/calls/{world.setup.round.id}/awards"' in page
    assert "No letters have been issued in bulk for this call yet." in page


# --- refusals ------------------------------------------------------------------------------------------------


def test_nothing_ready_is_refused_saying_how_many_wait_on_due_diligence(client, db_session) -> None:
    world = letters_call(ready=0, waiting=2)
    response = start(client, world)
    assert response.status_code == 422
    assert page_title(response).startswith("Error: ")
    assert error_summary(response) == ["No awards are ready for a letter: 2 awards wait on due diligence"]
    assert latest_batch(world.setup.round.id) is None


def test_a_batch_before_outcomes_are_published_is_refused(client, db_session) -> None:
    world = letters_call(ready=1, waiting=0, publish=False)
    response = start(client, world)
    assert response.status_code == 422
    assert error_summary(response) == ["Publish the call's outcomes before issuing letters"]
    assert latest_batch(world.setup.round.id) is None


def test_a_second_batch_while_one_is_running_is_refused(client, db_session) -> None:
    world = letters_call(ready=1, waiting=0)
    db.session.add(
        LetterBatch(round_id=world.setup.round.id, status=BatchStatus.RUNNING, award_ids=[world.ready[0].id], total=1)
    )
    db.session.flush()
    response = start(client, world)
    assert response.status_code == 422
    assert error_summary(response) == ["Letters for this call are already being made: wait for that run to finish"]
    assert reload(world.ready[0]).status == AwardStatus.OFFERED


def test_awards_that_already_have_their_letter_are_not_issued_again(client, db_session) -> None:
    world = letters_call(ready=2, waiting=0)
    start(client, world)
    response = start(client, world)
    assert response.status_code == 422
    assert error_summary(response) == ["No awards are ready for a letter"]


# --- the jobs ------------------------------------------------------------------------------------------------


def _queued_batch(world: Letters) -> LetterBatch:
    ids = [a.id for a in world.ready]
    batch = LetterBatch(
        round_id=world.setup.round.id,
        status=BatchStatus.QUEUED,
        award_ids=ids,
        total=len(ids),
        created_by_id=world.setup.manager.id,
    )
    db.session.add(batch)
    forget_unaudited_changes(db.session)  # set-up standing in for start_letter_batch, not a unit of work to audit
    commit_unit_of_work()
    return batch


def test_an_award_that_changed_after_the_start_is_counted_as_failed_and_the_rest_still_zip(db_session) -> None:
    world = letters_call(ready=2, waiting=0)
    withdrawn = world.ready[1]
    batch = _queued_batch(world)
    withdrawn.status = AwardStatus.WITHDRAWN
    forget_unaudited_changes(db.session)  # the test changes it behind the service's back
    commit_unit_of_work()
    jobs.run_letter_batch(batch.id)
    batch = reload(batch)
    assert (batch.status, batch.done, batch.failed, batch.total) == (BatchStatus.DONE, 1, 1, 2)
    assert batch.error.startswith(f"{withdrawn.reference}: ")
    archive = zipfile.ZipFile(io.BytesIO(services.storage.read(batch.zip_storage_key)))
    assert sorted(archive.namelist()) == sorted([f"{world.ready[0].reference}.pdf", "manifest.csv"])


def test_a_batch_where_no_letter_could_be_issued_fails_without_a_zip(client, db_session) -> None:
    world = letters_call(ready=1, waiting=0)
    batch = _queued_batch(world)
    world.ready[0].status = AwardStatus.WITHDRAWN
    forget_unaudited_changes(db.session)  # the test changes it behind the service's back
    commit_unit_of_work()
    jobs.run_letter_batch(batch.id)
    batch = reload(batch)
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.FAILED, 0, 1)
    assert batch.zip_storage_key is None
    sign_in_as(client, world.setup.manager)
    assert client.get(f"{world.url}/{batch.id}/letters.zip").status_code == 404
    page = client.get(f"{world.url}/{batch.id}").get_data(as_text=True)
    assert "Letters not issued" in page and world.ready[0].reference in page


def test_running_an_awards_job_again_never_counts_it_twice_or_issues_a_second_version(db_session) -> None:
    world = letters_call(ready=2, waiting=0)
    batch = _queued_batch(world)
    award_id = world.ready[0].id
    assert services.mark_batch_running(batch_id=batch.id) == [a.id for a in world.ready]
    commit_unit_of_work()
    jobs.build_batch_letter(batch.id, award_id)
    jobs.build_batch_letter(batch.id, award_id)  # a retry after the commit
    batch = reload(batch)
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.RUNNING, 1, 0)
    assert [d.version for d in services.queries.list_letters(award_id)] == [1]
    jobs.build_batch_letter(batch.id, world.ready[1].id)
    batch = reload(batch)
    assert (batch.status, batch.done) == (BatchStatus.DONE, 2)
    jobs.run_letter_batch(batch.id)  # a second start claims nothing
    jobs.finish_letter_batch(batch.id)  # a second finish changes nothing
    assert len(events("letters.batch_finished")) == 1


def test_an_award_whose_letter_was_issued_meanwhile_counts_as_done_without_a_second_version(db_session) -> None:
    world = letters_call(ready=1, waiting=0)
    batch = _queued_batch(world)
    award = world.ready[0]
    services.issue_award_letter(actor=world.setup.manager, award=award, now=utcnow())
    commit_unit_of_work()
    jobs.run_letter_batch(batch.id)
    batch = reload(batch)
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 1, 0)
    assert [d.version for d in services.queries.list_letters(award.id)] == [1]
    assert events("letters.batch_letter_issued")[0].data["issued_elsewhere"] is True


def test_counting_stops_at_the_batch_total(db_session) -> None:
    world = letters_call(ready=1, waiting=0)
    batch = _queued_batch(world)
    services.mark_batch_running(batch_id=batch.id)
    first = services.record_batch_failure(batch_id=batch.id, award_id=world.ready[0].id, problem="test")
    again = services.record_batch_failure(batch_id=batch.id, award_id=world.ready[0].id, problem="test")
    assert first is not None and first.complete and again is None
    assert (reload(batch).failed, reload(batch).done) == (1, 0)


# --- who may see and start it ---------------------------------------------------------------------------------


@pytest.fixture()
def finished(client, db_session) -> tuple[Letters, LetterBatch]:
    world = letters_call(ready=1, waiting=0)
    start(client, world)
    return world, latest_batch(world.setup.round.id)


def _urls(world: Letters, batch: LetterBatch) -> list[str]:
    base = f"{world.url}/{batch.id}"
    return [world.url, base, f"{base}/status.json", f"{base}/letters.zip"]


def test_applicants_get_404_and_other_staff_403_on_every_batch_page(app, finished) -> None:
    world, batch = finished
    applicant, other_manager = isolated_client(app), isolated_client(app)
    sign_in_as(applicant, world.setup.applicants[0])
    sign_in_as(other_manager, staff_user(StaffRole.FUND_MANAGER, fund_id=FundFactory().id))
    for url in _urls(world, batch):
        assert applicant.get(url).status_code == 404, url
        assert other_manager.get(url).status_code == 403, url
    assert applicant.post(world.url, data={}).status_code in (400, 404)


def test_finance_officers_may_watch_and_download_but_not_start_a_batch(app, finished) -> None:
    world, batch = finished
    finance = isolated_client(app)
    sign_in_as(finance, world.setup.finance)
    for url in _urls(world, batch):
        response = finance.get(url)
        response.close()
        assert response.status_code == 200, url
    page = finance.get(world.url).get_data(as_text=True)
    assert "The call's fund managers issue its letters." in page
    assert post_form(finance, world.url, {}).status_code == 403


def test_a_batch_of_another_call_is_not_found(app, finished) -> None:
    world, batch = finished
    other = letters_call(ready=1, waiting=0)
    admin = isolated_client(app)
    sign_in_as(admin, staff_user(StaffRole.ADMIN))
    base = f"/staff/calls/{other.setup.round.id}/letters/{batch.id}"
    for url in (base, f"{base}/status.json", f"{base}/letters.zip"):
        assert admin.get(url).status_code == 404, url


def test_a_start_without_a_valid_form_token_starts_nothing(client, db_session) -> None:
    world = letters_call(ready=1, waiting=0)
    sign_in_as(client, world.setup.manager)
    response = client.post(world.url, data={"csrf_token": "not-the-token"})
    assert response.status_code in (400, 422)
    assert latest_batch(world.setup.round.id) is None
    assert reload(world.ready[0]).status == AwardStatus.OFFERED
