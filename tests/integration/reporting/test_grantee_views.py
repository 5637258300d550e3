"""The grantee's monitoring report pages through the test client: the list, the task list, each section (save and
return, mistakes shown at their fields with what was typed kept, a stale page), evidence, check and submit, the
read-only report once submitted, and who may see what."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.mail.models import OutboxMessage
from fundapp.extensions import db
from fundapp.programmes.states import QuestionType
from fundapp.reporting import content, queries, services
from fundapp.reporting.models import Report, ReportEvidence
from fundapp.reporting.states import ReportStatus
from tests.factories import (
    AnswerFactory,
    MembershipFactory,
    QuestionFactory,
    ReportEvidenceFactory,
    ReportFactory,
    SectionFactory,
    applicant_with_organisation,
    fill_report,
    staff_user,
    submitted_report,
)
from tests.helpers import csrf_token, error_summary, field_error, hidden_fields, page_title, sign_in_as
from tests.sample_files import pdf_bytes, png_bytes


@dataclass
class Grantee:
    report: Report
    member: User

    @property
    def url(self) -> str:
        return f"/reports/{self.report.id}"


@pytest.fixture()
def grantee(client: Any) -> Grantee:
    """A report due in two weeks on an accepted award, and a member of the grantee organisation, signed in."""
    report = ReportFactory()
    member = MembershipFactory(organisation=report.award.organisation).user
    sign_in_as(client, member)
    return Grantee(report=report, member=member)


def _reload(report: Report) -> Report:
    db.session.expire_all()
    return queries.get_report(report.id)


def _text(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _post(client: Any, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Post the page's form as a browser would: its hidden fields (CSRF token, version) plus data."""
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} gave {page.status_code}"
    return client.post(url, data={**hidden_fields(page), **data}, **kwargs)


def _filled(grantee: Grantee) -> Report:
    """A second report of the grantee's award with every section saved (a draft, as saving makes it)."""
    return fill_report(ReportFactory(award=grantee.report.award, position=2, status=ReportStatus.DRAFT))


def _results(**overrides: str) -> dict[str, str]:
    typed = {
        "metric_londoners_reached": "120",
        "metric_sessions_delivered": "12",
        "metric_volunteers_involved": "4",
        "metric_participants_reporting_change": "80",
    }
    return {**typed, **overrides}


# --- the list of reports --------------------------------------------------------------------------------------


def test_the_list_shows_each_report_with_its_grant_due_date_and_status(client: Any, grantee: Grantee) -> None:
    award = grantee.report.award
    page = _text(client.get("/reports"))
    assert "Your grant reports" in page
    assert f"Interim report for {award.reference}" in page
    assert award.application.project_title in page
    assert "Not started" in page
    assert "Overdue" not in page


def test_a_report_still_owed_after_its_due_date_is_tagged_overdue_and_a_submitted_one_is_not(client: Any) -> None:
    late = ReportFactory(due_on=utcnow().date() - timedelta(days=3))
    member = MembershipFactory(organisation=late.award.organisation).user
    submitted_report(by=member, award=late.award, position=2, label="Final report", due_on=late.due_on)
    sign_in_as(client, member)
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', client.get("/reports").get_data(as_text=True), re.S)
    by_label = {label: row for row in rows for label in ("Interim report", "Final report") if f">{label}<" in row}
    assert "Overdue" in by_label["Interim report"]
    assert "Overdue" not in by_label["Final report"]
    assert "Submitted" in by_label["Final report"]


def test_someone_without_grants_is_told_where_reports_will_appear(client: Any, grantee: Grantee) -> None:
    user, _organisation = applicant_with_organisation()
    sign_in_as(client, user)
    page = _text(client.get("/reports"))
    assert "You have no reports to write" in page
    assert grantee.report.award.reference not in page


def test_the_home_page_and_the_accepted_offer_link_to_the_reports(client: Any, grantee: Grantee) -> None:
    home = client.get("/").get_data(as_text=True)
    assert "Your grant reports" in home
    assert 'href="/reports"' in home
    assert "Reports to complete: 1" in home
    offer = client.get(f"/awards/{grantee.report.award.id}").get_data(as_text=True)
    assert 'href="/reports"' in offer


# --- the report's task list -----------------------------------------------------------------------------------


def test_the_task_list_shows_each_sections_progress(client: Any, grantee: Grantee) -> None:
    services.save_section(
        actor=grantee.member,
        report=grantee.report,
        section="results",
        typed={"metrics": {"londoners_reached": "10"}},
        version=0,
        now=utcnow(),
    )
    services.save_section(
        actor=grantee.member,
        report=grantee.report,
        section="places",
        typed={"boroughs": ["E09000002"]},
        version=1,
        now=utcnow(),
    )
    page = client.get(grantee.url).get_data(as_text=True)
    statuses = dict(
        re.findall(
            r'govuk-task-list__name-and-hint">\s*<a[^>]*>(.*?)</a>.*?govuk-task-list__status[^>]*>\s*(.*?)\s*</div>',
            page,
            re.S,
        )
    )
    strip = {title.strip(): " ".join(re.sub(r"<[^>]+>", " ", status).split()) for title, status in statuses.items()}
    assert strip == {
        "Results": "In progress",
        "What you delivered": "Not started",
        "Spending": "Not started",
        "Where you worked": "Completed",
        "Evidence": "Optional",
    }
    assert "You can submit once every section is completed" in _text(client.get(grantee.url))


def test_a_complete_report_offers_to_check_and_submit(client: Any, grantee: Grantee) -> None:
    report = _filled(grantee)
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "You have completed 4 of 4 sections. Evidence is optional." in page
    assert f'href="/reports/{report.id}/submit"' in page


def test_comments_from_staff_who_asked_for_changes_are_shown_at_the_top(client: Any, grantee: Grantee) -> None:
    report = submitted_report(by=grantee.member, award=grantee.report.award, position=2)
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=report.round.fund_id)
    services.request_changes(actor=manager, report=report, comments="Please add the spend on venues.", now=utcnow())
    page = _text(client.get(f"/reports/{report.id}"))
    assert "Changes requested" in page
    assert "The fund’s staff have asked you to change this report" in page
    assert page.index("Please add the spend on venues.") < page.index("You have completed")
    assert "Submission 1" in page and "Changes requested on" in page


def test_a_submitted_report_is_shown_read_only_with_its_history(client: Any, grantee: Grantee) -> None:
    report = submitted_report(by=grantee.member, award=grantee.report.award, position=2)
    page = _text(client.get(f"/reports/{report.id}"))
    assert "You submitted this report on" in page
    assert "What you submitted" in page
    assert "We ran twelve workshops in schools and two community events." in page
    assert "Barking and Dagenham" in page
    assert "Submission 1 Submitted" in page
    assert f"by {grantee.member.full_name} Outcome Waiting for review" in page
    assert "Waiting for review" in page
    assert "Change" not in re.sub(r"Changes?\s+requested", "", page)


def test_an_approved_report_says_so(client: Any, grantee: Grantee) -> None:
    report = submitted_report(by=grantee.member, award=grantee.report.award, position=2)
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=report.round.fund_id)
    services.approve_report(actor=manager, report=report, comments="Thank you, lovely work.", now=utcnow())
    page = _text(client.get(f"/reports/{report.id}"))
    assert "The fund’s staff approved this report on" in page
    assert "Thank you, lovely work." in page
    assert "Approved" in page


# --- sections -------------------------------------------------------------------------------------------------


def test_every_section_page_renders_with_its_fields(client: Any, grantee: Grantee) -> None:
    results = client.get(f"{grantee.url}/sections/results").get_data(as_text=True)
    assert 'name="metric_londoners_reached"' in results and 'inputmode="numeric"' in results
    assert "Your target: 400" in results
    delivery = client.get(f"{grantee.url}/sections/delivery").get_data(as_text=True)
    assert 'name="delivered"' in delivery and 'data-maxwords="500"' in delivery
    assert 'name="changes"' in delivery and 'data-maxwords="300"' in delivery
    spending = _text(client.get(f"{grantee.url}/sections/spending"))
    assert "Staff salaries: Youth worker, two days a week" in spending and "Budgeted: £17,000" in spending
    assert "Total budgeted £20,000" in spending
    places = client.get(f"{grantee.url}/sections/places").get_data(as_text=True)
    assert places.count('name="boroughs"') == 33


def test_saving_valid_results_continues_to_the_next_section(client: Any, grantee: Grantee) -> None:
    response = _post(client, f"{grantee.url}/sections/results", {**_results(), "action": "continue"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{grantee.url}/sections/delivery")
    report = _reload(grantee.report)
    assert report.values["metrics"]["londoners_reached"] == 120
    assert report.status == ReportStatus.DRAFT


def test_save_and_come_back_later_returns_to_the_task_list_with_a_message(client: Any, grantee: Grantee) -> None:
    url = f"{grantee.url}/sections/results"
    typed = _results(metric_sessions_delivered="", metric_volunteers_involved="a few")
    response = _post(client, url, {**typed, "action": "later"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(grantee.url)
    assert "Some answers need attention" in _text(client.get(grantee.url))
    back = client.get(url)
    # Coming back shows the mistakes in what was typed, not every box still empty.
    assert error_summary(back) == ["Volunteers involved must be a whole number, like 120"]
    assert 'value="a few"' in back.get_data(as_text=True)


def test_results_with_mistakes_show_each_at_its_field_and_keep_what_was_typed(client: Any, grantee: Grantee) -> None:
    url = f"{grantee.url}/sections/results"
    typed = _results(
        metric_londoners_reached="1,250",
        metric_sessions_delivered="-3",
        metric_volunteers_involved="2.5",
        metric_participants_reporting_change="lots",
    )
    response = _post(client, url, {**typed, "action": "continue"})
    assert response.status_code == 200
    assert page_title(response).startswith("Error: Results")
    assert error_summary(response) == [
        "Sessions delivered cannot be negative; enter 0 if there were none",
        "Volunteers involved must be a whole number, like 120",
        "Participants reporting a change must be a whole number, like 120",
    ]
    assert field_error(response, "metric_volunteers_involved") == "Volunteers involved must be a whole number, like 120"
    page = response.get_data(as_text=True)
    for value in ("1,250", "-3", "2.5", "lots"):
        assert f'value="{value}"' in page
    assert hidden_fields(response)["version"] == "1"
    report = _reload(grantee.report)
    assert report.raw["metrics"]["sessions_delivered"] == "-3"  # saved as typed, nothing lost
    assert report.values["metrics"] == {"londoners_reached": 1250}


def test_a_huge_number_is_refused_at_its_field(client: Any, grantee: Grantee) -> None:
    response = _post(
        client, f"{grantee.url}/sections/results", {**_results(metric_londoners_reached="99999999"), "action": "x"}
    )
    assert field_error(response, "metric_londoners_reached") == "Londoners reached must be 10,000,000 or fewer"


def test_a_page_opened_before_someone_elses_save_keeps_what_was_typed_and_saves_nothing(
    client: Any, grantee: Grantee
) -> None:
    url = f"{grantee.url}/sections/results"
    page = client.get(url)
    colleague = MembershipFactory(organisation=grantee.report.award.organisation).user
    services.save_section(
        actor=colleague,
        report=grantee.report,
        section="results",
        typed={"metrics": {"londoners_reached": "77"}},
        version=0,
        now=utcnow(),
    )
    response = client.post(url, data={**hidden_fields(page), **_results(metric_londoners_reached="500")})
    assert response.status_code == 200
    text = _text(response)
    assert "Someone else has saved this report" in text
    assert f"What is saved now, by {colleague.full_name}" in text
    assert 'value="500"' in response.get_data(as_text=True)
    assert hidden_fields(response)["version"] == "1"
    assert _reload(grantee.report).raw["metrics"] == {"londoners_reached": "77"}
    again = client.post(url, data={**hidden_fields(response), **_results(metric_londoners_reached="500")})
    assert again.status_code == 302
    assert _reload(grantee.report).values["metrics"]["londoners_reached"] == 500


def test_a_tampered_version_asks_to_reload_and_keeps_the_input(client: Any, grantee: Grantee) -> None:
    url = f"{grantee.url}/sections/results"
    response = client.post(
        url, data={"csrf_token": csrf_token(client, url), "version": "abc", **_results(metric_londoners_reached="9")}
    )
    assert response.status_code == 200
    assert "Reload the page and try again" in error_summary(response)
    assert 'value="9"' in response.get_data(as_text=True)
    assert _reload(grantee.report).version == 0


def test_an_expired_page_keeps_what_was_typed(client: Any, grantee: Grantee) -> None:
    url = f"{grantee.url}/sections/delivery"
    response = client.post(url, data={"csrf_token": "stale", "version": "0", "delivered": "We ran workshops"})
    assert response.status_code == 200
    assert "This page had expired" in _text(response)
    assert "We ran workshops" in response.get_data(as_text=True)
    assert _reload(grantee.report).version == 0


def test_delivery_over_its_word_limit_is_refused_at_the_field_and_kept(client: Any, grantee: Grantee) -> None:
    long_text = " ".join(["word"] * (content.DELIVERED_WORDS + 1))
    response = _post(
        client, f"{grantee.url}/sections/delivery", {"delivered": long_text, "changes": "", "action": "continue"}
    )
    assert response.status_code == 200
    assert field_error(response, "delivered") == "What your project delivered must be 500 words or fewer"
    assert field_error(response, "changes") == (
        "Describe what changed from your plan or went wrong, or write 'Nothing changed'"
    )
    assert long_text in response.get_data(as_text=True)


def test_spending_that_is_not_an_amount_is_refused_at_its_line(client: Any, grantee: Grantee) -> None:
    response = _post(
        client, f"{grantee.url}/sections/spending", {"spend_0": "about a grand", "spend_1": "-5", "action": "x"}
    )
    assert response.status_code == 200
    assert field_error(response, "spend_0") == (
        "Enter the amount spent on Youth worker, two days a week in pounds, like £1,250"
    )
    assert field_error(response, "spend_1") == "Enter the amount spent on Community hall in pounds, like £1,250"
    assert 'value="about a grand"' in response.get_data(as_text=True)


def test_valid_spending_continues_and_shows_the_total_spent(client: Any, grantee: Grantee) -> None:
    url = f"{grantee.url}/sections/spending"
    response = _post(client, url, {"spend_0": "£1,250.50", "spend_1": "300", "action": "continue"})
    assert response.headers["Location"].endswith(f"{grantee.url}/sections/places")
    assert "Total spent so far £1,550.50" in _text(client.get(url))


def test_places_refuses_no_choice_and_boroughs_not_on_the_list(client: Any, grantee: Grantee) -> None:
    url = f"{grantee.url}/sections/places"
    nothing = _post(client, url, {"action": "continue"})
    assert field_error(nothing, "boroughs") == "Select the boroughs your project reached"
    forged = _post(client, url, {"boroughs": ["E09000002", "E99999999"], "action": "continue"})
    assert field_error(forged, "boroughs") == "Select boroughs from the list"
    assert 'value="E09000002" checked' in forged.get_data(as_text=True)


def test_places_continues_to_the_evidence_page(client: Any, grantee: Grantee) -> None:
    response = _post(client, f"{grantee.url}/sections/places", {"boroughs": ["E09000030"], "action": "continue"})
    assert response.headers["Location"].endswith(f"{grantee.url}/evidence")
    assert _reload(grantee.report).values["boroughs"] == ["E09000030"]


def test_places_starts_from_the_boroughs_named_in_the_application(client: Any, grantee: Grantee) -> None:
    application = grantee.report.award.application
    question = QuestionFactory(
        section=SectionFactory(question_set=application.round.question_set, key="where"),
        key="project_boroughs",
        type=QuestionType.BOROUGHS,
    )
    AnswerFactory(application=application, question_key=question.key, raw=["E09000012"], value=["E09000012"])
    page = client.get(f"{grantee.url}/sections/places").get_data(as_text=True)
    assert 'value="E09000012" checked' in page
    assert "We have ticked the boroughs you named in your application" in page


def test_an_unknown_section_is_not_found_and_evidence_has_its_own_page(client: Any, grantee: Grantee) -> None:
    assert client.get(f"{grantee.url}/sections/bank").status_code == 404
    response = client.get(f"{grantee.url}/sections/evidence")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{grantee.url}/evidence")


def test_a_submitted_reports_pages_cannot_change_it(client: Any, grantee: Grantee) -> None:
    report = submitted_report(by=grantee.member, award=grantee.report.award, position=2)
    version = report.version
    token = csrf_token(client, "/reports")
    for url in (f"/reports/{report.id}/sections/results", f"/reports/{report.id}/evidence"):
        assert client.get(url).headers["Location"].endswith(f"/reports/{report.id}")
        posted = client.post(url, data={"csrf_token": token, "version": str(version), **_results()})
        assert posted.status_code == 302
    submit = client.get(f"/reports/{report.id}/submit")
    assert submit.status_code == 302
    assert "This report has been submitted, so it can no longer be changed." in _text(
        client.get(f"/reports/{report.id}")
    )
    assert _reload(report).version == version


# --- evidence -------------------------------------------------------------------------------------------------


def _upload(client: Any, grantee: Grantee, filename: str, data: bytes) -> Any:
    url = f"{grantee.url}/evidence"
    return client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "evidence": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_uploading_evidence_lists_it_with_its_size_and_a_remove_button(client: Any, grantee: Grantee) -> None:
    page = _text(client.get(f"{grantee.url}/evidence"))
    assert "a PDF, Word document, Excel spreadsheet, OpenDocument text, OpenDocument spreadsheet, PNG or JPG" in page
    response = _upload(client, grantee, "Register week 3.pdf", pdf_bytes())
    assert response.status_code == 302
    evidence = _reload(grantee.report).evidence
    assert [e.filename for e in evidence] == ["Register week 3.pdf"]
    text = _text(client.get(f"{grantee.url}/evidence"))
    assert "Register week 3.pdf has been uploaded." in text
    assert "Remove Register week 3.pdf" in text


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("notes.txt", b"hello", "The selected file must be"),
        ("photo.pdf", png_bytes(), "The selected file's contents do not match its name (.pdf)"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_a_file_that_is_not_acceptable_is_refused_at_the_field(
    client: Any, grantee: Grantee, filename: str, data: bytes, message: str
) -> None:
    response = _upload(client, grantee, filename, data)
    assert response.status_code == 200
    assert field_error(response, "evidence").startswith(message)
    assert _reload(grantee.report).evidence == []


def test_sending_no_file_asks_for_one(client: Any, grantee: Grantee) -> None:
    response = _post(client, f"{grantee.url}/evidence", {})
    assert field_error(response, "evidence") == "Select a file to upload"


def test_no_more_files_than_the_limit(client: Any, grantee: Grantee) -> None:
    for _ in range(content.MAX_EVIDENCE_FILES):
        ReportEvidenceFactory(report=grantee.report)
    page = _text(client.get(f"{grantee.url}/evidence"))
    assert f"You have uploaded {content.MAX_EVIDENCE_FILES} files, the most a report can have" in page
    response = _upload(client, grantee, "one more.pdf", pdf_bytes())
    assert field_error(response, "evidence") == f"You can upload up to {content.MAX_EVIDENCE_FILES} files"


def test_removing_evidence_takes_it_off_the_report(client: Any, grantee: Grantee) -> None:
    evidence = ReportEvidenceFactory(report=grantee.report, filename="old.pdf")
    token = csrf_token(client, f"{grantee.url}/evidence")
    response = client.post(f"{grantee.url}/evidence/{evidence.id}/remove", data={"csrf_token": token})
    assert response.headers["Location"].endswith(f"{grantee.url}/evidence")
    assert _reload(grantee.report).evidence == []
    assert "old.pdf has been removed." in _text(client.get(f"{grantee.url}/evidence"))


def test_removing_without_a_valid_token_removes_nothing(client: Any, grantee: Grantee) -> None:
    evidence = ReportEvidenceFactory(report=grantee.report)
    response = client.post(f"{grantee.url}/evidence/{evidence.id}/remove", data={"csrf_token": "stale"})
    assert response.status_code == 400
    assert "This page had expired" in _text(response)
    assert len(_reload(grantee.report).evidence) == 1


def test_members_download_evidence_without_an_audit_record(client: Any, grantee: Grantee) -> None:
    evidence = ReportEvidenceFactory(report=grantee.report)
    with client.get(f"{grantee.url}/evidence/{evidence.id}") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.data.startswith(b"%PDF")
    assert _downloads() == []


def test_staff_who_see_the_calls_reports_download_submitted_evidence_and_it_is_recorded(
    client: Any, app: Any, grantee: Grantee
) -> None:
    evidence = ReportEvidenceFactory(report=grantee.report)
    fill_report(grantee.report)
    services.save_section(
        actor=grantee.member,
        report=grantee.report,
        section="places",
        typed={"boroughs": ["E09000001"]},
        version=grantee.report.version,
        now=utcnow(),
    )
    services.submit_report(actor=grantee.member, report=grantee.report, version=grantee.report.version, now=utcnow())
    manager = staff_user(StaffRole.FINANCE_OFFICER, fund_id=grantee.report.round.fund_id)
    sign_in_as(client, manager)
    with client.get(f"{grantee.url}/evidence/{evidence.id}") as response:
        assert response.status_code == 200
    [event] = _downloads()
    assert event.actor_id == manager.id
    assert event.data["evidence_id"] == evidence.id


def test_staff_cannot_open_evidence_the_grantee_has_not_submitted(client: Any, grantee: Grantee) -> None:
    evidence = ReportEvidenceFactory(report=grantee.report)
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, fund_id=grantee.report.round.fund_id))
    assert client.get(f"{grantee.url}/evidence/{evidence.id}").status_code == 404
    assert _downloads() == []


def test_staff_without_a_role_on_the_call_are_refused_evidence(client: Any, grantee: Grantee) -> None:
    evidence = ReportEvidenceFactory(report=grantee.report)
    sign_in_as(client, staff_user(StaffRole.ASSESSOR))
    assert client.get(f"{grantee.url}/evidence/{evidence.id}").status_code == 403


def test_evidence_is_found_only_under_its_own_report(client: Any, grantee: Grantee) -> None:
    other = ReportEvidenceFactory()
    token = csrf_token(client, f"{grantee.url}/evidence")
    assert client.get(f"{grantee.url}/evidence/{other.id}").status_code == 404
    assert client.post(f"{grantee.url}/evidence/{other.id}/remove", data={"csrf_token": token}).status_code == 404
    assert db.session.get(ReportEvidence, other.id) is not None


def _downloads() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "report_evidence.downloaded")))


# --- check and submit -----------------------------------------------------------------------------------------


def test_an_incomplete_report_lists_what_to_complete_and_cannot_be_submitted(client: Any, grantee: Grantee) -> None:
    url = f"{grantee.url}/submit"
    page = client.get(url)
    text = _text(page)
    assert "You cannot submit yet. Complete these sections first: Results What you delivered Spending" in text
    assert f'href="{grantee.url}/sections/results"' in page.get_data(as_text=True)
    assert "Submit report" not in text
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "version": "0"})
    assert response.status_code == 200
    assert "Complete every section before you submit: results, what you delivered, spending" in _text(response)
    assert _reload(grantee.report).status == ReportStatus.DUE


def test_checking_a_complete_report_shows_every_answer_with_change_links(client: Any, grantee: Grantee) -> None:
    report = _filled(grantee)
    url = f"/reports/{report.id}"
    page = client.get(f"{url}/submit")
    text = _text(page)
    assert "Check your report before you submit it" in text
    assert "Londoners reached 10 (your target: 400)" in text
    assert "We ran twelve workshops in schools and two community events." in text
    assert "Total £20,000 £200" in text
    assert "Barking and Dagenham Tower Hamlets" in text
    markup = page.get_data(as_text=True)
    for section in ("results", "delivery", "spending", "places"):
        assert f'href="{url}/sections/{section}"' in markup
    assert "Submit report" in text


def test_submitting_a_complete_report_tells_staff_and_says_so(client: Any, grantee: Grantee) -> None:
    report = _filled(grantee)
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=report.round.fund_id)
    url = f"/reports/{report.id}"
    response = _post(client, f"{url}/submit", {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url)
    assert "Report submitted." in _text(client.get(url))
    report = _reload(report)
    assert report.status == ReportStatus.SUBMITTED
    assert [s.submitted_by_id for s in report.submissions] == [grantee.member.id]
    [email] = [m for m in db.session.scalars(sa.select(OutboxMessage)) if m.to_address == manager.email]
    assert email.subject.startswith("Interim report submitted for")


def test_a_report_changed_after_the_check_page_opened_is_not_submitted(client: Any, grantee: Grantee) -> None:
    report = _filled(grantee)
    url = f"/reports/{report.id}"
    page = client.get(f"{url}/submit")
    services.save_section(
        actor=grantee.member,
        report=report,
        section="results",
        typed={"metrics": {m.key: "5" for m in queries.load_report_context(report).metrics}},
        version=report.version,
        now=utcnow(),
    )
    response = client.post(f"{url}/submit", data=hidden_fields(page))
    assert response.status_code == 200
    assert "Someone else changed this report after you opened this page, so it was not submitted" in _text(response)
    assert hidden_fields(response)["version"] == "1"
    assert _reload(report).status == ReportStatus.DRAFT


def test_a_report_sent_back_can_be_changed_and_submitted_again(client: Any, grantee: Grantee) -> None:
    report = submitted_report(by=grantee.member, award=grantee.report.award, position=2)
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=report.round.fund_id)
    services.request_changes(actor=manager, report=report, comments="Add the venue spend.", now=utcnow())
    url = f"/reports/{report.id}"
    saved = _post(client, f"{url}/sections/spending", {"spend_0": "100", "spend_1": "250", "action": "continue"})
    assert saved.headers["Location"].endswith(f"{url}/sections/places")
    assert _post(client, f"{url}/submit", {}).status_code == 302
    report = _reload(report)
    assert report.status == ReportStatus.SUBMITTED
    assert [s.number for s in report.submissions] == [1, 2]
    history = _text(client.get(url))
    assert "Submission 2" in history and "Submission 1" in history and "Add the venue spend." in history


# --- who may see what -----------------------------------------------------------------------------------------


def _every_route(report: Report, evidence: ReportEvidence) -> list[tuple[str, str]]:
    base = f"/reports/{report.id}"
    return [
        ("GET", base),
        ("GET", f"{base}/sections/results"),
        ("POST", f"{base}/sections/results"),
        ("GET", f"{base}/evidence"),
        ("POST", f"{base}/evidence"),
        ("POST", f"{base}/evidence/{evidence.id}/remove"),
        ("GET", f"{base}/evidence/{evidence.id}"),
        ("GET", f"{base}/submit"),
        ("POST", f"{base}/submit"),
    ]


def test_another_organisations_member_gets_not_found_on_every_route(client: Any, grantee: Grantee) -> None:
    evidence = ReportEvidenceFactory(report=grantee.report)
    stranger, _organisation = applicant_with_organisation()
    sign_in_as(client, stranger)
    token = csrf_token(client, "/reports")
    assert grantee.report.award.reference not in _text(client.get("/reports"))
    for method, url in _every_route(grantee.report, evidence):
        response = client.open(
            url, method=method, data={"csrf_token": token, "version": "0"} if method == "POST" else None
        )
        assert response.status_code == 404, (method, url, response.status_code)
    assert _reload(grantee.report).version == 0


def test_staff_are_not_shown_the_grantees_pages(client: Any, grantee: Grantee) -> None:
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, fund_id=grantee.report.round.fund_id))
    assert client.get(grantee.url).status_code == 404
    assert client.get(f"{grantee.url}/sections/results").status_code == 404


def test_a_withdrawn_awards_reports_are_not_found(client: Any, grantee: Grantee) -> None:
    from fundapp.awards.states import AwardStatus

    grantee.report.award.status = AwardStatus.WITHDRAWN
    db.session.flush()
    assert client.get(grantee.url).status_code == 404
    assert grantee.report.award.reference not in _text(client.get("/reports"))


def test_a_report_that_does_not_exist_is_not_found(client: Any, grantee: Grantee) -> None:
    assert client.get("/reports/999999").status_code == 404
    assert client.get(f"{grantee.url}/evidence/999999").status_code == 404
