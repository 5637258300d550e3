"""The assessor's pages through the browser: dashboard, conflict check, scorecard (drafts, submission, every bad
input at its field, a second tab, reopening, other assessors' scores, blind review), files and connections."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from fundapp.accounts.models import Organisation, User
from fundapp.accounts.states import StaffRole
from fundapp.applications.models import Application, Attachment
from fundapp.assessment import services
from fundapp.assessment.fields import NOT_APPLICABLE, justification_field, score_field
from fundapp.assessment.models import Assessment, Connection
from fundapp.assessment.states import AssessmentStatus
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.programmes import services as programme_services
from fundapp.programmes.models import Criterion, Round
from fundapp.programmes.question_sets import default_question_set
from tests.factories import (
    AnswerFactory,
    ApplicationFactory,
    AssessmentFactory,
    AttachmentFactory,
    ConnectionFactory,
    MembershipFactory,
    OrganisationFactory,
    RoleAssignmentFactory,
    ThemeFactory,
)
from tests.helpers import IsolatedClient, error_summary, field_error, hidden_fields, page_title, sign_in_as
from tests.integration.applications.conftest import raws_from_post
from tests.integration.assessment.conftest import make_assessment_round
from tests.sef_answers import sef_section_posts

ORGANISATION = "Brixton Bridges Youth Trust"
FILENAME = "Brixton Bridges annual report 2025.pdf"


@dataclass
class World:
    round: Round
    criteria: list[Criterion]
    assessors: list[User]
    manager: User
    organisation: Organisation
    application: Application
    attachment: Attachment
    assessments: list[Assessment]  # one per assessor, all assigned (not yet checked for conflicts)


def scoring_world(*, assessors: int = 3, **settings: Any) -> World:
    """A closed call with the real SEF form and three weighted criteria; one fully answered application (with a
    file) from Brixton Bridges Youth Trust, given to every assessor of the pool."""
    setup = make_assessment_round(applications=0, assessors=assessors, **settings)
    theme = ThemeFactory(round=setup.round, name="Awareness raising")
    programme_services.load_question_set(actor=None, round_=setup.round, data=default_question_set())
    organisation = OrganisationFactory(name=ORGANISATION, website="https://brixtonbridges.example.org")
    application = ApplicationFactory(
        round=setup.round, organisation=organisation, eligible=True, project_title="Bridges not walls"
    )
    for key, data in sef_section_posts(theme_id=theme.id).items():
        for question_key, raw in raws_from_post(setup.round, key, data).items():
            if raw not in (None, "", []):
                AnswerFactory(application=application, question_key=question_key, raw=raw, value=None)
    attachment = AttachmentFactory(application=application, question_key="need_evidence_files", filename=FILENAME)
    assessments = [
        services.assign_assessor(actor=setup.manager, application=application, assessor=assessor)
        for assessor in setup.assessors
    ]
    return World(
        round=setup.round,
        criteria=setup.criteria,
        assessors=setup.assessors,
        manager=setup.manager,
        organisation=organisation,
        application=application,
        attachment=attachment,
        assessments=assessments,
    )


def opened(world: World, index: int = 0) -> Assessment:
    """The assessor's assignment after they confirmed they have no conflict of interest."""
    assessment = world.assessments[index]
    services.confirm_no_conflict(actor=assessment.assessor, assessment=assessment)
    return assessment


def submitted(world: World, index: int, scores: list[int], recommendation: str = "fund") -> Assessment:
    """The assessor's scorecard, scored and submitted through the service."""
    assessment = opened(world, index)
    result = services.save_scorecard(
        actor=assessment.assessor,
        assessment=assessment,
        entries={
            c.id: services.ScoreEntry(str(s), f"Assessor {index} reasons about {c.name}.")
            for c, s in zip(world.criteria, scores, strict=True)
        },
        recommendation=recommendation,
        comment="",
        version=assessment.version,
        submit=True,
    )
    assert result.errors == {}
    return assessment


def scorecard_post(world: World, scores: list[str], *, action: str = "save", **extra: str) -> dict[str, str]:
    """A scorecard as the browser posts it: a score and a justification per criterion, recommendation, comment."""
    data = {
        "action": action,
        "recommendation": "fund_with_conditions",
        "comment": "A strong local partner.",
    }
    for criterion, score in zip(world.criteria, scores, strict=True):
        data[score_field(criterion.id)] = score
        data[justification_field(criterion.id)] = f"My reasons for {criterion.name}."
    data.update(extra)
    return data


def post_page(client: IsolatedClient, url: str, data: dict[str, str]) -> Any:
    """POST a page's form with the hidden fields it was showing (CSRF token, version) under `data`."""
    return client.post(url, data={**hidden_fields(client.get(url)), **data})


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def reload(db_session: Any, assessment: Assessment) -> Assessment:
    db_session.expire_all()
    return db_session.get(Assessment, assessment.id)


# --- the dashboard -------------------------------------------------------------------------------------------


def test_the_dashboard_lists_assignments_by_call_with_their_next_step_and_counts(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    assessor = world.assessors[0]
    late = make_assessment_round(applications=2, assessors=0, assessment_deadline=utcnow() - timedelta(days=1))
    RoleAssignmentFactory(user=assessor, role=StaffRole.ASSESSOR, round_id=late.round.id)
    services.assign_assessor(actor=late.manager, application=late.applications[0], assessor=assessor)
    done = services.assign_assessor(actor=late.manager, application=late.applications[1], assessor=assessor)
    services.confirm_no_conflict(actor=assessor, assessment=done)
    services.save_scorecard(
        actor=assessor,
        assessment=done,
        entries={c.id: services.ScoreEntry("3", "Fine.") for c in late.criteria},
        recommendation="fund",
        comment="",
        version=done.version,
        submit=True,
    )
    sign_in_as(client, assessor)

    page = text(client.get("/assessments"))

    assert page_title(client.get("/assessments")).startswith("Your assessments")
    counts = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split('id="assessment-counts">')[1].split("</ul>")[0]))
    assert counts.split() == ["To", "do", "2", "Submitted", "1", "Overdue", "1"]
    assert world.round.name in page and late.round.name in page
    assert f'href="/assessments/{world.assessments[0].id}/conflict"' in page
    assert f'href="/assessments/{done.id}">View' in page
    assert (
        len(re.findall(r">\s*Overdue\s*</strong>", page)) == 1
    )  # the late call's unsubmitted one; not the submitted one
    assert ORGANISATION in page  # not a blind call
    assert 'href="/assessments/connections"' in page
    assert "&lt;" not in page  # no markup shown as text


def test_the_dashboard_shows_no_organisation_names_in_blind_review(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world(blind_review=True)
    sign_in_as(client, world.assessors[0])
    page = text(client.get("/assessments"))
    assert "Bridges not walls" in page
    assert ORGANISATION not in page
    assert "Organisation</th>" not in page


def test_the_dashboard_leaves_out_conflicts_and_says_when_there_is_nothing_to_do(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world(assessors=1)
    services.declare_conflict(
        actor=world.assessors[0], assessment=world.assessments[0], kind="trustee", reason="I chair it", standing=False
    )
    sign_in_as(client, world.assessors[0])
    page = text(client.get("/assessments"))
    assert "You have no applications to assess" in page
    assert "Bridges not walls" not in page


# --- the conflict-of-interest check ------------------------------------------------------------------------------


def test_the_conflict_check_shows_who_applied_even_in_blind_review(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world(blind_review=True)
    sign_in_as(client, world.assessors[0])
    response = client.get(f"/assessments/{world.assessments[0].id}/conflict")
    page = text(response)
    assert response.status_code == 200
    assert ORGANISATION in page and world.organisation.charity_number in page and "Southwark" in page
    assert "We show the organisation here because you can only recognise a conflict" in page
    assert "Do you have a conflict of interest with this organisation?</legend>" in re.sub(r"\s+<", "<", page)


def test_the_scorecard_sends_an_unchecked_assignment_to_the_conflict_check(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    sign_in_as(client, world.assessors[0])
    response = client.get(f"/assessments/{world.assessments[0].id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/assessments/{world.assessments[0].id}/conflict"


def test_confirming_no_conflict_opens_the_scorecard(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world()
    assessment = world.assessments[0]
    sign_in_as(client, world.assessors[0])
    response = post_page(client, f"/assessments/{assessment.id}/conflict", {"conflict": "no"})
    assert response.headers["Location"] == f"/assessments/{assessment.id}"
    assert reload(db_session, assessment).status == AssessmentStatus.IN_PROGRESS
    again = client.get(f"/assessments/{assessment.id}/conflict")
    assert again.status_code == 200 and "You have started scoring this application" in text(again)
    back = post_page(client, f"/assessments/{assessment.id}/conflict", {"conflict": "no"})
    assert back.headers["Location"] == f"/assessments/{assessment.id}"
    assert reload(db_session, assessment).status == AssessmentStatus.IN_PROGRESS


def test_a_conflict_noticed_while_scoring_removes_the_assessor_and_discards_the_draft(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    assessment = world.assessments[0]
    sign_in_as(client, world.assessors[0])
    post_page(client, f"/assessments/{assessment.id}/conflict", {"conflict": "no"})
    scorecard = client.get(f"/assessments/{assessment.id}")
    assert f'href="/assessments/{assessment.id}/conflict"' in scorecard.get_data(as_text=True)
    response = post_page(
        client,
        f"/assessments/{assessment.id}/conflict",
        {"conflict": "yes", "kind": "family", "reason": "The project lead named in the budget is my cousin."},
    )
    assert response.headers["Location"] == "/assessments"
    saved = reload(db_session, assessment)
    assert saved.status == AssessmentStatus.CONFLICTED and saved.scores == []
    assert client.get(f"/assessments/{assessment.id}").status_code == 404


def test_a_submitted_scorecard_can_no_longer_declare_a_conflict(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world()
    assessment = world.assessments[0]
    sign_in_as(client, world.assessors[0])
    post_page(client, f"/assessments/{assessment.id}/conflict", {"conflict": "no"})
    services.save_scorecard(
        actor=world.assessors[0],
        assessment=reload(db_session, assessment),
        entries={c.id: services.ScoreEntry(str(c.scale_max), "Strong.") for c in world.round.criteria},
        recommendation="fund",
        comment="",
        version=reload(db_session, assessment).version,
        submit=True,
    )
    again = client.get(f"/assessments/{assessment.id}/conflict")
    assert again.status_code == 302 and again.headers["Location"] == f"/assessments/{assessment.id}"


def test_declaring_a_conflict_removes_the_assessor_and_can_record_a_standing_connection(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    assessment = world.assessments[0]
    sign_in_as(client, world.assessors[0])
    response = post_page(
        client,
        f"/assessments/{assessment.id}/conflict",
        {"conflict": "yes", "kind": "trustee", "reason": "I was their treasurer until May.", "standing": "y"},
    )
    assert response.headers["Location"] == "/assessments"
    banner = text(client.get("/assessments"))
    assert f"You have been removed from {world.application.reference}: Bridges not walls" in banner
    assert "The application will be given to another assessor" in banner
    saved = reload(db_session, assessment)
    assert (saved.status, saved.conflict_reason) == (AssessmentStatus.CONFLICTED, "I was their treasurer until May.")
    connection = db_session.scalars(sa.select(Connection).where(Connection.assessor_id == world.assessors[0].id)).one()
    assert connection.organisation_id == world.organisation.id


def test_a_conflict_without_a_description_is_refused_at_the_field_and_keeps_what_was_chosen(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    url = f"/assessments/{world.assessments[0].id}/conflict"
    sign_in_as(client, world.assessors[0])
    response = post_page(client, url, {"conflict": "yes", "kind": "volunteer", "reason": "   ", "standing": "y"})
    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    assert error_summary(response) == ["Describe your conflict of interest"]
    assert field_error(response, "reason") == "Describe your conflict of interest"
    page = text(response)
    assert re.search(r'value="volunteer"\s+checked', page)
    assert '<input type="hidden" name="conflict" value="yes">' in page  # still on the step that describes it
    assert re.search(r'name="standing"[^>]*checked', page)
    assert reload(db_session, world.assessments[0]).status == AssessmentStatus.ASSIGNED


def test_a_made_up_kind_of_connection_and_no_answer_are_refused_in_words(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    url = f"/assessments/{world.assessments[0].id}/conflict"
    sign_in_as(client, world.assessors[0])
    response = post_page(client, url, {"conflict": "yes", "kind": "cousin", "reason": "My cousin works there."})
    assert field_error(response, "kind") == "Choose how you are connected to the organisation"
    assert "My cousin works there." in text(response)
    response = post_page(client, url, {})
    assert error_summary(response) == ["Select whether you have a conflict of interest"]
    assert field_error(response, "conflict") == "Select whether you have a conflict of interest"


def test_a_member_of_the_organisation_cannot_say_they_have_no_conflict(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world(assessors=1)
    MembershipFactory(user=world.assessors[0], organisation=world.organisation)
    sign_in_as(client, world.assessors[0])
    response = post_page(client, f"/assessments/{world.assessments[0].id}/conflict", {"conflict": "no"})
    assert field_error(response, "conflict") == "You belong to this organisation, so you have a conflict of interest"
    assert reload(db_session, world.assessments[0]).status == AssessmentStatus.ASSIGNED


# --- the scorecard --------------------------------------------------------------------------------------------


def test_the_scorecard_shows_the_application_beside_a_fieldset_per_criterion(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    strong = next(d for d in world.criteria[0].descriptors if d.score == 5)
    strong.description = "Clear, convincing evidence of need"
    db_session.flush()
    assessment = opened(world)
    sign_in_as(client, world.assessors[0])
    response = client.get(f"/assessments/{assessment.id}")
    page = re.sub(r"\s+<", "<", text(response))
    assert response.status_code == 200
    assert page_title(response).startswith(f"{world.application.reference}: Bridges not walls")
    assert 'class="govuk-grid-column-one-half"' in page
    assert "We will run weekly sessions in youth clubs" in page  # the answers as submitted
    assert ORGANISATION in page and "amara@example.org" in page  # not a blind call
    href = f"/assessments/{assessment.id}/files/{world.attachment.id}"
    assert f'href="{href}">{FILENAME}</a>' in page
    for criterion in world.criteria:
        assert f"{criterion.name} ({criterion.weight}% of the score)</legend>" in page
        assert f'name="{score_field(criterion.id)}"' in page
        assert f'name="{justification_field(criterion.id)}"' in page
    assert page.index("5 – Label 5") < page.index("1 – Label 1")  # the scale from its top down
    hint = f'id="{score_field(world.criteria[0].id)}-item-hint" class="govuk-hint govuk-radios__hint">'
    assert re.search(rf"{hint}\s*Clear, convincing evidence of need", page)  # what the point means, under it
    assert f'value="{NOT_APPLICABLE}"' not in page
    assert hidden_fields(response)["version"] == str(assessment.version)
    assert 'value="save" name="action"' in page and 'value="submit" name="action"' in page
    assert "Your score so far:<strong>–</strong>" in page
    assert "Other assessors" not in page


def test_not_applicable_is_offered_only_where_the_call_allows_it(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world(allow_not_applicable=True)
    assessment = opened(world)
    sign_in_as(client, world.assessors[0])
    page = text(client.get(f"/assessments/{assessment.id}"))
    assert page.count(f'value="{NOT_APPLICABLE}"') == len(world.criteria)
    assert page.count("This criterion does not apply to this application") == len(world.criteria)
    assert "Not applicable" in page


def test_saving_a_draft_keeps_it_and_shows_the_running_score(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world()
    assessment = opened(world)
    url = f"/assessments/{assessment.id}"
    sign_in_as(client, world.assessors[0])
    response = post_page(client, url, scorecard_post(world, ["4", "", ""]))
    assert response.status_code == 302 and response.headers["Location"] == url
    page = text(client.get(url))
    assert "Draft saved" in page
    assert "Your score so far: <strong>80.0%</strong>" in page  # 4 of 5 on the only scored criterion
    assert re.search(rf'name="{score_field(world.criteria[0].id)}" type="radio" value="4"\s+checked', page)
    assert f"My reasons for {world.criteria[1].name}." in page
    saved = reload(db_session, assessment)
    assert (saved.status, saved.comment) == (AssessmentStatus.IN_PROGRESS, "A strong local partner.")


def test_submitting_without_a_score_shows_the_message_at_the_field_and_keeps_the_input(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    assessment = opened(world)
    sign_in_as(client, world.assessors[0])
    response = post_page(
        client, f"/assessments/{assessment.id}", scorecard_post(world, ["4", "", "2"], action="submit")
    )
    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    missing = f"Choose a score for {world.criteria[1].name}"
    assert error_summary(response) == [missing]
    assert f'href="#{score_field(world.criteria[1].id)}"' in text(response)
    assert field_error(response, score_field(world.criteria[1].id)) == missing
    assert "Everything else you entered has been saved as a draft." in text(response)
    assert f"My reasons for {world.criteria[1].name}." in text(response)
    assert reload(db_session, assessment).status == AssessmentStatus.IN_PROGRESS


def test_a_score_outside_the_scale_posted_by_hand_is_refused_at_the_field(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    assessment = opened(world)
    value_for_money = world.criteria[2]  # scored 0 to 3
    sign_in_as(client, world.assessors[0])
    response = post_page(client, f"/assessments/{assessment.id}", scorecard_post(world, ["4", "3", "5"]))
    message = f"Choose a score from 0 to 3 for {value_for_money.name}"
    assert error_summary(response) == [message]
    assert field_error(response, score_field(value_for_money.id)) == message
    assert f"My reasons for {value_for_money.name}." in text(response)


def test_not_applicable_posted_where_the_call_does_not_allow_it_is_refused(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    assessment = opened(world)
    sign_in_as(client, world.assessors[0])
    response = post_page(client, f"/assessments/{assessment.id}", scorecard_post(world, ["4", NOT_APPLICABLE, "2"]))
    message = f"This call does not allow “not applicable”: choose a score for {world.criteria[1].name}"
    assert field_error(response, score_field(world.criteria[1].id)) == message


def test_not_applicable_is_saved_where_the_call_allows_it(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world(allow_not_applicable=True)
    assessment = opened(world)
    sign_in_as(client, world.assessors[0])
    post_page(
        client, f"/assessments/{assessment.id}", scorecard_post(world, ["4", NOT_APPLICABLE, "3"], action="submit")
    )
    saved = reload(db_session, assessment)
    assert saved.status == AssessmentStatus.SUBMITTED
    assert saved.score_for(world.criteria[1].id).not_applicable
    assert "Not applicable" in text(client.get(f"/assessments/{assessment.id}"))


def test_a_justification_over_5000_characters_is_refused_at_the_field_and_kept(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    assessment = opened(world)
    too_long = "word " * 1000 + "x"  # 5,001 characters
    assert len(too_long) == 5001
    field = justification_field(world.criteria[0].id)
    sign_in_as(client, world.assessors[0])
    response = post_page(
        client, f"/assessments/{assessment.id}", scorecard_post(world, ["4", "3", "2"], **{field: too_long})
    )
    message = f"The justification for {world.criteria[0].name} must be 5,000 characters or fewer"
    assert field_error(response, field) == message
    assert too_long.strip() in text(response)
    assert 'data-maxlength="5000"' in text(response)  # the character count warns before they post


def test_a_save_from_a_stale_second_tab_overwrites_nothing_and_the_next_save_works(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    assessment = opened(world)
    url = f"/assessments/{assessment.id}"
    sign_in_as(client, world.assessors[0])
    stale_tab = hidden_fields(client.get(url))
    post_page(client, url, scorecard_post(world, ["5", "5", "3"]))  # saved from the first tab

    response = client.post(url, data={**stale_tab, **scorecard_post(world, ["1", "1", "0"])})

    assert response.status_code == 200
    summary = error_summary(response)
    assert len(summary) == 1 and "after you opened this page" in summary[0]
    assert 'href="#scorecard"' in text(response)
    assert re.search(rf'name="{score_field(world.criteria[0].id)}" type="radio" value="1"\s+checked', text(response))
    assert "Your scorecard as it was saved" in text(response)
    assert reload(db_session, assessment).score_for(world.criteria[0].id).score == 5
    new_version = hidden_fields(response)["version"]
    assert new_version == str(reload(db_session, assessment).version)
    again = client.post(url, data={**hidden_fields(response), **scorecard_post(world, ["1", "1", "0"])})
    assert again.status_code == 302
    assert reload(db_session, assessment).score_for(world.criteria[0].id).score == 1


def test_draft_then_submit_then_reopen(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world()
    assessment = opened(world)
    url = f"/assessments/{assessment.id}"
    sign_in_as(client, world.assessors[0])
    post_page(client, url, scorecard_post(world, ["4", "", ""]))
    response = post_page(client, url, scorecard_post(world, ["4", "3", "2"], action="submit"))
    assert response.headers["Location"] == url
    page = text(client.get(url))
    assert "Scorecard submitted" in page
    assert 'name="action"' not in page  # read-only now
    assert "Your score:" in page and "4 –" in page and "Fund with conditions" in page
    assert f'action="/assessments/{assessment.id}/reopen"' in page
    assert "&lt;" not in page  # no markup shown as text

    response = client.post(f"{url}/reopen", data=hidden_fields(client.get(url)))

    assert response.headers["Location"] == url
    page = text(client.get(url))
    assert "Your scorecard has been reopened" in page
    assert 'value="submit" name="action"' in page
    assert reload(db_session, assessment).status == AssessmentStatus.IN_PROGRESS


def test_a_scorecard_cannot_be_reopened_once_moderation_has_started(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world(assessors=2)
    mine = submitted(world, 0, [4, 3, 2])
    submitted(world, 1, [4, 3, 2])
    services.start_moderation(actor=world.manager, round_=world.round)
    url = f"/assessments/{mine.id}"
    sign_in_as(client, world.assessors[0])
    page = text(client.get(url))
    assert "Moderation has started for this call, so your scorecard can no longer be reopened." in page
    assert "/reopen" not in page
    client.post(f"{url}/reopen", data=hidden_fields(client.get(url)))
    assert "Moderation has started for this call" in text(client.get(url))
    assert reload(db_session, mine).status == AssessmentStatus.SUBMITTED


def test_a_post_to_a_submitted_scorecard_changes_nothing(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world()
    mine = submitted(world, 0, [4, 3, 2])
    url = f"/assessments/{mine.id}"
    sign_in_as(client, world.assessors[0])
    response = client.post(url, data={**hidden_fields(client.get(url)), **scorecard_post(world, ["1", "1", "0"])})
    assert response.headers["Location"] == url
    assert "can no longer be changed" in text(client.get(url))
    assert reload(db_session, mine).score_for(world.criteria[0].id).score == 4


def test_other_assessors_scores_are_hidden_until_you_submit_then_shown_by_number_never_by_name(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    submitted(world, 1, [2, 2, 1], recommendation="do_not_fund")
    mine = opened(world, 0)
    url = f"/assessments/{mine.id}"
    sign_in_as(client, world.assessors[0])
    before = text(client.get(url))
    assert "Other assessors" not in before
    assert "Assessor 1 reasons" not in before and "Assessor 2" not in before and "39.1%" not in before

    post_page(client, url, scorecard_post(world, ["5", "4", "3"], action="submit"))
    after = text(client.get(url))

    assert "Other assessors&#39; scores" in after or "Other assessors' scores" in after
    assert "Assessor 2</h3>" in after
    assert "Assessor 3" not in after  # the third has not submitted
    assert "Assessor 1 reasons about Need and evidence." in after  # the other's justification
    assert re.search(r"Recommendation\s*</dt>\s*<dd[^>]*>\s*Do not fund", after)
    assert "39.1%" in after  # (2×50 + 2×30 + 1×20) ÷ (5×50 + 5×30 + 3×20)
    for other in world.assessors[1:]:
        assert other.full_name not in html.unescape(after)
        assert other.email not in after


# --- blind review ---------------------------------------------------------------------------------------------


def test_blind_review_hides_the_organisation_contact_answers_and_file_names(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world(blind_review=True)
    assessment = opened(world)
    sign_in_as(client, world.assessors[0])
    response = client.get(f"/assessments/{assessment.id}")
    page = text(response)
    assert response.status_code == 200
    for hidden in (
        ORGANISATION,
        world.organisation.charity_number,
        "brixtonbridges.example.org",
        "amara@example.org",
        "020 7946 0000",
        "Amara Okafor",
        "Chair of trustees",
        "Sam Lee",
        "sam@example.org",
        FILENAME,
        "annual report",
    ):
        assert hidden not in page, hidden
    assert ORGANISATION not in page_title(response)
    assert "We will run weekly sessions in youth clubs" in page  # the project itself is shown
    assert f'/files/{world.attachment.id}">Document 1</a> (PDF,' in page
    assert "blind review" in page


def test_blind_review_downloads_a_file_under_a_neutral_name(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world(blind_review=True)
    assessment = opened(world)
    sign_in_as(client, world.assessors[0])
    response = client.get(f"/assessments/{assessment.id}/files/{world.attachment.id}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    response.close()
    assert f"{world.application.reference}-document-1.pdf" in disposition
    assert "Brixton" not in disposition


def test_a_download_keeps_its_name_outside_blind_review_and_is_recorded(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    assessment = opened(world)
    sign_in_as(client, world.assessors[0])
    response = client.get(f"/assessments/{assessment.id}/files/{world.attachment.id}")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert "annual" in response.headers["Content-Disposition"]
    response.close()
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "attachment.downloaded")).one()
    assert (event.actor_id, event.data["attachment_id"], event.data["assessment_id"]) == (
        world.assessors[0].id,
        world.attachment.id,
        assessment.id,
    )


def test_a_file_of_another_application_is_not_found_under_this_assignment(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    assessment = opened(world)
    elsewhere = AttachmentFactory(application=ApplicationFactory(round=world.round, eligible=True))
    sign_in_as(client, world.assessors[0])
    assert client.get(f"/assessments/{assessment.id}/files/{elsewhere.id}").status_code == 404


# --- standing connections ---------------------------------------------------------------------------------------


def test_declaring_a_connection_lists_it_and_releases_unsubmitted_assignments(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    opened(world, 0)
    sign_in_as(client, world.assessors[0])
    response = post_page(
        client,
        "/assessments/connections",
        {"organisation": str(world.organisation.id), "kind": "family", "details": "My brother runs their youth club."},
    )
    assert response.headers["Location"] == "/assessments/connections"
    page = text(client.get("/assessments/connections"))
    assert f"Your connection with {ORGANISATION} has been recorded" in page
    assert "You have been removed from 1 of its application that you had not submitted yet" in page
    assert "My brother runs their youth club." in page and "Family" in page
    assert reload(db_session, world.assessments[0]).status == AssessmentStatus.CONFLICTED


def test_a_connection_needs_an_organisation_a_kind_and_details_all_shown_at_once(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    sign_in_as(client, world.assessors[0])
    response = post_page(client, "/assessments/connections", {"organisation": "", "kind": "", "details": ""})
    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    assert error_summary(response) == [
        "Choose the organisation you are connected to",
        "Select how you are connected to the organisation",
        "Describe the connection",
    ]
    response = post_page(
        client, "/assessments/connections", {"organisation": "999999", "kind": "trustee", "details": "Kept as typed"}
    )
    assert field_error(response, "organisation") == "Choose an organisation from the list"
    assert "Kept as typed" in text(response)
    assert re.search(r'value="trustee"\s+checked', text(response))
    assert db_session.scalar(sa.select(sa.func.count(Connection.id))) == 0


def test_a_second_connection_with_the_same_organisation_is_refused_at_the_field(
    client: IsolatedClient, db_session: Any
) -> None:
    world = scoring_world()
    ConnectionFactory(assessor=world.assessors[0], organisation=world.organisation)
    sign_in_as(client, world.assessors[0])
    response = post_page(
        client,
        "/assessments/connections",
        {"organisation": str(world.organisation.id), "kind": "trustee", "details": "Again"},
    )
    assert field_error(response, "organisation") == f"You have already declared a connection with {ORGANISATION}"


def test_removing_a_connection(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world()
    connection_id = ConnectionFactory(assessor=world.assessors[0], organisation=world.organisation).id
    sign_in_as(client, world.assessors[0])
    page = text(client.get("/assessments/connections"))
    assert f'action="/assessments/connections/{connection_id}/remove"' in page
    assert f'Remove<span class="govuk-visually-hidden"> your connection with {ORGANISATION}' in page
    response = client.post(
        f"/assessments/connections/{connection_id}/remove", data=hidden_fields(client.get("/assessments/connections"))
    )
    assert response.headers["Location"] == "/assessments/connections"
    assert f"Your connection with {ORGANISATION} has been removed" in text(client.get("/assessments/connections"))
    db_session.expire_all()
    assert db_session.get(Connection, connection_id) is None


def test_the_home_page_links_assessors_to_their_dashboard(client: IsolatedClient, db_session: Any) -> None:
    world = scoring_world(assessors=1)
    sign_in_as(client, world.assessors[0])
    assert 'href="/assessments"' in text(client.get("/"))


def test_an_assessor_with_nothing_assigned_sees_empty_pages(client: IsolatedClient, db_session: Any) -> None:
    assessment = AssessmentFactory(conflicted=True)
    sign_in_as(client, assessment.assessor)
    assert client.get("/assessments").status_code == 200
    page = text(client.get("/assessments/connections"))
    assert "You have not declared any connections." in page
