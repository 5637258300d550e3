"""What the applicant sees of a decision: nothing before the call's outcomes are published (the dashboard says
"being assessed" in blue and the outcome page does not exist), then the outcome in words, with its page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from fundapp.accounts.states import StaffRole
from fundapp.awards import services
from fundapp.awards.models import Award
from fundapp.core.clock import utcnow
from fundapp.extensions import db
from tests.factories import MembershipFactory, UserFactory, staff_user
from tests.helpers import IsolatedClient, page_title, sign_in_as
from tests.integration.awards.conftest import DecisionSetup
from tests.integration.awards.decisions_setup import scored_decision_round


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def _decided() -> DecisionSetup:
    """A call with one application approved (with conditions), one rejected (with feedback), one on the reserve
    list; outcomes not yet published."""
    setup = scored_decision_round()
    first, second, third = setup.applications
    now = utcnow()
    services.approve_application(
        actor=setup.manager,
        application=first,
        amount_pence=1_800_000,
        conditions="Appoint a safeguarding lead.",
        reason="Staff-only reason",
        now=now,
    )
    services.reject_application(
        actor=setup.manager, application=second, feedback="The budget was unclear.", reason="Staff-only", now=now
    )
    services.reserve_application(
        actor=setup.manager, application=third, feedback="Close to the line.", reason="", now=now
    )
    db.session.flush()
    return setup


def _publish(setup: DecisionSetup) -> None:
    services.publish_outcomes(actor=setup.manager, round_=setup.round, now=utcnow())
    db.session.flush()


def _outcome_url(application: Any) -> str:
    return f"/applications/{application.id}/outcome"


def _dashboard_row(client: IsolatedClient, application: Any) -> str:
    page = client.get("/applications").get_data(as_text=True)
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S)
    row = next(r for r in rows if f'/applications/{application.id}"' in r)
    return row


def test_before_publication_a_decision_is_invisible_to_the_applicant(client: IsolatedClient) -> None:
    setup = _decided()
    for owner, application in zip(setup.applicants, setup.applications, strict=True):
        sign_in_as(client, owner)
        assert client.get(_outcome_url(application)).status_code == 404
        row = _dashboard_row(client, application)
        assert "Submitted – being assessed" in html.unescape(row)
        assert "govuk-tag--blue" in row  # not green, red or yellow: the colour would tell
        assert "See the outcome" not in row
        task_list = client.get(f"/applications/{application.id}")
        assert "Submitted – being assessed" in _text(task_list)
        assert "See the outcome" not in _text(task_list)


@pytest.mark.parametrize(
    ("index", "label", "tag_class"),
    [
        (0, "Awarded", "govuk-tag--green"),
        (1, "Not funded", "govuk-tag--red"),
        (2, "On the reserve list", "govuk-tag--yellow"),
    ],
)
def test_after_publication_the_dashboard_shows_the_outcome_and_links_to_it(
    client: IsolatedClient, index: int, label: str, tag_class: str
) -> None:
    setup = _decided()
    _publish(setup)
    application = setup.applications[index]
    sign_in_as(client, setup.applicants[index])
    row = _dashboard_row(client, application)
    assert label in html.unescape(row) and tag_class in row
    assert f'href="{_outcome_url(application)}"' in row
    assert "A decision has been made on this application" in _text(client.get(f"/applications/{application.id}"))


def test_an_approved_applicant_sees_the_grant_its_conditions_and_that_the_letter_is_on_its_way(
    client: IsolatedClient,
) -> None:
    setup = _decided()
    _publish(setup)
    application = setup.applications[0]
    sign_in_as(client, setup.applicants[0])
    response = client.get(_outcome_url(application))
    assert response.status_code == 200
    assert page_title(response).startswith(f"Grant awarded: {application.reference}")
    text = _text(response)
    assert "Grant awarded" in text
    assert "a grant of £18,000" in text and "Amount awarded £18,000" in text
    assert "Appoint a safeguarding lead." in text
    assert "Your offer letter is on its way" in text
    assert "Staff-only reason" not in text
    assert "/awards/" not in response.get_data(as_text=True)


def test_once_the_letter_is_issued_the_outcome_page_links_to_the_offer(client: IsolatedClient) -> None:
    setup = _decided()
    _publish(setup)
    application = setup.applications[0]
    award = db.session.scalar(db.select(Award).where(Award.application_id == application.id))
    # Only the award's status matters to this page; the offer page itself is tested with its own views.
    db.session.execute(db.update(Award).where(Award.id == award.id).values(status="letter_issued"))
    db.session.flush()
    sign_in_as(client, setup.applicants[0])
    response = client.get(_outcome_url(application))
    assert f'href="/awards/{award.id}"' in response.get_data(as_text=True)
    assert "Your offer letter has been issued" in _text(response)
    assert "on its way" not in _text(response)


def test_a_rejected_applicant_reads_the_feedback_and_never_the_reason(client: IsolatedClient) -> None:
    setup = _decided()
    _publish(setup)
    sign_in_as(client, setup.applicants[1])
    response = client.get(_outcome_url(setup.applications[1]))
    assert response.status_code == 200
    text = _text(response)
    assert "Your application was not funded" in text
    assert "Feedback from the panel The budget was unclear." in text
    assert "Staff-only" not in text
    assert "Grant awarded" not in text


def test_a_reserve_list_applicant_reads_what_the_reserve_list_means(client: IsolatedClient) -> None:
    setup = _decided()
    _publish(setup)
    sign_in_as(client, setup.applicants[2])
    response = client.get(_outcome_url(setup.applications[2]))
    text = _text(response)
    assert "Your application is on the reserve list" in text
    assert "What the reserve list means" in text
    assert "Close to the line." in text


@pytest.mark.parametrize(
    "who", ["member of another organisation", "applicant with no organisation", "fund manager of the call", "admin"]
)
def test_after_publication_nobody_outside_the_organisation_sees_its_outcome(client: IsolatedClient, who: str) -> None:
    setup = _decided()
    _publish(setup)
    person = {
        "member of another organisation": lambda: setup.applicants[1],
        "applicant with no organisation": UserFactory,
        "fund manager of the call": lambda: setup.manager,
        "admin": lambda: staff_user(StaffRole.ADMIN),
    }[who]()
    sign_in_as(client, person)
    assert client.get(_outcome_url(setup.applications[0])).status_code == 404


def test_any_member_of_the_organisation_sees_the_outcome_not_only_its_owners(client: IsolatedClient) -> None:
    setup = _decided()
    _publish(setup)
    member = MembershipFactory(organisation=setup.applications[1].organisation, role="member").user
    sign_in_as(client, member)
    assert client.get(_outcome_url(setup.applications[1])).status_code == 200


def test_an_undecided_application_has_no_outcome_page_even_after_publication_of_others(client: IsolatedClient) -> None:
    setup = scored_decision_round(scores=(5,))
    sign_in_as(client, setup.applicants[0])
    assert client.get(_outcome_url(setup.applications[0])).status_code == 404
    assert client.get("/applications/999999/outcome").status_code == 404
