"""Staff review of monitoring reports through the pages: a call's reports with counts and filters, one report as
submitted (results against targets, spending against the budget, boroughs, evidence, history), approving it
(releasing the tranche that waits on it) or sending it back with comments, errors at the comments box with what was
typed kept, and who may do each."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest

from fundapp.accounts.states import StaffRole
from fundapp.core.clock import utcnow
from fundapp.reporting import queries, services
from fundapp.reporting.models import Report
from fundapp.reporting.states import ReportStatus, ReviewOutcome
from tests.factories import (
    MembershipFactory,
    ReportEvidenceFactory,
    ReportFactory,
    UserFactory,
    report_values,
    staff_user,
)
from tests.helpers import IsolatedClient, error_summary, field_error, hidden_fields, page_title, sign_in_as
from tests.integration.awards.offers import Offer, events, reload
from tests.integration.reporting.conftest import accepted_offer

SECTIONS = ("results", "delivery", "spending", "places")


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def _post(client: IsolatedClient, path: str, data: dict[str, str] | None = None) -> Any:
    token = hidden_fields(client.get("/sign-in"))["csrf_token"]
    return client.post(path, data={"csrf_token": token, **(data or {})})


def _review_post(client: IsolatedClient, report: Report, action: str, comments: str) -> Any:
    """POST one of the review page's forms with the token it carries (each form has its own prefix)."""
    prefix = "approve" if action == "approve" else "changes"
    token = hidden_fields(client.get(f"/staff/reports/{report.id}"))[f"{prefix}-csrf_token"]
    return client.post(
        f"/staff/reports/{report.id}/{action}",
        data={f"{prefix}-csrf_token": token, f"{prefix}-comments": comments},
    )


def submit(offer: Offer, report: Report, *, typed: dict[str, Any] | None = None) -> Report:
    """The grantee saves every section (as typed, valid by default) and submits the report, through the services."""
    typed = typed or report_values(report)
    for section in SECTIONS:
        services.save_section(
            actor=offer.owner, report=report, section=section, typed=typed, version=report.version, now=utcnow()
        )
    services.submit_report(actor=offer.owner, report=report, version=report.version, now=utcnow())
    return report


@pytest.fixture()
def offer(db_session: Any) -> Offer:
    """An accepted £20,000 grant (paid 50% on acceptance, 40% on the interim report, 10% on the final one)."""
    return accepted_offer()


@pytest.fixture()
def interim(offer: Offer) -> Report:
    """The grant's interim report, submitted with every section filled in."""
    return submit(offer, queries.list_award_reports(offer.award.id)[0])


# --- a call's reports ----------------------------------------------------------------------------------------


def test_the_calls_reports_list_each_report_with_its_status_and_counts_at_the_top(
    client: IsolatedClient, offer: Offer, interim: Report
) -> None:
    sign_in_as(client, offer.manager)
    response = client.get(f"/staff/calls/{offer.award.round_id}/reports")
    assert response.status_code == 200
    assert page_title(response).startswith("Monitoring reports: ")
    text = _text(response)
    assert "1 waiting for review" in text and "0 overdue" in text
    assert "0 with changes requested" in text and "0 approved" in text
    assert "2 reports" in text
    award = offer.award
    assert f"{award.reference} {award.organisation.name} Interim report" in text
    assert "Waiting for review" in text and "Not started" in text
    assert f'href="/staff/reports/{interim.id}"' in response.get_data(as_text=True)


def test_filters_show_one_status_or_the_overdue_reports_and_bad_values_are_ignored(
    client: IsolatedClient, offer: Offer, interim: Report
) -> None:
    final = queries.list_award_reports(offer.award.id)[1]
    sign_in_as(client, offer.manager)
    url = f"/staff/calls/{offer.award.round_id}/reports"

    submitted = _text(client.get(f"{url}?status=submitted"))
    assert "1 report matching the filters" in submitted and "Interim report" in submitted
    assert "Final report" not in submitted.split("matching the filters")[1]

    overdue = _text(client.get(f"{url}?overdue=y"))
    assert "No report matches these filters" in overdue

    # Values not on offer are ignored: the whole list, with nothing selected.
    response = client.get(f"{url}?status=banana&overdue=maybe")
    assert response.status_code == 200
    text = _text(response)
    assert "2 reports" in text and "Clear filters" not in text
    assert str(final.id) in response.get_data(as_text=True)


def test_an_overdue_report_is_counted_tagged_and_found_by_the_overdue_filter(client: IsolatedClient) -> None:
    late = ReportFactory(due_on=utcnow().date() - timedelta(days=3))
    ReportFactory(award=late.award, position=2, label="Final report", due_on=utcnow().date() + timedelta(days=90))
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=late.award.round.fund_id)
    sign_in_as(client, manager)
    url = f"/staff/calls/{late.round_id}/reports"
    text = _text(client.get(url))
    assert "1 overdue" in text and "Overdue" in text.split("Submitted")[-1]
    overdue = _text(client.get(f"{url}?overdue=y"))
    assert "1 report matching the filters" in overdue
    assert "Interim report" in overdue and "Final report" not in overdue.split("matching the filters")[1]


# --- one report ----------------------------------------------------------------------------------------------


def test_the_report_shows_results_against_targets_spending_boroughs_evidence_and_who_submitted(
    client: IsolatedClient, offer: Offer, interim: Report
) -> None:
    ReportEvidenceFactory(report=interim, filename="attendance.pdf")
    sign_in_as(client, offer.manager)
    response = client.get(f"/staff/reports/{interim.id}")
    assert response.status_code == 200
    assert page_title(response).startswith(f"Interim report: {offer.award.reference}")
    text = _text(response)
    # report_values types 10, 20, 30, 40 against targets of 400, 24, 6 and 250.
    assert "Londoners reached 10 400 3%" in text
    assert "Sessions delivered 20 24 83%" in text
    assert "Volunteers involved 30 6 500%" in text
    assert "Participants reporting a change 40 250 16%" in text
    assert "We ran twelve workshops in schools" in text and "One venue closed" in text
    assert "Staff salaries Youth worker, two days a week £17,000 £100 1%" in text
    assert "Total £20,000 £200 1%" in text
    assert "City of London" not in text and "Barking and Dagenham" in text and "Tower Hamlets" in text
    assert "Submission 1, sent on" in text and offer.owner.full_name in text
    # Evidence uploaded after submitting is not part of the submission's snapshot.
    assert "attendance.pdf" not in text


def test_evidence_in_the_submission_links_to_the_file(client: IsolatedClient, offer: Offer) -> None:
    report = queries.list_award_reports(offer.award.id)[0]
    evidence = ReportEvidenceFactory(report=report, filename="register.pdf")
    submit(offer, report)
    sign_in_as(client, offer.manager)
    page = client.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert f'href="/reports/{report.id}/evidence/{evidence.id}"' in page and "register.pdf" in page


def test_a_report_not_yet_submitted_says_so_and_offers_no_review(client: IsolatedClient, offer: Offer) -> None:
    report = queries.list_award_reports(offer.award.id)[0]
    sign_in_as(client, offer.manager)
    response = client.get(f"/staff/reports/{report.id}")
    assert response.status_code == 200
    text = _text(response)
    assert "The grantee has not submitted this report yet" in text and "Not started" in text
    assert "Approve report" not in text and "Request changes" not in text


def test_the_fund_manager_sees_which_payment_approving_makes_due(
    client: IsolatedClient, offer: Offer, interim: Report
) -> None:
    sign_in_as(client, offer.manager)
    text = _text(client.get(f"/staff/reports/{interim.id}"))
    assert "Approving this report makes the second payment (£8,000.00) due for finance." in text
    assert "Approve report" in text and "Request changes" in text


# --- approving -----------------------------------------------------------------------------------------------


def test_approving_releases_the_interim_tranche_and_says_so(
    client: IsolatedClient, offer: Offer, interim: Report
) -> None:
    sign_in_as(client, offer.manager)
    response = _review_post(client, interim, "approve", "Thank you: a clear report.")
    assert response.status_code == 302 and response.headers["Location"] == f"/staff/reports/{interim.id}"
    text = _text(client.get(response.headers["Location"]))
    assert "Interim report approved. The second payment of £8,000.00 is now due for finance." in text
    assert reload(interim).status == ReportStatus.APPROVED
    second = next(p for p in reload(offer.award).payments if p.label == "Second payment")
    assert second.due_at is not None
    submission = reload(interim).submissions[-1]
    assert submission.outcome == ReviewOutcome.APPROVED and submission.comments == "Thank you: a clear report."
    assert "Approved" in text and "Thank you: a clear report." in text
    assert "Approve report" not in text
    assert events("report.approved")[0].subject_id == interim.id


def test_approving_a_report_no_longer_waiting_for_review_says_so_and_changes_nothing(
    client: IsolatedClient, offer: Offer, interim: Report
) -> None:
    services.approve_report(actor=offer.manager, report=interim, comments="", now=utcnow())
    sign_in_as(client, offer.manager)
    token = hidden_fields(client.get("/sign-in"))["csrf_token"]
    response = client.post(
        f"/staff/reports/{interim.id}/approve", data={"approve-csrf_token": token, "approve-comments": "Again"}
    )
    assert response.status_code == 302
    text = _text(client.get(response.headers["Location"]))
    assert "This report is approved, so it is not waiting for review." in text
    assert len(events("report.approved")) == 1


def test_over_long_approval_comments_are_shown_at_the_box_and_kept(
    client: IsolatedClient, offer: Offer, interim: Report
) -> None:
    sign_in_as(client, offer.manager)
    typed = "Good. " * 1000
    response = _review_post(client, interim, "approve", typed)
    assert response.status_code == 422
    assert page_title(response).startswith("Error: Interim report")
    assert error_summary(response) == ["Comments must be 5,000 characters or fewer"]
    assert field_error(response, "approve-comments") == "Comments must be 5,000 characters or fewer"
    assert html.escape(typed.strip()[:60]) in response.get_data(as_text=True)
    assert reload(interim).status == ReportStatus.SUBMITTED


# --- asking for changes --------------------------------------------------------------------------------------


def test_asking_for_changes_needs_comments_and_keeps_nothing_half_done(
    client: IsolatedClient, offer: Offer, interim: Report
) -> None:
    sign_in_as(client, offer.manager)
    response = _review_post(client, interim, "request-changes", "   ")
    assert response.status_code == 422
    assert field_error(response, "changes-comments") == "Say what the grantee needs to change"
    assert error_summary(response) == ["Say what the grantee needs to change"]
    assert 'href="#changes-comments"' in response.get_data(as_text=True)
    assert reload(interim).status == ReportStatus.SUBMITTED


def test_asking_for_changes_sends_the_report_back_and_keeps_the_comments_in_the_history(
    client: IsolatedClient, offer: Offer, interim: Report
) -> None:
    sign_in_as(client, offer.manager)
    response = _review_post(client, interim, "request-changes", "Add the spend on the venue.")
    assert response.status_code == 302
    text = _text(client.get(response.headers["Location"]))
    assert f"Changes requested. We have emailed {offer.award.organisation.name} your comments" in text
    assert reload(interim).status == ReportStatus.CHANGES_REQUESTED
    assert "You asked for changes on" in text
    history = text.split("History")[-1]
    assert re.search(
        r"^ Submission Submitted Outcome Reviewed Comments 1 .* Changes requested .* Add the spend", history
    )
    # The grantee resubmits: the history keeps both, the newest first, and the review forms come back.
    submit(offer, reload(interim))
    text = _text(client.get(f"/staff/reports/{interim.id}"))
    history = text.split("History")[-1]
    assert history.index("Waiting for review") < history.index("Changes requested")
    assert "Submission 2, sent on" in text and "Approve report" in text


def test_a_page_that_expired_keeps_the_comments_and_says_why(
    client: IsolatedClient, offer: Offer, interim: Report
) -> None:
    sign_in_as(client, offer.manager)
    response = client.post(
        f"/staff/reports/{interim.id}/request-changes", data={"changes-comments": "Add the venue spend."}
    )
    assert response.status_code == 422
    assert "This page had expired, so nothing was saved" in _text(response)
    assert "Add the venue spend." in response.get_data(as_text=True)
    assert reload(interim).status == ReportStatus.SUBMITTED


# --- who may do what -----------------------------------------------------------------------------------------


def test_finance_reads_reports_but_gets_no_review_forms_and_cannot_post(
    client: IsolatedClient, offer: Offer, interim: Report
) -> None:
    sign_in_as(client, offer.finance)
    assert client.get(f"/staff/calls/{offer.award.round_id}/reports").status_code == 200
    response = client.get(f"/staff/reports/{interim.id}")
    assert response.status_code == 200
    text = _text(response)
    assert "Approve report" not in text and "Request changes" not in text
    assert "The call's fund managers approve reports or ask for changes" in text
    assert _post(client, f"/staff/reports/{interim.id}/approve").status_code == 403
    assert _post(client, f"/staff/reports/{interim.id}/request-changes", {"changes-comments": "x"}).status_code == 403
    assert reload(interim).status == ReportStatus.SUBMITTED


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("other_fund_manager", 403),
        ("assessor", 403),
        ("grantee_member", 404),
        ("stranger", 404),
    ],
)
def test_people_without_a_say_in_the_call_are_refused(
    client: IsolatedClient, offer: Offer, interim: Report, who: str, expected: int
) -> None:
    users = {
        "other_fund_manager": lambda: staff_user(StaffRole.FUND_MANAGER, fund_id=ReportFactory().award.round.fund_id),
        "assessor": lambda: staff_user(StaffRole.ASSESSOR, round_id=offer.award.round_id),
        "grantee_member": lambda: MembershipFactory(organisation=offer.award.organisation).user,
        "stranger": lambda: UserFactory(),
    }
    sign_in_as(client, users[who]())
    assert client.get(f"/staff/calls/{offer.award.round_id}/reports").status_code == expected
    assert client.get(f"/staff/reports/{interim.id}").status_code == expected
    assert _post(client, f"/staff/reports/{interim.id}/approve").status_code == expected
    assert _post(client, f"/staff/reports/{interim.id}/request-changes").status_code == expected
    assert reload(interim).status == ReportStatus.SUBMITTED


def test_signed_out_visitors_are_asked_to_sign_in(client: IsolatedClient, offer: Offer, interim: Report) -> None:
    response = client.get(f"/staff/reports/{interim.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
