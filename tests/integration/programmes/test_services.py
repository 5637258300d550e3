"""Programme services: funds, calls with tiers/themes/criteria, question sets and opening and closing calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.core.audit import AuditEvent
from fundapp.core.errors import DomainError, InvalidTransition
from fundapp.extensions import db
from fundapp.programmes import services
from fundapp.programmes.models import Question, QuestionSet, Round
from fundapp.programmes.question_sets import default_question_set
from fundapp.programmes.services import (
    CriterionSpec,
    DescriptorSpec,
    InvalidQuestionSet,
    RoundNotReady,
    ThemeSpec,
    TierSpec,
)
from fundapp.programmes.states import QuestionType, RoundStatus
from tests.factories import FundFactory, RoundFactory, UserFactory, round_ready_to_open

pytestmark = pytest.mark.usefixtures("db_session")

OPENS = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CLOSES = datetime(2026, 4, 13, 11, 0, tzinfo=UTC)
TIERS = [
    TierSpec("Tier 1", 1_000_000, 2_500_000),
    TierSpec("Tier 2", 2_500_100, 5_000_000),
    TierSpec("Tier 3", 5_000_100, 10_000_000, match_funding_percent=50),
]
SCALE = [DescriptorSpec(5, "Strong"), DescriptorSpec(3, "Satisfactory"), DescriptorSpec(1, "Poor")]


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _create_round(**overrides: Any) -> Round:
    values: dict[str, Any] = {
        "actor": UserFactory(),
        "fund": FundFactory(),
        "code": "SEF-7",
        "name": "Shared Endeavour Fund Call 7",
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "budget_pence": 87_500_000,
        "tiers": TIERS,
        "themes": [ThemeSpec("Awareness raising"), ThemeSpec("Promoting prosocial behaviours")],
        "criteria": [
            CriterionSpec("Need and evidence", 60, 1, 5, "Is the need clear?", SCALE),
            CriterionSpec("Value for money", 40, 1, 5),
        ],
    }
    values.update(overrides)
    return services.create_round(**values)


# --- funds ---------------------------------------------------------------------------------------------


def test_create_fund_stores_an_upper_case_code_and_audits_it() -> None:
    actor = UserFactory()
    fund = services.create_fund(actor=actor, code=" sef ", name="Shared Endeavour Fund")
    assert fund.code == "SEF"
    [event] = _events("fund.created")
    assert (event.actor_id, event.subject_id, event.data["code"]) == (actor.id, fund.id, "SEF")


def test_create_fund_refuses_a_code_already_taken() -> None:
    FundFactory(code="SEF")
    with pytest.raises(DomainError) as caught:
        services.create_fund(actor=None, code="sef", name="Another fund")
    assert caught.value.field == "code"


def test_create_fund_refuses_a_code_with_spaces() -> None:
    with pytest.raises(DomainError) as caught:
        services.create_fund(actor=None, code="SE F", name="Fund")
    assert caught.value.field == "code"


# --- rounds --------------------------------------------------------------------------------------------


def test_create_round_makes_a_draft_with_its_tiers_themes_and_criteria_and_audits_it() -> None:
    round_ = _create_round()
    assert round_.status == RoundStatus.DRAFT
    assert round_.committed_pence == 0
    assert [(t.name, t.min_pence, t.max_pence, t.match_funding_percent) for t in round_.tiers] == [
        ("Tier 1", 1_000_000, 2_500_000, 0),
        ("Tier 2", 2_500_100, 5_000_000, 0),
        ("Tier 3", 5_000_100, 10_000_000, 50),
    ]
    assert [t.name for t in round_.themes] == ["Awareness raising", "Promoting prosocial behaviours"]
    need = round_.criteria[0]
    assert (need.name, need.weight, need.scale_min, need.scale_max) == ("Need and evidence", 60, 1, 5)
    assert [(d.score, d.label) for d in need.descriptors] == [(5, "Strong"), (3, "Satisfactory"), (1, "Poor")]
    [event] = _events("round.created")
    assert event.subject_id == round_.id
    assert event.data["criteria"] == {"Need and evidence": 60, "Value for money": 40}


def test_create_round_lets_every_legal_type_apply_unless_told_otherwise() -> None:
    assert "unincorporated_association" in _create_round().eligible_legal_types
    limited = _create_round(code="SEF-8", eligible_legal_types=["cio", "cic"])
    assert limited.eligible_legal_types == ["cio", "cic"]


def test_create_round_accepts_weights_that_do_not_yet_add_up_to_100() -> None:
    round_ = _create_round(criteria=[CriterionSpec("Need", 30, 0, 5)])
    assert sum(c.weight for c in round_.criteria) == 30


def test_create_round_refuses_a_code_already_taken() -> None:
    RoundFactory(code="SEF-7")
    with pytest.raises(DomainError) as caught:
        _create_round()
    assert caught.value.field == "code"


def test_create_round_refuses_a_closing_date_before_the_opening_date() -> None:
    with pytest.raises(DomainError) as caught:
        _create_round(closes_at=OPENS - timedelta(days=1))
    assert caught.value.field == "closes_at"


def test_create_round_refuses_a_budget_of_nothing() -> None:
    with pytest.raises(DomainError) as caught:
        _create_round(budget_pence=0)
    assert caught.value.field == "budget_pence"


def test_create_round_refuses_a_tier_whose_smallest_grant_is_above_its_largest() -> None:
    with pytest.raises(DomainError) as caught:
        _create_round(tiers=[TierSpec("Tier 1", 2_500_000, 1_000_000)])
    assert caught.value.field == "tiers"
    assert "£25,000" in caught.value.message and "£10,000" in caught.value.message


def test_create_round_refuses_tiers_that_overlap() -> None:
    with pytest.raises(DomainError) as caught:
        _create_round(tiers=[TierSpec("Small", 1_000_000, 2_500_000), TierSpec("Large", 2_500_000, 5_000_000)])
    assert caught.value.field == "tiers"
    assert "Small and Large overlap" in caught.value.message


def test_create_round_accepts_tiers_given_in_any_order_if_they_do_not_overlap() -> None:
    round_ = _create_round(tiers=list(reversed(TIERS)))
    assert [t.name for t in round_.tiers] == ["Tier 1", "Tier 2", "Tier 3"]


def test_create_round_refuses_match_funding_over_100_percent() -> None:
    with pytest.raises(DomainError):
        _create_round(tiers=[TierSpec("Tier 1", 1_000_000, 2_500_000, match_funding_percent=150)])


@pytest.mark.parametrize(("low", "high"), [(1, 4), (2, 5), (0, 10), (1, 3)])
def test_create_round_refuses_a_scale_that_is_not_allowed(low: int, high: int) -> None:
    with pytest.raises(DomainError) as caught:
        _create_round(criteria=[CriterionSpec("Need", 100, low, high)])
    assert caught.value.field == "criteria"
    assert "is not allowed" in caught.value.message


@pytest.mark.parametrize(("low", "high"), [(0, 3), (0, 4), (0, 5), (1, 5)])
def test_create_round_accepts_every_allowed_scale(low: int, high: int) -> None:
    round_ = _create_round(criteria=[CriterionSpec("Need", 100, low, high)])
    assert (round_.criteria[0].scale_min, round_.criteria[0].scale_max) == (low, high)


def test_create_round_refuses_a_descriptor_outside_the_scale() -> None:
    with pytest.raises(DomainError) as caught:
        _create_round(criteria=[CriterionSpec("Need", 100, 0, 3, descriptors=[DescriptorSpec(5, "Strong")])])
    assert caught.value.field == "criteria"


def test_create_round_refuses_two_criteria_with_the_same_name() -> None:
    with pytest.raises(DomainError) as caught:
        _create_round(criteria=[CriterionSpec("Need", 50, 1, 5), CriterionSpec("Need", 50, 1, 5)])
    assert caught.value.field == "criteria"


def test_create_round_refuses_an_unknown_organisation_type() -> None:
    with pytest.raises(DomainError) as caught:
        _create_round(eligible_legal_types=["cio", "sole_trader"])
    assert caught.value.field == "eligible_legal_types"


# --- question sets -------------------------------------------------------------------------------------


def test_load_question_set_builds_sections_and_questions_in_order_and_audits_it() -> None:
    round_ = _create_round()
    data = default_question_set()
    question_set = services.load_question_set(actor=None, round_=round_, data=data)
    db.session.expire_all()
    stored = db.session.get(Round, round_.id).question_set
    assert stored is not None and stored.id == question_set.id
    assert [s.key for s in stored.sections] == [s["key"] for s in data["sections"]]
    first = stored.sections[1].questions[0]
    assert (first.key, first.type, first.config) == ("project_title", QuestionType.SHORT_TEXT, {"max_length": 140})
    assert stored.source == "version 2026.1"
    [event] = _events("round.question_set_loaded")
    assert event.data["sections"] == len(data["sections"])


def test_load_question_set_refuses_invalid_data_and_lists_the_problems() -> None:
    round_ = _create_round()
    data = default_question_set()
    data["sections"][1]["questions"][0]["type"] = "essay"
    with pytest.raises(InvalidQuestionSet) as caught:
        services.load_question_set(actor=None, round_=round_, data=data)
    assert any("sections/1/questions/0/type" in p for p in caught.value.problems)
    assert round_.question_set is None


def test_loading_again_replaces_a_draft_round_form() -> None:
    round_ = _create_round()
    services.load_question_set(actor=None, round_=round_, data=default_question_set())
    small = {
        "name": "Short form",
        "version": "1",
        "sections": [
            {
                "key": "about",
                "title": "About",
                "questions": [{"key": "title", "type": "short_text", "label": "Title", "required": True, "config": {}}],
            }
        ],
    }
    services.load_question_set(actor=None, round_=round_, data=small)
    assert db.session.scalar(sa.select(sa.func.count(QuestionSet.id)).where(QuestionSet.round_id == round_.id)) == 1
    assert round_.question_set is not None and round_.question_set.name == "Short form"
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 1


def test_load_question_set_refuses_once_an_application_has_been_submitted() -> None:
    round_ = round_ready_to_open()
    services.open_round(actor=None, round_=round_)
    round_.last_application_number = 1  # what submitting an application does
    with pytest.raises(DomainError) as caught:
        services.load_question_set(actor=None, round_=round_, data=default_question_set())
    assert caught.value.field == "question_set"
    assert "already been submitted" in caught.value.message


def test_an_open_round_without_submissions_can_still_change_its_form() -> None:
    round_ = round_ready_to_open()
    services.open_round(actor=None, round_=round_)
    services.load_question_set(actor=None, round_=round_, data=default_question_set())
    assert round_.question_set is not None and round_.question_set.name == default_question_set()["name"]


def test_copy_question_set_gives_the_new_round_an_independent_copy() -> None:
    old = _create_round(code="SEF-5")
    services.load_question_set(actor=None, round_=old, data=default_question_set())
    new = _create_round(code="SEF-6", fund=old.fund)
    actor = UserFactory()
    copied = services.copy_question_set(actor=actor, from_round=old, to_round=new)
    assert copied.id != old.question_set.id
    assert copied.source == "Copied from SEF-5"

    def outline(question_set: QuestionSet) -> list[tuple[str, list[tuple[str, str, bool, dict[str, Any], str]]]]:
        return [
            (s.key, [(q.key, q.type, q.required, q.config, q.error_name) for q in s.questions])
            for s in question_set.sections
        ]

    assert outline(copied) == outline(old.question_set)
    assert copied.sections[1].questions[0].error_name == "the name of your project"
    copied.sections[1].questions[0].config["max_length"] = 60
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Round, old.id).question_set.sections[1].questions[0].config == {"max_length": 140}
    [event] = _events("round.question_set_copied")
    assert (event.actor_id, event.subject_id, event.data["from_round"]) == (actor.id, new.id, "SEF-5")


def test_copy_question_set_refuses_a_round_without_a_form() -> None:
    with pytest.raises(DomainError) as caught:
        services.copy_question_set(actor=None, from_round=_create_round(), to_round=_create_round(code="SEF-8"))
    assert caught.value.field == "from_round"


def test_copy_question_set_refuses_a_target_with_submitted_applications() -> None:
    source = _create_round()
    services.load_question_set(actor=None, round_=source, data=default_question_set())
    target = round_ready_to_open()
    services.open_round(actor=None, round_=target)
    target.last_application_number = 1
    with pytest.raises(DomainError):
        services.copy_question_set(actor=None, from_round=source, to_round=target)


# --- opening and closing -------------------------------------------------------------------------------


def test_open_round_opens_a_ready_draft_and_audits_who_did_it() -> None:
    round_ = round_ready_to_open()
    actor = UserFactory()
    services.open_round(actor=actor, round_=round_)
    assert round_.status == RoundStatus.OPEN
    [event] = _events("round.opened")
    assert (event.actor_id, event.subject_id, event.data["from"], event.data["to"]) == (
        actor.id,
        round_.id,
        "draft",
        "open",
    )


def test_open_round_refuses_an_unready_round_listing_everything_missing() -> None:
    round_ = _create_round(tiers=[], criteria=[CriterionSpec("Need", 70, 1, 5)])
    with pytest.raises(RoundNotReady) as caught:
        services.open_round(actor=None, round_=round_)
    assert caught.value.problems == [
        "the criteria weights add up to 70, not 100",
        "add at least one tier (grant size)",
        "add an application form (question set)",
    ]
    assert "weights add up to 70" in caught.value.message
    assert round_.status == RoundStatus.DRAFT
    assert _events("round.opened") == []


def test_open_round_accepts_the_default_form_once_the_round_is_set_up() -> None:
    round_ = _create_round()
    services.load_question_set(actor=None, round_=round_, data=default_question_set())
    services.open_round(actor=None, round_=round_)
    assert round_.status == RoundStatus.OPEN


def test_close_round_closes_an_open_round_with_the_reason() -> None:
    round_ = round_ready_to_open()
    services.open_round(actor=None, round_=round_)
    services.close_round(actor=None, round_=round_, reason="Deadline passed")
    assert round_.status == RoundStatus.CLOSED
    [event] = _events("round.closed")
    assert event.data == {"from": "open", "to": "closed", "reason": "Deadline passed"}


def test_a_closed_round_can_be_reopened_and_that_is_audited_as_a_reopening() -> None:
    round_ = round_ready_to_open()
    services.open_round(actor=None, round_=round_)
    services.close_round(actor=None, round_=round_)
    services.open_round(actor=None, round_=round_, reason="Deadline extended")
    assert round_.status == RoundStatus.OPEN
    assert [e.data["reason"] for e in _events("round.reopened")] == ["Deadline extended"]


def test_close_round_refuses_a_draft() -> None:
    round_ = round_ready_to_open()
    with pytest.raises(InvalidTransition):
        services.close_round(actor=None, round_=round_)
    assert round_.status == RoundStatus.DRAFT


def test_open_round_refuses_an_open_round() -> None:
    round_ = round_ready_to_open()
    services.open_round(actor=None, round_=round_)
    with pytest.raises(InvalidTransition):
        services.open_round(actor=None, round_=round_)
