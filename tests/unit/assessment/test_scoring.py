"""The score arithmetic: weights, "not applicable" nulls, scales, moderation, rounding and spread flags, with
worked examples and properties that must hold for any scores."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from fundapp.assessment.scoring import (
    Scale,
    application_percent,
    assessment_percent,
    criterion_means,
    format_percent,
    format_points,
    round_half_up,
    spread_flags,
)

NEED = Scale(id=1, weight=50, scale_min=1, scale_max=5, name="Need")
DELIVERY = Scale(id=2, weight=30, scale_min=1, scale_max=5, name="Delivery")
VALUE = Scale(id=3, weight=20, scale_min=0, scale_max=3, name="Value for money")
CRITERIA = [NEED, DELIVERY, VALUE]


# --- worked examples -------------------------------------------------------------------------------------


def test_assessment_percent_weights_each_score_against_its_own_maximum() -> None:
    # (4×50 + 3×30 + 2×20) ÷ (5×50 + 5×30 + 3×20) × 100 = 330 ÷ 460 × 100
    assert assessment_percent(CRITERIA, {1: 4, 2: 3, 3: 2}) == Fraction(33000, 460)
    assert format_percent(assessment_percent(CRITERIA, {1: 4, 2: 3, 3: 2})) == "71.7%"


def test_full_marks_are_one_hundred_percent_and_zero_scores_zero() -> None:
    assert assessment_percent(CRITERIA, {1: 5, 2: 5, 3: 3}) == 100
    assert assessment_percent([VALUE], {3: 0}) == 0


def test_not_applicable_leaves_the_criterion_out_of_both_sums() -> None:
    # Only need and delivery count: (4×50 + 3×30) ÷ (5×50 + 5×30) = 290 ÷ 400
    assert assessment_percent(CRITERIA, {1: 4, 2: 3, 3: None}) == Fraction(290 * 100, 400)


def test_nothing_scored_has_no_percent_and_shows_a_dash() -> None:
    assert assessment_percent(CRITERIA, {1: None, 2: None, 3: None}) is None
    assert assessment_percent(CRITERIA, {}) is None
    assert format_percent(None) == "–"


def test_application_percent_is_the_mean_of_submitted_assessments() -> None:
    first, second = {1: 5, 2: 5, 3: 3}, {1: 1, 2: 1, 3: 0}
    expected = (assessment_percent(CRITERIA, first) + assessment_percent(CRITERIA, second)) / 2  # type: ignore[operator]
    assert application_percent(CRITERIA, [first, second]) == expected


def test_application_with_no_scorecards_has_no_score() -> None:
    assert application_percent(CRITERIA, []) is None


def test_moderated_score_replaces_the_mean_on_its_criterion_only() -> None:
    first, second = {1: 5, 2: 4, 3: 3}, {1: 2, 2: 4, 3: 3}
    # Need moderated to 4; delivery mean 4, value mean 3: (4×50 + 4×30 + 3×20) ÷ 460
    assert application_percent(CRITERIA, [first, second], {1: 4}) == Fraction(38000, 460)
    assert format_percent(application_percent(CRITERIA, [first, second], {1: 4})) == "82.6%"


def test_confirming_the_mean_without_moderated_scores_equals_the_mean() -> None:
    cards = [{1: 5, 2: 4, 3: 3}, {1: 2, 2: 4, 3: 3}]
    assert application_percent(CRITERIA, cards, {}) == application_percent(CRITERIA, cards)


def test_criterion_means_ignore_not_applicable() -> None:
    means = criterion_means(CRITERIA, [{1: 5, 2: None, 3: 1}, {1: 2, 2: None, 3: 2}])
    assert means == {1: Fraction(7, 2), 2: None, 3: Fraction(3, 2)}
    assert format_points(means[1]) == "3.5" and format_points(means[2]) == "–"


def test_rounding_is_half_up_to_one_decimal_place() -> None:
    assert round_half_up(Fraction(7245, 100)) == Decimal("72.5")
    assert round_half_up(Fraction(7244, 100)) == Decimal("72.4")
    assert round_half_up(Fraction(200, 3)) == Decimal("66.7")
    assert round_half_up(Fraction(100)) == Decimal("100.0")
    assert format_percent(Fraction(0)) == "0.0%"


# --- spread flags ------------------------------------------------------------------------------------------


def test_points_spread_on_a_criterion_is_flagged_at_the_threshold() -> None:
    flags = spread_flags(CRITERIA, [{1: 5, 2: 4, 3: 2}, {1: 3, 2: 4, 3: 2}], spread_points=2, spread_percent=100)
    assert flags == ["Assessors differ by 2 points on Need (3 to 5)"]


def test_points_spread_below_the_threshold_is_not_flagged() -> None:
    assert spread_flags(CRITERIA, [{1: 5, 2: 4, 3: 2}, {1: 4, 2: 4, 3: 2}], spread_points=2, spread_percent=100) == []


def test_overall_spread_in_percentage_points_is_flagged() -> None:
    flags = spread_flags(CRITERIA, [{1: 5, 2: 5, 3: 3}, {1: 4, 2: 4, 3: 2}], spread_points=5, spread_percent=15)
    # 100% against (200 + 120 + 40) ÷ 460 = 78.3%: 21.7 points apart
    assert flags == ["Assessors differ by 21.7 percentage points overall (78.3% to 100.0%)"]


def test_bottom_of_the_scale_is_flagged_even_for_one_assessor() -> None:
    flags = spread_flags(CRITERIA, [{1: 1, 2: 3, 3: 1}], spread_points=2, spread_percent=15)
    assert flags == ["Need was scored 1, the bottom of the scale, by an assessor"]


def test_not_applicable_is_never_a_bottom_score_or_a_spread() -> None:
    assert (
        spread_flags(CRITERIA, [{1: 4, 2: 4, 3: None}, {1: 4, 2: 4, 3: 3}], spread_points=1, spread_percent=100) == []
    )


# --- properties ----------------------------------------------------------------------------------------------


@st.composite
def criteria_and_scores(draw: st.DrawFn) -> tuple[list[Scale], dict[int, int | None]]:
    count = draw(st.integers(min_value=1, max_value=8))
    criteria = []
    scores: dict[int, int | None] = {}
    for number in range(1, count + 1):
        low, high = draw(st.sampled_from([(0, 3), (0, 4), (0, 5), (1, 5)]))
        criteria.append(
            Scale(id=number, weight=draw(st.integers(min_value=1, max_value=100)), scale_min=low, scale_max=high)
        )
        scores[number] = draw(st.none() | st.integers(min_value=low, max_value=high))
    return criteria, scores


@given(criteria_and_scores())
def test_a_percent_always_lies_between_0_and_100(case: tuple[list[Scale], dict[int, int | None]]) -> None:
    criteria, scores = case
    percent = assessment_percent(criteria, scores)
    if all(score is None for score in scores.values()):
        assert percent is None
    else:
        assert percent is not None and 0 <= percent <= 100


@given(criteria_and_scores(), st.integers(min_value=2, max_value=7))
def test_scaling_every_weight_by_the_same_factor_changes_nothing(
    case: tuple[list[Scale], dict[int, int | None]], factor: int
) -> None:
    criteria, scores = case
    scaled = [Scale(c.id, c.weight * factor, c.scale_min, c.scale_max) for c in criteria]
    assert assessment_percent(scaled, scores) == assessment_percent(criteria, scores)


@given(criteria_and_scores(), st.randoms(use_true_random=False))
def test_the_order_of_criteria_does_not_matter(case: tuple[list[Scale], dict[int, int | None]], rnd) -> None:  # type: ignore[no-untyped-def]
    criteria, scores = case
    shuffled = list(criteria)
    rnd.shuffle(shuffled)
    assert assessment_percent(shuffled, scores) == assessment_percent(criteria, scores)


@given(criteria_and_scores())
def test_raising_one_score_never_lowers_the_percent(case: tuple[list[Scale], dict[int, int | None]]) -> None:
    criteria, scores = case
    for criterion in criteria:
        score = scores[criterion.id]
        if score is not None and score < criterion.scale_max:
            higher = {**scores, criterion.id: score + 1}
            assert assessment_percent(criteria, higher) > assessment_percent(criteria, scores)  # type: ignore[operator]


@given(criteria_and_scores(), st.integers(min_value=1, max_value=5))
def test_identical_scorecards_average_to_themselves_and_raise_no_spread(
    case: tuple[list[Scale], dict[int, int | None]], copies: int
) -> None:
    criteria, scores = case
    cards = [dict(scores) for _ in range(copies)]
    assert application_percent(criteria, cards) == assessment_percent(criteria, scores)
    flags = spread_flags(criteria, cards, spread_points=1, spread_percent=1)
    assert not [f for f in flags if "differ" in f]


@given(st.fractions(min_value=0, max_value=100))
def test_rounded_display_is_within_half_a_tenth_of_the_exact_value(value: Fraction) -> None:
    rounded = round_half_up(value)
    assert abs(Fraction(str(rounded)) - value) <= Fraction(1, 20)
    assert format_percent(value) == f"{rounded}%"
