"""Deciding a call through the pages: the decisions page, one application's decision (approve, reject, reserve and
every way the form can be wrong), approving everything above the funding line, and publishing the outcomes."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.applications.states import ApplicationStatus
from fundapp.awards import services
from fundapp.awards.models import Award, Decision
from fundapp.awards.states import Outcome
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.extensions import db
from fundapp.programmes.models import Round
from fundapp.programmes.states import RoundStatus
from tests.factories import ApplicationFactory, MembershipFactory
from tests.helpers import (
    IsolatedClient,
    csrf_token,
    error_summary,
    field_error,
    hidden_fields,
    page_title,
    post_form,
    sign_in_as,
)
from tests.integration.awards.conftest import DecisionSetup
from tests.integration.awards.decisions_setup import outbox, reload, scored_decision_round


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def _decisions_url(setup: DecisionSetup) -> str:
    return f"/staff/calls/{setup.round.id}/decisions"


def _decide_url(setup: DecisionSetup, application: Any) -> str:
    return f"/staff/calls/{setup.round.id}/decisions/{application.id}"


def _signed_in_manager(client: IsolatedClient, **kwargs: Any) -> DecisionSetup:
    setup = scored_decision_round(**kwargs)
    sign_in_as(client, setup.manager)
    return setup


def _committed(setup: DecisionSetup) -> int:
    return reload(setup.round).committed_pence


def _statuses(setup: DecisionSetup) -> list[ApplicationStatus]:
    db.session.expire_all()
    return [db.session.get(type(a), a.id).status for a in setup.applications]


def _awards(setup: DecisionSetup) -> list[Award]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Award).where(Award.round_id == setup.round.id).order_by(Award.id)))


# --- the decisions page --------------------------------------------------------------------------------------


def test_the_decisions_page_shows_the_ranking_with_the_funding_line_budget_and_what_is_left_to_decide(
    client: IsolatedClient,
) -> None:
    setup = _signed_in_manager(client)
    response = client.get(_decisions_url(setup))
    assert response.status_code == 200
    assert page_title(response).startswith(f"Decisions: {setup.round.name}")
    text = _text(response)
    assert "Budget £50,000" in text
    assert "Committed £0" in text
    assert "Left to commit £50,000" in text
    assert "To decide 3" in text
    first, second, third = setup.applications
    # Ranked by score, the funding line after the second (the third would pass the budget).
    page = response.get_data(as_text=True)
    assert page.index(first.reference) < page.index(second.reference) < page.index("Funding line: £40,000 of £50,000")
    assert page.index("Funding line: £40,000") < page.index(third.reference)
    for application in setup.applications:
        assert f'href="{_decide_url(setup, application)}"' in page
    assert "Approve everything above the funding line" in text
    assert "Publish outcomes" not in text
    assert "3 still have to be decided" in text


def test_the_page_shows_each_decision_with_the_amount_who_and_when_and_offers_publishing_when_all_are_decided(
    client: IsolatedClient,
) -> None:
    setup = _signed_in_manager(client)
    first, second, third = setup.applications
    now = utcnow()
    services.approve_application(
        actor=setup.manager, application=first, amount_pence=1_500_000, conditions="", reason="", now=now
    )
    services.reject_application(actor=setup.manager, application=second, feedback="Not enough", reason="", now=now)
    services.reserve_application(actor=setup.manager, application=third, feedback="", reason="", now=now)
    db.session.flush()
    response = client.get(_decisions_url(setup))
    text = _text(response)
    row = _text_of_row(response, first.id)
    assert "Approved" in row and "£15,000" in row and setup.manager.full_name in row
    assert "Rejected" in _text_of_row(response, second.id)
    assert "Reserve list" in _text_of_row(response, third.id)
    assert "Committed £15,000" in text and "Left to commit £35,000" in text
    assert "Decided 3 (1 approved, 1 rejected, 1 reserve list)" in text
    assert f'href="/staff/calls/{setup.round.id}/decisions/publish"' in response.get_data(as_text=True)
    # The reserve-list application can still be decided; the others only viewed.
    assert "Decide" in _text_of_row(response, third.id)
    assert "View" in _text_of_row(response, first.id)
    assert "Approve everything above the funding line" not in text  # none above the line is waiting


def _text_of_row(response: Any, application_id: int) -> str:
    match = re.search(
        rf'<tr class="govuk-table__row" id="row-{application_id}">(.*?)</tr>', response.get_data(as_text=True), re.S
    )
    assert match is not None
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()))


def test_a_finance_officer_sees_the_decisions_but_no_buttons(client: IsolatedClient) -> None:
    setup = scored_decision_round()
    sign_in_as(client, setup.finance)
    response = client.get(_decisions_url(setup))
    assert response.status_code == 200
    text = _text(response)
    assert "Approve everything above the funding line" not in text
    assert "Decide" not in _text_of_row(response, setup.applications[0].id)
    decide_page = client.get(_decide_url(setup, setup.applications[0]))
    assert decide_page.status_code == 200
    assert "Only the call’s fund managers can decide" in _text(decide_page)
    assert 'name="outcome"' not in decide_page.get_data(as_text=True)


# --- one application's decision ------------------------------------------------------------------------------


def test_the_decide_page_summarises_the_application_and_prefills_the_amount_requested(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    application = setup.applications[0]
    response = client.get(_decide_url(setup, application))
    assert response.status_code == 200
    assert page_title(response).startswith(f"Decide {application.reference}")
    text = _text(response)
    for expected in (
        application.reference,
        application.organisation.name,
        "Amount requested £20,000",
        "Tier 1: £10,000 to £25,000",
        "Final score 100.0%",
        "Assessor 1: Fund",
        "£50,000 of £50,000 left to commit",
    ):
        assert expected in text
    page = response.get_data(as_text=True)
    assert re.search(r'name="amount"[^>]*value="20000"', page) or re.search(r'value="20000"[^>]*name="amount"', page)
    assert 'value="reserve"' in page
    # The approval's fields are always shown (a conditional reveal would put aria-expanded on a radio)
    assert "govuk-radios__conditional" not in page and 'name="conditions"' in page


def test_approving_commits_the_amount_records_who_and_why_and_returns_to_the_decisions(
    client: IsolatedClient,
) -> None:
    setup = _signed_in_manager(client)
    application = setup.applications[0]
    response = post_form(
        client,
        _decide_url(setup, application),
        {
            "outcome": "approved",
            "amount": "£17,500.50",
            "conditions": "Appoint a safeguarding lead before the first payment.",
            "feedback": "",
            "reason": "Strong need; trimmed the equipment line.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == _decisions_url(setup)
    assert _committed(setup) == 1_750_050
    (award,) = _awards(setup)
    assert (award.amount_pence, award.conditions) == (
        1_750_050,
        "Appoint a safeguarding lead before the first payment.",
    )
    assert award.decided_by_id == setup.manager.id
    decision = db.session.scalar(sa.select(Decision).where(Decision.application_id == application.id))
    assert (decision.outcome, decision.reason, decision.decided_by_id) == (
        Outcome.APPROVED,
        "Strong need; trimmed the equipment line.",
        setup.manager.id,
    )
    assert decision.published_at is None
    assert _statuses(setup)[0] == ApplicationStatus.APPROVED
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "decision.approved"))
    assert event is not None and event.actor_id == setup.manager.id
    page = client.get(response.headers["Location"])
    assert f"{application.reference} approved for £17,500.50" in _text(page)
    assert outbox() == []  # applicants hear nothing until the outcomes are published


def test_rejecting_records_the_feedback_and_commits_nothing(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    application = setup.applications[2]
    response = post_form(
        client,
        _decide_url(setup, application),
        {"outcome": "rejected", "amount": "20000", "feedback": "The outcomes were not measurable.", "reason": ""},
    )
    assert response.status_code == 302
    assert _committed(setup) == 0
    assert _awards(setup) == []
    decision = db.session.scalar(sa.select(Decision).where(Decision.application_id == application.id))
    assert (decision.outcome, decision.feedback) == (Outcome.REJECTED, "The outcomes were not measurable.")
    assert _statuses(setup)[2] == ApplicationStatus.REJECTED


def test_a_reserve_list_application_can_be_approved_or_rejected_but_not_reserved_again(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    application = setup.applications[2]
    response = post_form(
        client, _decide_url(setup, application), {"outcome": "reserve", "feedback": "", "reason": "Next in line"}
    )
    assert response.status_code == 302
    assert _statuses(setup)[2] == ApplicationStatus.RESERVE
    page = client.get(_decide_url(setup, application))
    assert 'value="reserve"' not in page.get_data(as_text=True)
    assert "Reserve list" in _text(page)  # the decision so far
    refused = post_form(client, _decide_url(setup, application), {"outcome": "reserve", "feedback": "", "reason": ""})
    assert refused.status_code == 422
    assert field_error(refused, "outcome") == "Select whether to approve or reject the application"
    approved = post_form(client, _decide_url(setup, application), {"outcome": "approved", "amount": "£20,000"})
    assert approved.status_code == 302
    assert _statuses(setup)[2] == ApplicationStatus.APPROVED
    assert _committed(setup) == 2_000_000


def test_a_decided_application_shows_its_decision_and_no_form(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    application = setup.applications[0]
    services.reject_application(
        actor=setup.manager, application=application, feedback="Sorry", reason="Weak plan", now=utcnow()
    )
    db.session.flush()
    response = client.get(_decide_url(setup, application))
    assert response.status_code == 200
    text = _text(response)
    assert "Decision so far Decision Rejected" in text
    assert "Feedback for the applicant Sorry" in text and "Reason Weak plan" in text
    assert "Until the outcomes are published you can take the decision back" in text
    assert 'name="outcome"' not in response.get_data(as_text=True)
    refused = post_form(client, _decide_url(setup, application), {"outcome": "approved", "amount": "20000"})
    assert refused.status_code == 422
    assert "Only moderated applications" in " ".join(error_summary(refused))


def _withdraw(client: IsolatedClient, setup: DecisionSetup, application: Any, reason: str) -> Any:
    """Post the decide page's "take this decision back" form (a POST-only route)."""
    token = csrf_token(client, _decide_url(setup, application))
    url = f"/staff/calls/{setup.round.id}/decisions/{application.id}/withdraw"
    return client.post(url, data={"reason": reason, "csrf_token": token})


def test_an_approval_made_in_error_is_taken_back_before_publication(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    application = setup.applications[0]
    services.approve_application(
        actor=setup.manager, application=application, amount_pence=2_000_000, conditions="", reason="", now=utcnow()
    )
    db.session.flush()
    assert "Take this decision back" in _text(client.get(_decide_url(setup, application)))

    response = _withdraw(client, setup, application, "Approved the wrong bid")

    assert response.status_code == 302
    assert _committed(setup) == 0
    assert _awards(setup) == []
    assert reload(application).status == ApplicationStatus.MODERATED
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 0
    actions = list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert {"award.removed", "decision.withdrawn", "application.decision_withdrawn"} <= set(actions)
    assert 'name="outcome"' in client.get(_decide_url(setup, application)).get_data(as_text=True)


def test_taking_a_decision_back_needs_a_reason_shown_at_the_field(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    application = setup.applications[0]
    services.reject_application(actor=setup.manager, application=application, feedback="Sorry", reason="", now=utcnow())
    db.session.flush()

    response = _withdraw(client, setup, application, "  ")

    assert response.status_code == 422
    assert page_title(response).startswith("Error: ")
    assert error_summary(response) == ["Enter why the decision is being changed"]
    assert field_error(response, "reason") == "Enter why the decision is being changed"
    assert reload(application).status == ApplicationStatus.REJECTED


def test_a_published_decision_cannot_be_taken_back(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client, scores=(5,))
    application = setup.applications[0]
    services.reject_application(actor=setup.manager, application=application, feedback="Sorry", reason="", now=utcnow())
    services.publish_outcomes(actor=setup.manager, round_=setup.round, now=utcnow())
    db.session.flush()
    assert "Take this decision back" not in _text(client.get(_decide_url(setup, application)))

    response = _withdraw(client, setup, application, "Changed our minds")

    assert response.status_code == 422
    assert "can no longer be taken back" in " ".join(error_summary(response))
    assert reload(application).status == ApplicationStatus.REJECTED


def test_only_fund_managers_take_decisions_back(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    application = setup.applications[0]
    services.reject_application(actor=setup.manager, application=application, feedback="Sorry", reason="", now=utcnow())
    db.session.flush()
    sign_in_as(client, setup.finance)

    assert _withdraw(client, setup, application, "x").status_code == 403
    assert reload(application).status == ApplicationStatus.REJECTED


LONG = "x" * 5001
BAD_INPUT = [
    pytest.param(
        {"outcome": "approved", "amount": "£25,000"},
        "amount",
        "The award cannot be more than the £20,000 the applicant asked for",
        id="amount above what was asked for",
    ),
    pytest.param(
        {"outcome": "approved", "amount": "£5,000"},
        "amount",
        "The award must be inside the Tier 1 tier the application was made in: £10,000 to £25,000",
        id="amount below the tier",
    ),
    pytest.param({"outcome": "approved", "amount": "£0"}, "amount", "Enter an amount more than £0", id="nothing"),
    pytest.param(
        {"outcome": "approved", "amount": "twenty grand"},
        "amount",
        "Enter the amount as an amount in pounds, like £20,000",
        id="amount not a number",
    ),
    pytest.param(
        {"outcome": "approved", "amount": "£12,000.505"},
        "amount",
        "Enter the amount as an amount in pounds, like £20,000",
        id="fraction of a penny",
    ),
    pytest.param({"outcome": "approved", "amount": ""}, "amount", "Enter the amount to award", id="amount missing"),
    pytest.param(
        {"outcome": "rejected", "feedback": "   "},
        "feedback",
        "Enter feedback for the applicant: they will read it",
        id="reject without feedback",
    ),
    pytest.param(
        {"feedback": "Kept when nothing is chosen"},
        "outcome",
        "Select whether to approve, reject or put the application on the reserve list",
        id="no outcome",
    ),
    pytest.param(
        {"outcome": "withdrawn", "feedback": "An outcome the form does not offer"},
        "outcome",
        "Select whether to approve, reject or put the application on the reserve list",
        id="unknown outcome",
    ),
    pytest.param(
        {"outcome": "approved", "amount": "£20,000", "conditions": LONG},
        "conditions",
        "The conditions must be 5,000 characters or fewer",
        id="conditions too long",
    ),
    pytest.param(
        {"outcome": "rejected", "feedback": LONG},
        "feedback",
        "The feedback must be 5,000 characters or fewer",
        id="feedback too long",
    ),
    pytest.param(
        {"outcome": "reserve", "feedback": "Fine", "reason": "y" * 2001},
        "reason",
        "The reason must be 2,000 characters or fewer",
        id="reason too long",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), BAD_INPUT)
def test_bad_input_is_shown_at_its_field_with_what_was_typed_and_nothing_is_decided(
    client: IsolatedClient, data: dict[str, str], field: str, message: str
) -> None:
    setup = _signed_in_manager(client)
    application = setup.applications[0]
    response = post_form(client, _decide_url(setup, application), data)
    assert response.status_code == 422
    assert field_error(response, field) == message
    assert message in error_summary(response)
    assert page_title(response).startswith("Error: Decide")
    page = response.get_data(as_text=True)
    for name, value in data.items():
        if name == "outcome" and value in ("approved", "rejected", "reserve"):
            assert re.search(rf'value="{value}"[^>]*checked', page), "the chosen outcome stays chosen"
        elif value.strip() and name != "outcome":
            assert html.escape(value, quote=False) in page or html.escape(value) in page, f"{name} kept"
    assert _statuses(setup)[0] == ApplicationStatus.MODERATED
    assert _committed(setup) == 0
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 0


def test_an_amount_over_the_budget_left_is_refused_at_the_amount_with_what_is_left(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client, budget_pence=3_000_000)
    first, second, _third = setup.applications
    services.approve_application(
        actor=setup.manager, application=first, amount_pence=2_000_000, conditions="", reason="", now=utcnow()
    )
    db.session.flush()
    response = post_form(client, _decide_url(setup, second), {"outcome": "approved", "amount": "£15,000"})
    assert response.status_code == 422
    assert field_error(response, "amount") == (
        "Approving £15,000 would go over the call's budget: £10,000 of £30,000 is left to commit"
    )
    assert "£15,000" in response.get_data(as_text=True)
    assert _committed(setup) == 2_000_000
    assert _statuses(setup)[1] == ApplicationStatus.MODERATED


def test_an_application_of_another_call_or_not_in_assessment_has_no_decision_page(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    elsewhere = scored_decision_round(scores=(4,)).applications[0]
    draft = ApplicationFactory(round=setup.round)
    for application_id in (elsewhere.id, draft.id, 999_999):
        assert client.get(f"/staff/calls/{setup.round.id}/decisions/{application_id}").status_code == 404
    assert client.get("/staff/calls/999999/decisions").status_code == 404


def test_a_call_that_is_not_being_assessed_refuses_decisions_at_the_outcome(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    db.session.execute(sa.update(Round).where(Round.id == setup.round.id).values(status=RoundStatus.CLOSED))
    response = post_form(client, _decide_url(setup, setup.applications[0]), {"outcome": "rejected", "feedback": "Kept"})
    assert response.status_code == 422
    assert field_error(response, "outcome") == "Decisions are made while the call is being assessed"
    assert "Kept" in response.get_data(as_text=True)


# --- approving everything above the funding line -------------------------------------------------------------


def _bulk_url(setup: DecisionSetup) -> str:
    return f"/staff/calls/{setup.round.id}/decisions/approve-above-line"


def test_the_bulk_confirmation_lists_the_applications_and_the_totals_first(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    first, second, third = setup.applications
    response = client.get(_bulk_url(setup))
    assert response.status_code == 200
    text = _text(response)
    for expected in (
        "Applications 2",
        "Total to approve £40,000",
        "Budget £50,000",
        "Committed now £0",
        "Committed after £40,000",
        "Left after £10,000",
        first.reference,
        first.project_title,
        second.reference,
        "Approve 2 applications",
    ):
        assert expected in text
    assert third.reference not in text
    assert hidden_fields(response)["fingerprint"] == f"{first.id},{second.id}"
    assert _awards(setup) == []  # looking changes nothing


def test_confirming_approves_each_at_the_amount_requested(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    response = client.get(_bulk_url(setup))
    sent = client.post(_bulk_url(setup), data={**hidden_fields(response), "reason": ""})
    assert sent.status_code == 302
    assert sent.headers["Location"] == _decisions_url(setup)
    assert [a.amount_pence for a in _awards(setup)] == [2_000_000, 2_000_000]
    assert _statuses(setup) == [ApplicationStatus.APPROVED, ApplicationStatus.APPROVED, ApplicationStatus.MODERATED]
    assert _committed(setup) == 4_000_000
    assert "Approved 2 applications: £40,000 committed." in _text(client.get(sent.headers["Location"]))
    reasons = {d.reason for d in db.session.scalars(sa.select(Decision))}
    assert reasons == {"Above the funding line: approved at the amount requested"}


def test_if_the_list_changed_after_the_page_was_loaded_nothing_is_approved(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    first, second, _third = setup.applications
    fields = hidden_fields(client.get(_bulk_url(setup)))
    services.reject_application(actor=setup.manager, application=second, feedback="No", reason="", now=utcnow())
    db.session.flush()
    response = client.post(_bulk_url(setup), data={**fields, "reason": "Panel agreed"})
    assert response.status_code == 422
    assert "changed after you opened this page" in " ".join(error_summary(response))
    assert page_title(response).startswith("Error: Approve everything above the funding line")
    assert _awards(setup) == []
    assert _committed(setup) == 0
    # The page now shows the list as it is, with its own fingerprint, and keeps the reason typed.
    assert hidden_fields(response)["fingerprint"] == str(first.id)
    assert "Approve 1 application" in _text(response)
    assert "Panel agreed" in response.get_data(as_text=True)


def test_a_budget_too_small_for_them_all_approves_none_of_them(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    first, second, third = setup.applications
    # Someone funded the application below the line first: £20,000 of £50,000 is committed.
    services.approve_application(
        actor=setup.manager, application=third, amount_pence=2_000_000, conditions="", reason="", now=utcnow()
    )
    db.session.flush()
    response = client.get(_bulk_url(setup))
    assert "Left after -£10,000" in _text(response)
    assert "approving them would be refused" in _text(response)
    refused = client.post(_bulk_url(setup), data=hidden_fields(response))
    assert refused.status_code == 422
    assert "would go over the call's budget" in " ".join(error_summary(refused))
    assert [a.application_id for a in _awards(setup)] == [third.id]  # the first of the two was undone too
    assert _committed(setup) == 2_000_000
    assert _statuses(setup)[:2] == [ApplicationStatus.MODERATED, ApplicationStatus.MODERATED]
    assert "Committed now £20,000" in _text(refused)  # rebuilt from the database, not the undone attempt
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "decision.bulk_approved")) is None


def test_with_nothing_above_the_line_waiting_the_page_says_so_and_offers_no_button(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client, scores=(2, 1))  # 40% and 20%: below the lowest fundable score
    response = client.get(_bulk_url(setup))
    assert response.status_code == 200
    assert "No application above the funding line is waiting for a decision" in _text(response)
    assert 'name="fingerprint"' not in response.get_data(as_text=True)
    refused = client.post(_bulk_url(setup), data={"csrf_token": hidden_fields(response)["csrf_token"]})
    assert refused.status_code == 422
    assert "No applications above the funding line are waiting for a decision" in error_summary(refused)


# --- publishing the outcomes ---------------------------------------------------------------------------------


def _publish_url(setup: DecisionSetup) -> str:
    return f"/staff/calls/{setup.round.id}/decisions/publish"


def _decide_all(setup: DecisionSetup) -> None:
    first, second, third = setup.applications
    now = utcnow()
    services.approve_application(
        actor=setup.manager,
        application=first,
        amount_pence=2_000_000,
        conditions="Report quarterly",
        reason="",
        now=now,
    )
    services.reject_application(
        actor=setup.manager, application=second, feedback="Outcomes were unclear.", reason="", now=now
    )
    services.reserve_application(actor=setup.manager, application=third, feedback="", reason="", now=now)
    db.session.flush()


def test_publishing_is_refused_while_applications_are_undecided_and_lists_them(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    first, second, third = setup.applications
    services.reject_application(actor=setup.manager, application=first, feedback="No", reason="", now=utcnow())
    db.session.flush()
    response = client.get(_publish_url(setup))
    assert response.status_code == 200
    assert "Decide every application first" in _text(response)
    listed = re.search(
        r'<ul class="govuk-list govuk-list--bullet" id="undecided">(.*?)</ul>', response.get_data(as_text=True), re.S
    )
    assert listed is not None and second.reference in listed.group(1) and third.reference in listed.group(1)
    assert first.reference not in listed.group(1)
    assert "Publish outcomes and email" not in _text(response)
    refused = client.post(_publish_url(setup), data={"csrf_token": hidden_fields(response)["csrf_token"]})
    assert refused.status_code == 422
    assert f"Still to decide: {second.reference}, {third.reference}" in " ".join(error_summary(refused))
    assert reload(setup.round).outcomes_published_at is None
    assert outbox() == []


def test_publishing_emails_each_contact_once_and_opens_the_outcome_to_applicants(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    first, second, third = setup.applications
    second_owner = MembershipFactory(organisation=first.organisation, role="owner").user
    _decide_all(setup)
    page = client.get(_publish_url(setup))
    text = _text(page)
    assert "Approved 1" in text and "Rejected 1" in text and "Reserve list 1" in text
    assert "Total awarded £20,000" in text
    assert "emailed once" in text
    sent = client.post(_publish_url(setup), data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert sent.status_code == 302
    assert sent.headers["Location"] == _decisions_url(setup)
    assert "Outcomes published: 3 applicants emailed" in _text(client.get(sent.headers["Location"]))
    round_ = reload(setup.round)
    assert round_.outcomes_published_at is not None and round_.outcomes_published_by_id == setup.manager.id
    assert round_.status == RoundStatus.DECIDED
    messages = outbox()
    recipients = sorted(m.to_address for m in messages)
    expected = sorted([*(u.email for u in setup.applicants), second_owner.email])
    assert recipients == expected  # each contact once: no duplicates, nobody left out
    by_to = {m.to_address: m for m in messages}
    approved = by_to[setup.applicants[0].email]
    assert "has been awarded a grant" in approved.subject
    assert "£20,000" in approved.body_text and "Report quarterly" in approved.body_text
    assert f"/applications/{first.id}/outcome" in approved.body_text
    rejected = by_to[setup.applicants[1].email]
    assert "Outcomes were unclear." in rejected.body_text and "£" not in rejected.body_text
    assert "reserve list" in by_to[setup.applicants[2].email].body_text
    # The decisions page now says when and by whom, and offers publishing no more.
    decisions = client.get(_decisions_url(setup))
    assert f"by {setup.manager.full_name}" in _text(decisions)
    assert "Publish outcomes" not in _text(decisions)
    again = client.post(_publish_url(setup), data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert again.status_code == 422
    assert len(outbox()) == len(messages)


def test_a_reserve_list_application_decided_after_publication_is_told_at_once(client: IsolatedClient) -> None:
    setup = _signed_in_manager(client)
    _decide_all(setup)
    services.publish_outcomes(actor=setup.manager, round_=setup.round, now=utcnow())
    db.session.flush()
    before = len(outbox())
    third = setup.applications[2]
    response = post_form(client, _decide_url(setup, third), {"outcome": "approved", "amount": "£20,000"})
    assert response.status_code == 302
    messages = outbox()[before:]
    assert [m.to_address for m in messages] == [setup.applicants[2].email]
    assert "has been awarded a grant" in messages[0].subject
