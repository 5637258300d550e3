"""Assessment services: pool, auto-assign (balance, conflicts, membership), conflicts, scorecards with version
checks, submission and flags, reopening, moderation and reminders."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.states import StaffRole
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment import queries, services
from fundapp.assessment.fields import NOT_APPLICABLE, justification_field, score_field
from fundapp.assessment.models import Assessment, Connection
from fundapp.assessment.services import ModeratedEntry, ScoreEntry
from fundapp.assessment.states import AssessmentStatus, ModerationStatus
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError, InvalidTransition, NotAllowed
from fundapp.core.mail.models import OutboxMessage
from fundapp.programmes.states import RoundStatus
from tests.factories import (
    AssessmentFactory,
    ConnectionFactory,
    MembershipFactory,
    UserFactory,
    staff_user,
)
from tests.integration.assessment.conftest import AssessmentSetup, make_assessment_round


def _events(db_session: Any, action: str) -> list[AuditEvent]:
    return list(db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def _assessments(db_session: Any, round_id: int) -> list[Assessment]:
    return list(db_session.scalars(sa.select(Assessment).where(Assessment.round_id == round_id)))


def _entries(setup: AssessmentSetup, scores: list[int | str]) -> dict[int, ScoreEntry]:
    return {
        c.id: ScoreEntry(str(s), f"Because of the evidence for {c.name}.")
        for c, s in zip(setup.criteria, scores, strict=True)
    }


def _started(setup: AssessmentSetup, index: int = 0, application: int = 0) -> Assessment:
    """The assessor's assignment to the application, opened for scoring (no conflict confirmed)."""
    assessment = services.assign_assessor(
        actor=setup.manager, application=setup.applications[application], assessor=setup.assessors[index]
    )
    services.confirm_no_conflict(actor=assessment.assessor, assessment=assessment)
    return assessment


def _score(setup: AssessmentSetup, assessment: Assessment, scores: list[int | str], *, submit: bool = True) -> Any:
    if assessment.status == AssessmentStatus.ASSIGNED:
        services.confirm_no_conflict(actor=assessment.assessor, assessment=assessment)
    return services.save_scorecard(
        actor=assessment.assessor,
        assessment=assessment,
        entries=_entries(setup, scores),
        recommendation="fund",
        comment="",
        version=assessment.version,
        submit=submit,
    )


# --- auto-assign ---------------------------------------------------------------------------------------


def test_auto_assign_gives_every_application_two_assessors_and_balances_workload(db_session) -> None:
    setup = make_assessment_round(applications=7, assessors=3)
    result = services.auto_assign(actor=setup.manager, round_=setup.round)
    assessments = _assessments(db_session, setup.round.id)
    per_application = Counter(a.application_id for a in assessments)
    per_assessor = Counter(a.assessor_id for a in assessments)
    assert set(per_application.values()) == {2}
    assert max(per_assessor.values()) - min(per_assessor.values()) <= 1
    assert result.total == 14 and result.short == []
    assert {a.status for a in setup.applications} == {ApplicationStatus.IN_ASSESSMENT}
    assert setup.round.status == RoundStatus.ASSESSING
    assert len(_events(db_session, "assessment.assigned")) == 14


def test_auto_assign_emails_each_assessor_once_with_their_count(db_session) -> None:
    setup = make_assessment_round(applications=3, assessors=2)
    services.auto_assign(actor=setup.manager, round_=setup.round)
    messages = list(db_session.scalars(sa.select(OutboxMessage)))
    assert sorted(m.to_address for m in messages) == sorted(a.email for a in setup.assessors)
    assert all("3 applications for you to assess" in m.subject for m in messages)


def test_auto_assign_never_gives_a_declared_connection_or_an_own_organisation(db_session) -> None:
    setup = make_assessment_round(applications=2, assessors=3)
    connected, member, free = setup.assessors
    ConnectionFactory(assessor=connected, organisation=setup.applications[0].organisation)
    MembershipFactory(user=member, organisation=setup.applications[1].organisation)
    result = services.auto_assign(actor=setup.manager, round_=setup.round)
    pairs = {(a.application_id, a.assessor_id) for a in _assessments(db_session, setup.round.id)}
    assert (setup.applications[0].id, connected.id) not in pairs
    assert (setup.applications[1].id, member.id) not in pairs
    assert result.short == []
    assert (setup.applications[0].id, free.id) in pairs


def test_auto_assign_reports_applications_it_could_not_fill(db_session) -> None:
    setup = make_assessment_round(applications=2, assessors=2)
    ConnectionFactory(assessor=setup.assessors[0], organisation=setup.applications[1].organisation)
    result = services.auto_assign(actor=setup.manager, round_=setup.round)
    assert [a.id for a in result.short] == [setup.applications[1].id]


def test_auto_assign_again_tops_up_only_what_is_missing(db_session) -> None:
    setup = make_assessment_round(applications=3, assessors=3)
    services.auto_assign(actor=setup.manager, round_=setup.round)
    second = services.auto_assign(actor=setup.manager, round_=setup.round)
    assert second.total == 0
    assert len(_assessments(db_session, setup.round.id)) == 6


def test_auto_assign_refused_without_a_pool_or_for_an_assessor(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=0)
    with pytest.raises(DomainError, match="Add assessors"):
        services.auto_assign(actor=setup.manager, round_=setup.round)
    with pytest.raises(NotAllowed):
        services.auto_assign(actor=staff_user(StaffRole.ASSESSOR, round_id=setup.round.id), round_=setup.round)


def test_auto_assign_skips_ineligible_and_withdrawn_applications(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    from tests.factories import ApplicationFactory

    ApplicationFactory(round=setup.round, ineligible=True)
    ApplicationFactory(round=setup.round, withdrawn=True, reference="X-1")
    services.auto_assign(actor=setup.manager, round_=setup.round)
    assert {a.application_id for a in _assessments(db_session, setup.round.id)} == {setup.applications[0].id}


# --- manual assignment -----------------------------------------------------------------------------------


def test_manual_assign_refuses_a_conflicted_assessor_and_someone_outside_the_pool(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    application = setup.applications[0]
    conflicted = AssessmentFactory(application=application, assessor=setup.assessors[0], conflicted=True)
    with pytest.raises(DomainError, match="declared a conflict") as exc:
        services.assign_assessor(actor=setup.manager, application=application, assessor=conflicted.assessor)
    assert exc.value.field == "assessor"
    with pytest.raises(DomainError, match="not an assessor for this call"):
        services.assign_assessor(actor=setup.manager, application=application, assessor=UserFactory())


def test_unassigned_assessor_can_be_given_the_application_again(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=1)
    application = setup.applications[0]
    assessment = services.assign_assessor(actor=setup.manager, application=application, assessor=setup.assessors[0])
    services.unassign_assessor(actor=setup.manager, assessment=assessment)
    assert assessment.status == AssessmentStatus.UNASSIGNED
    again = services.assign_assessor(actor=setup.manager, application=application, assessor=setup.assessors[0])
    assert again.id == assessment.id and again.status == AssessmentStatus.ASSIGNED


# --- pool ------------------------------------------------------------------------------------------------


def test_pool_add_by_email_and_remove_when_nothing_is_outstanding(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=0)
    person = UserFactory()
    services.add_to_pool(actor=setup.manager, round_=setup.round, email=person.email)
    assert [u.id for u, _ in queries.list_pool(setup.round)] == [person.id]
    with pytest.raises(DomainError, match="already an assessor") as exc:
        services.add_to_pool(actor=setup.manager, round_=setup.round, email=person.email)
    assert exc.value.field == "email"
    assessment = services.assign_assessor(actor=setup.manager, application=setup.applications[0], assessor=person)
    with pytest.raises(DomainError, match="still has 1 scorecard"):
        services.remove_from_pool(actor=setup.manager, round_=setup.round, user=person)
    services.unassign_assessor(actor=setup.manager, assessment=assessment)
    services.remove_from_pool(actor=setup.manager, round_=setup.round, user=person)
    assert queries.list_pool(setup.round) == []


def test_pool_add_refuses_an_unknown_email(db_session) -> None:
    setup = make_assessment_round(applications=0, assessors=0)
    with pytest.raises(DomainError, match="no account") as exc:
        services.add_to_pool(actor=setup.manager, round_=setup.round, email="nobody@example.org")
    assert exc.value.field == "email"


def test_pool_includes_fund_wide_and_system_wide_assessors_once(db_session) -> None:
    setup = make_assessment_round(applications=0, assessors=1)
    fund_wide = staff_user(StaffRole.ASSESSOR, fund_id=setup.round.fund_id)
    everywhere = staff_user(StaffRole.ASSESSOR)
    staff_user(StaffRole.ASSESSOR, fund_id=None, round_id=None)
    ids = [u.id for u, _ in queries.list_pool(setup.round)]
    assert {setup.assessors[0].id, fund_id_user := fund_wide.id, everywhere.id} <= set(ids)
    assert len(ids) == len(set(ids)) and fund_id_user in ids


# --- conflicts ---------------------------------------------------------------------------------------------


def test_declaring_a_conflict_removes_the_assessor_records_the_reason_and_requeues(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=3)
    services.auto_assign(actor=setup.manager, round_=setup.round)
    assessment = _assessments(db_session, setup.round.id)[0]
    services.declare_conflict(
        actor=assessment.assessor, assessment=assessment, kind="family", reason="My sister runs it", standing=True
    )
    assert assessment.status == AssessmentStatus.CONFLICTED
    assert assessment.conflict_reason == "My sister runs it"
    event = _events(db_session, "assessment.conflict_declared")[0]
    assert event.data["reason"] == "My sister runs it"
    assert db_session.scalar(sa.select(Connection).where(Connection.assessor_id == assessment.assessor_id))
    assert queries.count_active_assessments(setup.round.id)[setup.applications[0].id] == 1
    refill = services.auto_assign(actor=setup.manager, round_=setup.round)
    assert refill.total == 1
    assert assessment.assessor_id not in refill.assigned


def test_conflict_needs_a_kind_and_a_reason(db_session) -> None:
    assessment = AssessmentFactory()
    with pytest.raises(DomainError) as exc:
        services.declare_conflict(actor=assessment.assessor, assessment=assessment, kind="", reason="x", standing=False)
    assert exc.value.field == "kind"
    with pytest.raises(DomainError) as exc:
        services.declare_conflict(
            actor=assessment.assessor, assessment=assessment, kind="trustee", reason="  ", standing=False
        )
    assert exc.value.field == "reason"
    assert assessment.status == AssessmentStatus.ASSIGNED


def test_only_the_assigned_assessor_confirms_or_declares(db_session) -> None:
    assessment = AssessmentFactory()
    other = staff_user(StaffRole.ASSESSOR, round_id=assessment.round_id)
    with pytest.raises(NotAllowed):
        services.confirm_no_conflict(actor=other, assessment=assessment)


def test_declaring_a_standing_connection_releases_open_assignments_with_that_organisation(db_session) -> None:
    assessment = AssessmentFactory(in_progress=True)
    released = services.declare_connection(
        actor=assessment.assessor,
        organisation=assessment.application.organisation,
        kind="employment",
        details="I worked there until 2025",
    )
    assert released == 1
    assert assessment.status == AssessmentStatus.CONFLICTED


# --- scorecards ------------------------------------------------------------------------------------------


def test_draft_keeps_valid_parts_and_reports_bad_ones_at_their_fields(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    assessment = services.assign_assessor(
        actor=setup.manager, application=setup.applications[0], assessor=setup.assessors[0]
    )
    services.confirm_no_conflict(actor=assessment.assessor, assessment=assessment)
    first, second, third = setup.criteria
    result = services.save_scorecard(
        actor=assessment.assessor,
        assessment=assessment,
        entries={
            first.id: ScoreEntry("4", "Strong evidence"),
            second.id: ScoreEntry("9", ""),
            third.id: ScoreEntry("", "x" * 5001),
        },
        recommendation="",
        comment="",
        version=assessment.version,
        submit=False,
    )
    assert set(result.errors) == {score_field(second.id), justification_field(third.id)}
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    saved = {s.criterion_id: (s.score, s.justification) for s in assessment.scores}
    assert saved[first.id] == (4, "Strong evidence")


def test_submit_refused_until_every_criterion_has_a_score_and_justification(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    assessment = _started(setup)
    result = services.save_scorecard(
        actor=assessment.assessor,
        assessment=assessment,
        entries={setup.criteria[0].id: ScoreEntry("3", "")},
        recommendation="",
        comment="",
        version=assessment.version,
        submit=True,
    )
    assert not result.submitted
    assert "recommendation" in result.errors
    assert result.errors[justification_field(setup.criteria[0].id)].startswith("Explain your score")
    assert result.errors[score_field(setup.criteria[1].id)] == "Choose a score for Delivery"
    assert assessment.status == AssessmentStatus.IN_PROGRESS


def test_not_applicable_only_where_the_call_allows_it_and_stored_as_null(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    assessment = _started(setup)
    result = _score(setup, assessment, [4, 3, NOT_APPLICABLE])
    assert score_field(setup.criteria[2].id) in result.errors
    setup.round.allow_not_applicable = True
    result = _score(setup, assessment, [4, 3, NOT_APPLICABLE])
    assert result.submitted
    row = assessment.score_for(setup.criteria[2].id)
    assert row is not None and row.score is None and row.not_applicable


def test_a_stale_version_never_overwrites_and_raises(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    assessment = _started(setup)
    stale = assessment.version
    _score(setup, assessment, [4, 4, 2], submit=False)
    with pytest.raises(services.ScorecardChanged):
        services.save_scorecard(
            actor=assessment.assessor,
            assessment=assessment,
            entries=_entries(setup, [1, 1, 0]),
            recommendation="do_not_fund",
            comment="",
            version=stale,
            submit=False,
        )
    db_session.expire(assessment)
    assert {s.score for s in assessment.scores} == {4, 2}


def test_two_submissions_make_the_application_assessed_and_raise_spread_flags(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2, spread_points=2, spread_percent=15)
    services.auto_assign(actor=setup.manager, round_=setup.round)
    first, second = _assessments(db_session, setup.round.id)
    _score(setup, first, [5, 4, 3])
    assert setup.applications[0].status == ApplicationStatus.IN_ASSESSMENT
    _score(setup, second, [2, 4, 3])
    assert setup.applications[0].status == ApplicationStatus.ASSESSED
    moderation = queries.find_moderation(setup.applications[0].id)
    assert moderation is not None and moderation.status == ModerationStatus.FLAGGED
    assert any("differ by 3 points on Need and evidence" in f for f in moderation.flags)
    assert any("percentage points overall" in f for f in moderation.flags)


def test_bottom_of_the_scale_is_flagged_even_when_assessors_agree(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    services.auto_assign(actor=setup.manager, round_=setup.round)
    for assessment in _assessments(db_session, setup.round.id):
        _score(setup, assessment, [4, 4, 0])
    moderation = queries.find_moderation(setup.applications[0].id)
    assert moderation is not None and moderation.status == ModerationStatus.FLAGGED
    assert moderation.flags == ["Value for money was scored 0, the bottom of the scale, by 2 assessors"]


def test_agreeing_assessors_leave_the_application_to_confirm(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    services.auto_assign(actor=setup.manager, round_=setup.round)
    for assessment in _assessments(db_session, setup.round.id):
        _score(setup, assessment, [4, 4, 2])
    moderation = queries.find_moderation(setup.applications[0].id)
    assert moderation is not None and moderation.status == ModerationStatus.PENDING and moderation.flags == []


def test_reopen_until_moderation_starts(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    services.auto_assign(actor=setup.manager, round_=setup.round)
    first, second = _assessments(db_session, setup.round.id)
    _score(setup, first, [4, 4, 2])
    _score(setup, second, [4, 4, 2])
    services.reopen_scorecard(actor=first.assessor, assessment=first)
    assert first.status == AssessmentStatus.IN_PROGRESS
    assert setup.applications[0].status == ApplicationStatus.IN_ASSESSMENT
    _score(setup, first, [4, 3, 2])
    assert setup.applications[0].status == ApplicationStatus.ASSESSED
    services.start_moderation(actor=setup.manager, round_=setup.round)
    with pytest.raises(DomainError, match="Moderation has started"):
        services.reopen_scorecard(actor=first.assessor, assessment=first)


def test_another_assessor_cannot_save_or_reopen_my_scorecard(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    mine = _started(setup)
    with pytest.raises(NotAllowed):
        services.save_scorecard(
            actor=setup.assessors[1],
            assessment=mine,
            entries={},
            recommendation="",
            comment="",
            version=mine.version,
            submit=False,
        )


# --- moderation ------------------------------------------------------------------------------------------


def _assessed(db_session: Any, setup: AssessmentSetup, scores: list[list[int]]) -> Any:
    services.auto_assign(actor=setup.manager, round_=setup.round)
    for assessment, these in zip(_assessments(db_session, setup.round.id), scores, strict=True):
        _score(setup, assessment, these)
    return queries.find_moderation(setup.applications[0].id)


def test_moderation_waits_for_the_start(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    moderation = _assessed(db_session, setup, [[5, 4, 3], [2, 4, 3]])
    with pytest.raises(DomainError, match="Start moderation"):
        services.resolve_moderation(actor=setup.manager, moderation=moderation, entries={}, note="Fine")


def test_moderated_score_replaces_the_mean_on_that_criterion_and_keeps_originals(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    moderation = _assessed(db_session, setup, [[5, 4, 3], [2, 4, 3]])
    services.start_moderation(actor=setup.manager, round_=setup.round)
    need = setup.criteria[0]
    final = services.resolve_moderation(
        actor=setup.manager,
        moderation=moderation,
        entries={need.id: ModeratedEntry("4", "The evidence of need is good but not local")},
        note="",
    )
    # (4×50 + 4×30 + 3×20) ÷ (5×50 + 5×30 + 3×20) = 380 ÷ 460 = 82.6%
    assert final == "82.6%"
    assert moderation.status == ModerationStatus.RESOLVED and moderation.was_flagged
    assert setup.applications[0].status == ApplicationStatus.MODERATED
    originals = sorted(
        s.score for a in _assessments(db_session, setup.round.id) for s in a.scores if s.criterion_id == need.id
    )
    assert originals == [2, 5]
    event = _events(db_session, "moderation.resolved")[0]
    assert event.data["criteria"][str(need.id)]["mean"] == "3.5"


def test_a_flag_needs_a_note_to_confirm_the_mean_and_a_moderated_score_needs_a_reason(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2)
    moderation = _assessed(db_session, setup, [[5, 4, 3], [2, 4, 3]])
    services.start_moderation(actor=setup.manager, round_=setup.round)
    with pytest.raises(services.FormErrors) as exc:
        services.resolve_moderation(actor=setup.manager, moderation=moderation, entries={}, note="")
    assert "note" in exc.value.errors
    with pytest.raises(services.FormErrors) as exc:
        services.resolve_moderation(
            actor=setup.manager, moderation=moderation, entries={setup.criteria[0].id: ModeratedEntry("4", "")}, note=""
        )
    assert list(exc.value.errors) == [f"moderation-reason-{setup.criteria[0].id}"]
    assert moderation.status == ModerationStatus.FLAGGED


def test_confirm_unflagged_resolves_only_pending_ones(db_session) -> None:
    setup = make_assessment_round(applications=2, assessors=2)
    services.auto_assign(actor=setup.manager, round_=setup.round)
    for assessment in _assessments(db_session, setup.round.id):
        low = assessment.application_id == setup.applications[1].id
        _score(setup, assessment, [1, 3, 2] if low else [4, 4, 2])
    services.start_moderation(actor=setup.manager, round_=setup.round)
    assert services.confirm_unflagged(actor=setup.manager, round_=setup.round) == 1
    assert setup.applications[0].status == ApplicationStatus.MODERATED
    assert setup.applications[1].status == ApplicationStatus.ASSESSED


def test_start_moderation_refused_while_the_call_is_open(db_session) -> None:
    setup = make_assessment_round(applications=0, assessors=1, status=RoundStatus.OPEN)
    with pytest.raises(DomainError, match="Close the call"):
        services.start_moderation(actor=setup.manager, round_=setup.round)


# --- reminders -------------------------------------------------------------------------------------------


def test_overdue_reminders_go_once_a_day_to_each_assessor(db_session) -> None:
    setup = make_assessment_round(applications=2, assessors=2, assessment_deadline=utcnow() - timedelta(hours=1))
    services.auto_assign(actor=setup.manager, round_=setup.round)
    db_session.execute(sa.delete(OutboxMessage))
    now = utcnow()
    assert services.send_overdue_reminders(now=now) == 2
    assert services.send_overdue_reminders(now=now + timedelta(hours=2)) == 0
    assert services.send_overdue_reminders(now=now + timedelta(hours=21)) == 2
    subjects = {m.subject for m in db_session.scalars(sa.select(OutboxMessage))}
    assert subjects == {"Reminder: 2 overdue scorecards"}


def test_no_reminder_before_the_deadline(db_session) -> None:
    setup = make_assessment_round(applications=1, assessors=2, assessment_deadline=utcnow() + timedelta(days=3))
    services.auto_assign(actor=setup.manager, round_=setup.round)
    assert services.send_overdue_reminders(now=utcnow()) == 0


def test_invalid_transition_from_a_submitted_scorecard_to_conflicted(db_session) -> None:
    assessment = AssessmentFactory(submitted=True)
    with pytest.raises(InvalidTransition):
        services.declare_conflict(
            actor=assessment.assessor, assessment=assessment, kind="trustee", reason="Too late", standing=False
        )
