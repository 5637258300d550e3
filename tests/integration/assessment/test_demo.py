"""`flask demo load` leaves the earlier call SEF-5 assessed and moderated (then decided: see tests/integration/awards/
test_demo.py), and SEF-6 ready for auto-assign.

Everything is made through the assessment services; these tests check the state a newcomer finds. The demo is
loaded once for the module (see loaded_demo in tests/integration/programmes/test_demo_cli.py).
"""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.applications.models import Application
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment import queries, scoring, services
from fundapp.assessment.demo import CONFLICT, CONNECTION, MODERATION
from fundapp.assessment.models import Assessment, Connection, CriterionScore, ModeratedScore, Moderation
from fundapp.assessment.states import AssessmentStatus, ModerationStatus
from fundapp.extensions import db
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.models import Round
from fundapp.programmes.states import RoundStatus
from tests.integration.programmes.test_demo_cli import LoadedDemo, load, loaded_demo

__all__ = ["loaded_demo"]  # the module-scoped fixture, imported so that pytest finds it here

pytestmark = pytest.mark.usefixtures("loaded_demo")


def _round(code: str) -> Round:
    round_ = programme_queries.find_round_by_code(code)
    assert round_ is not None
    return round_


def _applications(round_: Round) -> list[Application]:
    return list(
        db.session.scalars(
            sa.select(Application).where(Application.round_id == round_.id).order_by(Application.reference)
        )
    )


def _assessments(round_: Round) -> list[Assessment]:
    return list(db.session.scalars(sa.select(Assessment).where(Assessment.round_id == round_.id)))


def test_every_earlier_bid_has_two_submitted_scorecards_with_a_justified_score_on_every_criterion() -> None:
    round_ = _round("SEF-5")
    applications = _applications(round_)

    assert round_.status in (RoundStatus.CLOSED, RoundStatus.ASSESSING, RoundStatus.DECIDED)
    assert len(applications) == 10
    assert all(a.submitted_at and round_.opens_at <= a.submitted_at < round_.closes_at for a in applications)
    for application in applications:
        submitted = [
            a for a in queries.list_application_assessments(application.id) if a.status == AssessmentStatus.SUBMITTED
        ]
        assert len(submitted) == 2, application.reference
        for assessment in submitted:
            assert assessment.recommendation is not None and assessment.comment
            assert len(assessment.scores) == len(round_.criteria)
            for row in assessment.scores:
                criterion = next(c for c in round_.criteria if c.id == row.criterion_id)
                assert row.score is not None and criterion.scale_min <= row.score <= criterion.scale_max
                assert row.justification
    # Three assessors share the work.
    workload = Counter(a.assessor_id for a in _assessments(round_) if a.status == AssessmentStatus.SUBMITTED)
    assert len(workload) == 3 and min(workload.values()) >= 5


def test_one_assessor_declared_a_conflict_with_its_reason_and_another_assessor_took_the_bid() -> None:
    conflicted = [a for a in _assessments(_round("SEF-5")) if a.status == AssessmentStatus.CONFLICTED]

    assert len(conflicted) == 1
    conflict = conflicted[0]
    assert conflict.conflict_reason == CONFLICT.reason and conflict.conflict_kind == CONFLICT.kind
    assert conflict.application.organisation.name == CONFLICT.organisation
    assert conflict.scores == []
    others = queries.list_application_assessments(conflict.application_id)
    assert sorted(a.status for a in others if a.id != conflict.id) == [AssessmentStatus.SUBMITTED] * 2
    assert conflict.assessor_id not in {a.assessor_id for a in others if a.id != conflict.id}


def test_a_standing_connection_keeps_its_assessor_away_from_the_organisation_in_every_call() -> None:
    connections = list(db.session.scalars(sa.select(Connection)))

    assert len(connections) == 1
    connection = connections[0]
    assert (connection.assessor.email, connection.organisation.name) == (CONNECTION.assessor, CONNECTION.organisation)
    assert connection.kind == CONNECTION.kind and connection.details == CONNECTION.reason
    paired = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Assessment)
        .join(Application, Application.id == Assessment.application_id)
        .where(
            Assessment.assessor_id == connection.assessor_id,
            Application.organisation_id == connection.organisation_id,
        )
    )
    assert paired == 0
    # The organisation has bid to the open call too, where auto-assign will also pass the assessor over.
    assert any(a.organisation_id == connection.organisation_id for a in _applications(_round("SEF-6")))


def test_moderation_resolved_one_flagged_bid_with_a_moderated_score_and_the_other_keeping_its_mean() -> None:
    round_ = _round("SEF-5")
    moderations = queries.list_round_moderations(round_.id)

    assert round_.moderation_started_at is not None
    assert len(moderations) == 10
    assert sum(m.was_flagged for m in moderations) == 2
    resolved_flagged = [m for m in moderations if m.was_flagged and m.status == ModerationStatus.RESOLVED]
    assert len(resolved_flagged) == 2
    moderated = next(m for m in resolved_flagged if m.scores)
    kept_mean = next(m for m in resolved_flagged if not m.scores)
    assert moderated.application.organisation.name == MODERATION.organisation
    assert moderated.note == MODERATION.note
    assert [(s.criterion.name, s.score, s.reason) for s in moderated.scores] == [
        (MODERATION.criterion, MODERATION.score, MODERATION.reason)
    ]
    assert any("differ by 3 points" in flag for flag in moderated.flags)
    # The panel kept the other flagged bid's mean, saying why (awards/demo.py, before deciding).
    assert any("bottom of the scale" in flag for flag in kept_mean.flags)
    assert kept_mean.note.startswith("Panel discussion")
    # Every unflagged bid had its mean confirmed.
    assert all(m.status == ModerationStatus.RESOLVED for m in moderations if not m.was_flagged)


def test_the_funding_line_falls_in_the_middle_of_the_ranking() -> None:
    round_ = _round("SEF-5")
    ranked = []
    for application in _applications(round_):
        submitted = queries.list_submitted_scorecards([application.id])
        percent = services.final_percent(application, submitted, queries.find_moderation(application.id))
        assert percent is not None
        ranked.append((percent, application.amount_requested_pence or 0))
    ranked.sort(reverse=True)

    funded, committed = 0, 0
    for percent, amount in ranked:
        if percent < round_.min_fundable_percent or committed + amount > round_.budget_pence:
            break
        funded, committed = funded + 1, committed + amount
    assert 3 <= funded <= 7
    fundable = sum(1 for percent, _ in ranked if percent >= round_.min_fundable_percent)
    assert funded < fundable < len(ranked)  # some fundable bids miss out on budget; some fall below the minimum
    assert (round_.assessors_per_application, round_.spread_points, round_.spread_percent) == (2, 2, 15)
    assert round_.min_fundable_percent == 55 and not round_.blind_review
    assert round_.assessment_deadline is not None and round_.assessment_deadline > round_.closes_at
    assert all(scoring.format_percent(p) != "–" for p, _ in ranked)


def test_the_open_call_has_eligible_bids_waiting_for_auto_assign_to_three_assessors() -> None:
    round_ = _round("SEF-6")
    eligible = [a for a in _applications(round_) if a.status == ApplicationStatus.ELIGIBLE]

    assert round_.status == RoundStatus.OPEN
    assert len(eligible) >= 3
    assert _assessments(round_) == []
    assert len(queries.list_pool(round_)) == 3


def test_loading_again_creates_no_assessment_data(app: Flask, loaded_demo: LoadedDemo) -> None:
    models = (Assessment, CriterionScore, Connection, Moderation, ModeratedScore, Application)

    def counts() -> list[int]:
        return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) or 0 for m in models]

    before = counts()
    output = load(app)

    assert counts() == before
    assert before[:2] == [21, 100]  # twenty submitted scorecards and one conflict; five scores on each scorecard
    assert "nothing new was created" in output
    assert "20 × scorecard" in loaded_demo.output and "1 × conflict of interest" in loaded_demo.output
