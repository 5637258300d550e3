"""Moderation through the pages: the queue, starting moderation, moderating one application (a moderated score
with its reason, or the mean confirmed with a note), what is shown once it is done, and confirming in bulk."""

from __future__ import annotations

import html
import re
from typing import Any

import sqlalchemy as sa

from fundapp.applications.states import ApplicationStatus
from fundapp.assessment import services
from fundapp.assessment.fields import moderated_score_field, moderation_reason_field
from fundapp.assessment.models import CriterionScore
from fundapp.assessment.states import ModerationStatus
from fundapp.extensions import db
from fundapp.programmes.states import RoundStatus
from tests.factories import AssessmentFactory
from tests.helpers import IsolatedClient, error_summary, field_error, hidden_fields, page_title, post_form, sign_in_as
from tests.integration.assessment.conftest import AssessmentSetup, make_assessment_round
from tests.integration.assessment.moderation_setup import (
    AGREE,
    DISAGREE,
    assess,
    events,
    moderation_of,
    reload,
)


def _flagged_and_started(client: IsolatedClient) -> tuple[AssessmentSetup, Any]:
    """A call with one flagged application, moderation started, and its fund manager signed in."""
    setup = make_assessment_round(applications=1, assessors=2)
    application = setup.applications[0]
    assess(setup, application, DISAGREE)
    services.start_moderation(actor=setup.manager, round_=setup.round)
    sign_in_as(client, setup.manager)
    return setup, application


def _url(application: Any) -> str:
    return f"/staff/applications/{application.id}/moderation"


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


# --- one application --------------------------------------------------------------------------------------


def test_the_page_shows_the_assessors_side_by_side_with_their_names_in_a_key(client: IsolatedClient) -> None:
    setup, application = _flagged_and_started(client)
    response = client.get(_url(application))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = _text(response)
    assert page_title(response).startswith(f"Moderate: {application.project_title} ({application.reference})")
    for assessor in setup.assessors:
        assert assessor.full_name in html.unescape(page)
    assert "Assessor 1" in text and "Assessor 2" in text
    assert "Assessors differ by 3 points on Need and evidence (2 to 5)" in text
    # Need and evidence: 5 and 2, mean 3.5; each cell has the score's label and the justification.
    assert "5 – Label 5" in text and "2 – Label 2" in text
    assert "Assessor 1 on Need and evidence: the evidence given." in text
    assert "Keep the mean (3.5)" in text
    assert f'name="{moderated_score_field(setup.criteria[0].id)}"' in page
    assert f'name="{moderation_reason_field(setup.criteria[0].id)}"' in page
    assert "Comment from assessor 2" in text
    assert "Resolve moderation" in text


def test_resolving_with_a_moderated_score_keeps_the_originals_and_sets_the_final_score(
    client: IsolatedClient, db_session: Any
) -> None:
    setup, application = _flagged_and_started(client)
    need = setup.criteria[0]
    response = post_form(
        client,
        _url(application),
        {moderated_score_field(need.id): "4", moderation_reason_field(need.id): "Good evidence, but not local"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/calls/{setup.round.id}/moderation"
    queue = client.get(response.headers["Location"])
    # (4×50 + 4×30 + 3×20) ÷ (5×50 + 5×30 + 3×20) = 380 ÷ 460 = 82.6%
    assert f"{application.reference} has been moderated. Its final score is 82.6%." in _text(queue)

    moderation = reload(moderation_of(application))
    assert moderation.status == ModerationStatus.RESOLVED
    assert [(s.criterion_id, s.score, s.reason) for s in moderation.scores] == [
        (need.id, 4, "Good evidence, but not local")
    ]
    assert moderation.resolved_by_id == setup.manager.id
    assert reload(application).status == ApplicationStatus.MODERATED
    originals = db_session.scalars(sa.select(CriterionScore.score).where(CriterionScore.criterion_id == need.id))
    assert sorted(originals) == [2, 5]
    [event] = events("moderation.resolved")
    assert event.actor_id == setup.manager.id
    assert event.data["score"] == {"from": "77.2%", "to": "82.6%"}


def test_once_resolved_the_page_is_read_only_and_shows_who_moderated_and_why(client: IsolatedClient) -> None:
    setup, application = _flagged_and_started(client)
    need = setup.criteria[0]
    post_form(
        client,
        _url(application),
        {moderated_score_field(need.id): "4", moderation_reason_field(need.id): "Good evidence, but not local"},
    )
    response = client.get(_url(application))
    text = _text(response)
    assert "Moderated score 4 (the assessors’ mean was 3.5)" in text
    assert "Reason Good evidence, but not local" in text
    assert "5 – Label 5" in text and "2 – Label 2" in text  # the originals
    assert f"Moderated by {setup.manager.full_name} on" in text
    assert "Final score 82.6%" in text
    assert "It was flagged for moderation because" in text
    assert "Resolve moderation" not in text
    assert 'id="moderation-form"' not in response.get_data(as_text=True)


def test_confirming_the_mean_of_a_flagged_application_needs_a_note(client: IsolatedClient) -> None:
    _setup, application = _flagged_and_started(client)
    response = post_form(client, _url(application), {"note": ""})
    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    message = "Explain why the assessors' mean score stands, or set a moderated score"
    assert error_summary(response) == [message]
    assert field_error(response, "note") == message
    assert reload(moderation_of(application)).status == ModerationStatus.FLAGGED

    response = post_form(client, _url(application), {"note": "The panel agreed the lower score was an outlier."})
    assert response.status_code == 302
    moderation = reload(moderation_of(application))
    assert moderation.status == ModerationStatus.RESOLVED and moderation.scores == []
    assert moderation.note == "The panel agreed the lower score was an outlier."


def test_a_moderated_score_without_a_reason_is_shown_at_its_field_and_the_input_is_kept(
    client: IsolatedClient,
) -> None:
    setup, application = _flagged_and_started(client)
    need, delivery = setup.criteria[0], setup.criteria[1]
    response = post_form(
        client,
        _url(application),
        {
            moderated_score_field(need.id): "4",
            moderation_reason_field(need.id): "",
            moderated_score_field(delivery.id): "3",
            moderation_reason_field(delivery.id): "Delivery plan has gaps",
            "note": "Typed note",
        },
    )
    assert response.status_code == 200
    message = "Give the reason for the moderated score on Need and evidence"
    assert error_summary(response) == [message]
    assert field_error(response, moderation_reason_field(need.id)) == message
    page = response.get_data(as_text=True)
    assert re.search(r'<option value="4" selected>4 – Label 4</option>', page)
    assert re.search(r'<option value="3" selected>3 – Label 3</option>', page)
    assert "Delivery plan has gaps" in page and "Typed note" in page
    assert f'href="#{moderation_reason_field(need.id)}"' in page
    assert reload(moderation_of(application)).status == ModerationStatus.FLAGGED


def test_a_score_outside_the_scale_is_refused_at_its_field(client: IsolatedClient) -> None:
    setup, application = _flagged_and_started(client)
    value = setup.criteria[2]  # 0 to 3
    response = post_form(
        client, _url(application), {moderated_score_field(value.id): "5", moderation_reason_field(value.id): "x"}
    )
    assert field_error(response, moderated_score_field(value.id)) == "Choose a score from 0 to 3 for Value for money"


def test_moderating_before_moderation_starts_is_refused_with_a_message(client: IsolatedClient) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    application = setup.applications[0]
    assess(setup, application, DISAGREE)
    sign_in_as(client, setup.manager)
    page = client.get(_url(application))
    assert "Start moderation for the call, on the moderation page, before moderating applications." in _text(page)
    assert "Resolve moderation" not in _text(page)

    token = hidden_fields(page)["csrf_token"]
    response = client.post(_url(application), data={"csrf_token": token, "note": "Let it stand"})
    assert response.status_code == 200
    assert error_summary(response) == ["Start moderation for the call before moderating applications"]
    assert page_title(response).startswith("Error: ")
    assert reload(moderation_of(application)).status == ModerationStatus.FLAGGED


def test_only_submitted_scorecards_are_shown_and_a_missing_one_holds_moderation(client: IsolatedClient) -> None:
    setup = make_assessment_round(applications=1, assessors=3)
    application = setup.applications[0]
    assess(setup, application, AGREE)
    services.start_moderation(actor=setup.manager, round_=setup.round)
    draft = AssessmentFactory(application=application, assessor=setup.assessors[2], in_progress=True)
    draft.comment = "A draft nobody should see"
    db.session.flush()
    sign_in_as(client, setup.manager)
    text = _text(client.get(_url(application)))
    assert "A draft nobody should see" not in text
    assert setup.assessors[2].full_name not in text
    assert "1 assessor has not submitted a scorecard yet." in text
    assert "Resolve moderation" not in text


def test_an_application_still_being_assessed_has_no_moderation_yet(client: IsolatedClient) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    application = setup.applications[0]
    assess(setup, application, [[4, 4, 2]])
    sign_in_as(client, setup.manager)
    response = client.get(_url(application))
    assert response.status_code == 200
    assert "It can be moderated once all its assessors have submitted their scorecards." in _text(response)


# --- the queue, starting, confirming in bulk ---------------------------------------------------------------


def test_the_queue_lists_flagged_applications_first_with_their_reasons(client: IsolatedClient) -> None:
    setup = make_assessment_round(applications=3, assessors=2)
    calm, flagged, _waiting = setup.applications
    assess(setup, calm, AGREE)
    assess(setup, flagged, DISAGREE)
    sign_in_as(client, setup.manager)
    response = client.get(f"/staff/calls/{setup.round.id}/moderation")
    page = response.get_data(as_text=True)
    assert page.index(flagged.reference) < page.index(calm.reference)
    assert _waiting.reference not in page
    text = _text(response)
    assert "Assessors differ by 3 points on Need and evidence" in text
    assert "Flagged" in text and "To confirm" in text
    assert "Start moderation" in text
    assert "assessors can no longer reopen the scorecards they have submitted" in text
    assert f'href="/staff/calls/{setup.round.id}/ranking"' in page


def test_starting_moderation_from_the_queue(client: IsolatedClient) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    sign_in_as(client, setup.manager)
    queue = f"/staff/calls/{setup.round.id}/moderation"
    token = hidden_fields(client.get(queue))["csrf_token"]
    response = client.post(f"{queue}/start", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == queue
    assert "Moderation has started" in _text(client.get(queue))
    assert reload(setup.round).moderation_started_at is not None
    assert len(events("round.moderation_started")) == 1

    again = client.post(f"{queue}/start", data={"csrf_token": token})
    assert again.status_code == 302
    assert "Moderation started on" in _text(client.get(queue))
    assert len(events("round.moderation_started")) == 1


def test_starting_moderation_of_an_open_call_is_refused_with_the_reason(client: IsolatedClient) -> None:
    setup = make_assessment_round(applications=0, assessors=1, status=RoundStatus.OPEN)
    sign_in_as(client, setup.manager)
    queue = f"/staff/calls/{setup.round.id}/moderation"
    token = hidden_fields(client.get(queue))["csrf_token"]
    client.post(f"{queue}/start", data={"csrf_token": token})
    assert "Close the call before moderation starts" in _text(client.get(queue))
    assert reload(setup.round).moderation_started_at is None


def test_confirming_every_unflagged_application_at_once(client: IsolatedClient) -> None:
    setup = make_assessment_round(applications=3, assessors=2)
    first, second, flagged = setup.applications
    assess(setup, first, AGREE)
    assess(setup, second, AGREE)
    assess(setup, flagged, DISAGREE)
    services.start_moderation(actor=setup.manager, round_=setup.round)
    sign_in_as(client, setup.manager)
    queue = f"/staff/calls/{setup.round.id}/moderation"
    page = client.get(queue)
    assert "Confirm the mean score of every unflagged application (2)" in _text(page)

    response = client.post(f"{queue}/confirm-unflagged", data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert response.status_code == 302
    after = client.get(queue)
    assert "Confirmed 2 applications" in _text(after)
    assert "No unflagged application is waiting for its mean score to be confirmed." in _text(after)
    assert [reload(moderation_of(a)).status for a in (first, second, flagged)] == [
        ModerationStatus.RESOLVED,
        ModerationStatus.RESOLVED,
        ModerationStatus.FLAGGED,
    ]
    assert len(events("moderation.resolved")) == 2


def test_a_finance_officer_sees_moderation_but_not_its_buttons(client: IsolatedClient) -> None:
    from fundapp.accounts.states import StaffRole
    from tests.factories import staff_user

    setup = make_assessment_round(applications=1, assessors=2)
    application = setup.applications[0]
    assess(setup, application, DISAGREE)
    services.start_moderation(actor=setup.manager, round_=setup.round)
    sign_in_as(client, staff_user(StaffRole.FINANCE_OFFICER, fund_id=setup.round.fund_id))
    queue = _text(client.get(f"/staff/calls/{setup.round.id}/moderation"))
    assert application.reference in queue and "Confirm the mean score" not in queue
    page = _text(client.get(_url(application)))
    assert "Keep the mean" not in page and "Resolve moderation" not in page
    assert "Assessor 1" in page
