"""Services that set up a call: changing its details, tiers and themes, and copying another call's set-up."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.models import User
from fundapp.core.audit import AuditEvent
from fundapp.core.errors import DomainError
from fundapp.extensions import db
from fundapp.programmes import services
from fundapp.programmes.models import Round
from fundapp.programmes.question_sets import default_question_set
from fundapp.programmes.services import CriterionSpec, DescriptorSpec, ThemeSpec, TierSpec
from tests.factories import (
    CriterionDescriptorFactory,
    CriterionFactory,
    QuestionFactory,
    QuestionSetFactory,
    RoundFactory,
    SectionFactory,
    ThemeFactory,
    TierFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("db_session")

SMALL_FORM = {
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


@pytest.fixture()
def actor() -> User:
    return UserFactory()


@pytest.fixture()
def round_() -> Round:
    return RoundFactory(
        code="SEF-6",
        opens_at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        closes_at=datetime(2026, 4, 13, 11, 0, tzinfo=UTC),
        budget_pence=87_500_000,
    )


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _refusal(call: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


# --- update_round --------------------------------------------------------------------------------------


def test_update_round_changes_what_it_is_given_and_audits_before_and_after(actor: User, round_: Round) -> None:
    changed = services.update_round(
        actor=actor,
        round_=round_,
        name="  Shared Endeavour Fund Call 6 ",
        closes_at=datetime(2026, 4, 20, 11, 0, tzinfo=UTC),
        budget_pence=90_000_000,
        project_earliest_start=date(2026, 9, 1),
        project_latest_end=date(2027, 8, 31),
        max_applications_per_organisation=2,
    )
    assert changed == [
        "budget_pence",
        "closes_at",
        "max_applications_per_organisation",
        "name",
        "project_earliest_start",
        "project_latest_end",
    ]
    db.session.expire_all()
    stored = db.session.get(Round, round_.id)
    assert stored is not None
    assert (stored.name, stored.budget_pence, stored.max_applications_per_organisation) == (
        "Shared Endeavour Fund Call 6",
        90_000_000,
        2,
    )
    assert stored.opens_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # not given, so unchanged
    assert (stored.project_earliest_start, stored.project_latest_end) == (date(2026, 9, 1), date(2027, 8, 31))
    [event] = _events("round.updated")
    assert event.actor_id == actor.id and event.subject_id == round_.id
    assert event.data["budget_pence"] == {"from": 87_500_000, "to": 90_000_000}
    assert event.data["closes_at"]["to"] == "2026-04-20T11:00:00+00:00"
    assert event.data["project_latest_end"] == {"from": None, "to": "2027-08-31"}


def test_update_round_that_changes_nothing_records_nothing(actor: User, round_: Round) -> None:
    assert services.update_round(actor=actor, round_=round_, name=round_.name, budget_pence=87_500_000) == []
    assert _events("round.updated") == []


def test_update_round_refuses_a_closing_time_before_the_stored_opening_time(round_: Round) -> None:
    error = _refusal(
        services.update_round, actor=None, round_=round_, closes_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    )
    assert error.field == "closes_at"
    assert round_.closes_at == datetime(2026, 4, 13, 11, 0, tzinfo=UTC)


def test_update_round_refuses_a_budget_below_what_is_already_committed(round_: Round) -> None:
    round_.committed_pence = 50_000_000
    error = _refusal(services.update_round, actor=None, round_=round_, budget_pence=40_000_000)
    assert (error.field, error.message) == (
        "budget_pence",
        "The budget cannot be less than the £500,000 already committed to grants",
    )
    assert services.update_round(actor=None, round_=round_, budget_pence=50_000_000) == ["budget_pence"]


def test_update_round_refuses_a_budget_of_nothing(round_: Round) -> None:
    assert _refusal(services.update_round, actor=None, round_=round_, budget_pence=0).field == "budget_pence"


def test_update_round_refuses_a_project_window_that_ends_before_it_starts(round_: Round) -> None:
    error = _refusal(
        services.update_round,
        actor=None,
        round_=round_,
        project_earliest_start=date(2026, 9, 1),
        project_latest_end=date(2026, 9, 1),
    )
    assert error.field == "project_latest_end"


def test_update_round_checks_a_new_end_against_the_stored_start(round_: Round) -> None:
    services.update_round(actor=None, round_=round_, project_earliest_start=date(2026, 9, 1))
    error = _refusal(services.update_round, actor=None, round_=round_, project_latest_end=date(2026, 8, 1))
    assert error.field == "project_latest_end"


def test_update_round_requires_at_least_one_application_per_organisation(round_: Round) -> None:
    error = _refusal(services.update_round, actor=None, round_=round_, max_applications_per_organisation=0)
    assert error.field == "max_applications_per_organisation"


def test_update_round_refuses_a_blank_name(round_: Round) -> None:
    assert _refusal(services.update_round, actor=None, round_=round_, name="   ").field == "name"


def test_update_round_refuses_a_code_another_call_has(round_: Round) -> None:
    RoundFactory(code="SEF-7")
    error = _refusal(services.update_round, actor=None, round_=round_, code="sef-7")
    assert (error.field, error.message) == ("code", "There is already a call with the code SEF-7")


def test_update_round_stores_a_new_code_in_capitals(round_: Round) -> None:
    services.update_round(actor=None, round_=round_, code=" sef-6a ")
    assert round_.code == "SEF-6A"


def test_update_round_keeps_the_code_once_applications_have_references(round_: Round) -> None:
    round_.last_application_number = 1
    assert _refusal(services.update_round, actor=None, round_=round_, code="SEF-60").field == "code"
    assert services.update_round(actor=None, round_=round_, code="SEF-6", name="Renamed") == ["name"]


def test_update_round_sets_who_can_apply_without_repeats(round_: Round) -> None:
    services.update_round(actor=None, round_=round_, eligible_legal_types=["cio", "cic", "cio"])
    assert round_.eligible_legal_types == ["cio", "cic"]


def test_update_round_refuses_an_unknown_organisation_type(round_: Round) -> None:
    error = _refusal(services.update_round, actor=None, round_=round_, eligible_legal_types=["cio", "sole_trader"])
    assert (error.field, error.message) == ("eligible_legal_types", "Unknown organisation types: sole_trader")


def test_update_round_refuses_to_let_nobody_apply(round_: Round) -> None:
    error = _refusal(services.update_round, actor=None, round_=round_, eligible_legal_types=[])
    assert error.field == "eligible_legal_types"


def test_required_documents_must_be_file_questions_of_the_calls_form(round_: Round) -> None:
    services.load_question_set(actor=None, round_=round_, data=default_question_set())
    services.update_round(actor=None, round_=round_, required_documents=["safeguarding_policy_file"])
    assert round_.required_documents == ["safeguarding_policy_file"]
    error = _refusal(services.update_round, actor=None, round_=round_, required_documents=["project_title"])
    assert error.field == "required_documents"
    assert "project_title" in error.message
    assert round_.required_documents == ["safeguarding_policy_file"]


def test_a_call_without_a_form_can_require_no_documents(round_: Round) -> None:
    error = _refusal(services.update_round, actor=None, round_=round_, required_documents=["safeguarding_policy_file"])
    assert error.field == "required_documents"


def test_loading_a_new_form_drops_required_documents_it_does_not_ask_for(round_: Round) -> None:
    services.load_question_set(actor=None, round_=round_, data=default_question_set())
    services.update_round(actor=None, round_=round_, required_documents=["safeguarding_policy_file"])
    services.load_question_set(actor=None, round_=round_, data=SMALL_FORM)
    assert round_.required_documents == []


# --- tiers and themes ----------------------------------------------------------------------------------


def test_replace_tiers_gives_the_call_exactly_these_tiers_smallest_first(actor: User, round_: Round) -> None:
    TierFactory(round=round_, name="Old tier")
    services.replace_tiers(
        actor=actor,
        round_=round_,
        tiers=[TierSpec("Tier 2", 2_500_100, 5_000_000, 50), TierSpec("Tier 1", 1_000_000, 2_500_000)],
    )
    db.session.expire_all()
    stored = db.session.get(Round, round_.id)
    assert stored is not None
    assert [(t.name, t.min_pence, t.max_pence, t.match_funding_percent) for t in stored.tiers] == [
        ("Tier 1", 1_000_000, 2_500_000, 0),
        ("Tier 2", 2_500_100, 5_000_000, 50),
    ]
    [event] = _events("round.tiers_changed")
    assert event.actor_id == actor.id
    assert [t["name"] for t in event.data["tiers"]] == ["Tier 1", "Tier 2"]


def test_replace_tiers_refuses_tiers_that_overlap(round_: Round) -> None:
    error = _refusal(
        services.replace_tiers,
        actor=None,
        round_=round_,
        tiers=[TierSpec("Tier 1", 1_000_000, 2_500_000), TierSpec("Tier 2", 2_500_000, 5_000_000)],
    )
    assert error.field == "tiers"
    assert "overlap" in error.message
    assert round_.tiers == []


def test_replace_tiers_refuses_a_tier_of_nothing(round_: Round) -> None:
    error = _refusal(services.replace_tiers, actor=None, round_=round_, tiers=[TierSpec("Tier 1", 0, 2_500_000)])
    assert (error.field, error.message) == ("tiers", "Tier 1: the smallest grant must be more than £0")


def test_replace_themes_keeps_their_order_and_may_reuse_names(actor: User, round_: Round) -> None:
    ThemeFactory(round=round_, name="Awareness raising")
    services.replace_themes(
        actor=actor,
        round_=round_,
        themes=[ThemeSpec("Promoting prosocial behaviours"), ThemeSpec("Awareness raising", "Talks in schools")],
    )
    db.session.expire_all()
    stored = db.session.get(Round, round_.id)
    assert stored is not None
    assert [(t.name, t.description, t.position) for t in stored.themes] == [
        ("Promoting prosocial behaviours", "", 0),
        ("Awareness raising", "Talks in schools", 1),
    ]
    [event] = _events("round.themes_changed")
    assert event.data == {"themes": ["Promoting prosocial behaviours", "Awareness raising"]}


def test_replace_themes_refuses_two_themes_with_one_name(round_: Round) -> None:
    error = _refusal(
        services.replace_themes, actor=None, round_=round_, themes=[ThemeSpec("Awareness"), ThemeSpec("Awareness")]
    )
    assert error.field == "themes"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: services.replace_tiers(actor=None, round_=r, tiers=[TierSpec("Tier 1", 100, 200)]), "tiers"),
        (lambda r: services.replace_themes(actor=None, round_=r, themes=[ThemeSpec("Awareness")]), "themes"),
        (lambda r: services.load_question_set(actor=None, round_=r, data=SMALL_FORM), "question_set"),
    ],
    ids=["tiers", "themes", "question set"],
)
def test_tiers_themes_and_questions_are_locked_once_an_application_is_submitted(change: Any, field: str) -> None:
    round_ = RoundFactory(open=True, last_application_number=1)
    TierFactory(round=round_)
    with pytest.raises(DomainError) as caught:
        change(round_)
    assert caught.value.field == field
    assert "already been submitted" in caught.value.message


def test_an_open_call_without_submissions_can_still_change_its_tiers() -> None:
    round_ = RoundFactory(open=True)
    services.replace_tiers(actor=None, round_=round_, tiers=[TierSpec("Tier 1", 100_000, 200_000)])
    assert [t.name for t in round_.tiers] == ["Tier 1"]


# --- copy_setup ----------------------------------------------------------------------------------------


def _set_up_call() -> Round:
    source = RoundFactory(
        code="SEF-5",
        eligible_legal_types=["cio", "cic"],
        project_earliest_start=date(2025, 9, 1),
        project_latest_end=date(2026, 8, 31),
    )
    TierFactory(round=source, name="Tier 1", min_pence=1_000_000, max_pence=2_500_000)
    TierFactory(round=source, name="Tier 3", min_pence=5_000_100, max_pence=10_000_000, match_funding_percent=50)
    ThemeFactory(round=source, name="Awareness raising", description="Talks", position=0)
    need = CriterionFactory(round=source, name="Need", weight=60, scale_min=1, scale_max=5, guidance="Is it clear?")
    CriterionDescriptorFactory(criterion=need, score=5, label="Strong", description="Clear evidence")
    CriterionFactory(round=source, name="Value for money", weight=40, scale_min=1, scale_max=5)
    services.load_question_set(actor=None, round_=source, data=default_question_set())
    source.required_documents = ["safeguarding_policy_file"]
    db.session.flush()
    return source


def test_copy_setup_copies_tiers_themes_criteria_form_and_eligibility_but_not_the_calls_own_details(
    actor: User, round_: Round
) -> None:
    source = _set_up_call()
    TierFactory(round=round_, name="To be replaced")
    services.copy_setup(actor=actor, from_round=source, to_round=round_)
    db.session.expire_all()
    copy = db.session.get(Round, round_.id)
    assert copy is not None
    assert [(t.name, t.min_pence, t.match_funding_percent) for t in copy.tiers] == [
        ("Tier 1", 1_000_000, 0),
        ("Tier 3", 5_000_100, 50),
    ]
    assert [(t.name, t.description) for t in copy.themes] == [("Awareness raising", "Talks")]
    assert [CriterionSpec.of(c) for c in copy.criteria] == [
        CriterionSpec("Need", 60, 1, 5, "Is it clear?", (DescriptorSpec(5, "Strong", "Clear evidence"),)),
        CriterionSpec("Value for money", 40, 1, 5, "How well the application meets this criterion.", ()),
    ]
    assert copy.question_set is not None and copy.question_set.source == "Copied from SEF-5"
    assert copy.question_set.id != source.question_set.id  # type: ignore[union-attr]
    assert copy.eligible_legal_types == ["cio", "cic"]
    assert copy.required_documents == ["safeguarding_policy_file"]
    assert (copy.code, copy.budget_pence, copy.project_earliest_start, copy.project_latest_end) == (
        "SEF-6",
        87_500_000,
        None,
        None,
    )
    [event] = _events("round.setup_copied")
    assert (event.actor_id, event.subject_id, event.data["from_round"]) == (actor.id, round_.id, "SEF-5")


def test_copy_setup_makes_a_call_ready_to_open(round_: Round) -> None:
    services.copy_setup(actor=None, from_round=_set_up_call(), to_round=round_)
    services.open_round(actor=None, round_=round_)


def test_copy_setup_from_a_call_without_a_form_keeps_the_form_this_call_has(round_: Round) -> None:
    source = RoundFactory()
    form = QuestionSetFactory(round=round_)
    QuestionFactory(section=SectionFactory(question_set=form))
    services.copy_setup(actor=None, from_round=source, to_round=round_)
    assert round_.question_set is form


def test_copy_setup_refuses_the_same_call(round_: Round) -> None:
    error = _refusal(services.copy_setup, actor=None, from_round=round_, to_round=round_)
    assert error.field == "from_round"


def test_copy_setup_refuses_a_call_with_submitted_applications(round_: Round) -> None:
    source = _set_up_call()
    round_.last_application_number = 3
    error = _refusal(services.copy_setup, actor=None, from_round=source, to_round=round_)
    assert error.field == "from_round"
    assert round_.tiers == []
