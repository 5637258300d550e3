"""What a round needs before it can open, checked on unsaved models (no database)."""

from __future__ import annotations

from fundapp.programmes.models import Criterion, Question, QuestionSet, Round, Section, Theme, Tier
from fundapp.programmes.services import RoundNotReady, problems_before_opening
from fundapp.programmes.states import QuestionType


def _question_set(*types: QuestionType) -> QuestionSet:
    questions = [Question(key=f"q{i}", type=t, label="Question", required=True) for i, t in enumerate(types)]
    return QuestionSet(name="Form", sections=[Section(key="about", title="About", questions=questions)])


def _ready_round(**overrides: object) -> Round:
    values: dict[str, object] = {
        "criteria": [
            Criterion(name="Need", weight=60, scale_min=1, scale_max=5),
            Criterion(name="Value", weight=40, scale_min=1, scale_max=5),
        ],
        "tiers": [Tier(name="Tier 1", min_pence=1_000_000, max_pence=2_500_000)],
        "themes": [Theme(name="Awareness raising")],
        "question_set": _question_set(QuestionType.SHORT_TEXT, QuestionType.THEMES),
    }
    values.update(overrides)
    return Round(code="R-1", name="Call", **values)


def test_a_complete_round_has_nothing_missing() -> None:
    assert problems_before_opening(_ready_round()) == []


def test_weights_that_do_not_add_up_to_100_are_reported_with_their_total() -> None:
    round_ = _ready_round(criteria=[Criterion(name="Need", weight=80, scale_min=1, scale_max=5)])
    assert problems_before_opening(round_) == ["the criteria weights add up to 80, not 100"]


def test_a_round_without_criteria_is_told_to_add_them() -> None:
    assert problems_before_opening(_ready_round(criteria=[])) == [
        "add scoring criteria with weights that add up to 100"
    ]


def test_a_round_without_tiers_cannot_open() -> None:
    assert problems_before_opening(_ready_round(tiers=[])) == ["add at least one tier (grant size)"]


def test_a_round_without_a_question_set_cannot_open() -> None:
    assert problems_before_opening(_ready_round(question_set=None)) == ["add an application form (question set)"]


def test_a_question_set_without_sections_cannot_open() -> None:
    round_ = _ready_round(question_set=QuestionSet(name="Empty form", sections=[]))
    assert problems_before_opening(round_) == ["add at least one section to the application form"]


def test_a_form_asking_for_themes_needs_the_round_to_have_themes() -> None:
    assert problems_before_opening(_ready_round(themes=[])) == [
        "add the call's themes (the application form asks applicants to choose them)"
    ]


def test_a_form_without_a_themes_question_does_not_need_themes() -> None:
    round_ = _ready_round(themes=[], question_set=_question_set(QuestionType.SHORT_TEXT))
    assert problems_before_opening(round_) == []


def test_every_missing_item_is_listed_at_once() -> None:
    empty = Round(code="R-2", name="Empty call")
    found = problems_before_opening(empty)
    assert len(found) == 3
    message = RoundNotReady(found).message
    assert message.startswith("This call cannot open yet: ")
    for problem in found:
        assert problem in message
