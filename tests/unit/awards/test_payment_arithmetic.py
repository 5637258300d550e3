"""Payment arithmetic, property by property: an award split into tranches adds up to the award exactly, whatever the
amount and the percentages; each tranche but the last is its share rounded down; the last takes the pence left.
And the rules a call's payment template must follow, case by case."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundapp.programmes.payment_schedule import (
    DEFAULT_TEMPLATE,
    LABEL_MAX_CHARS,
    MAX_TRANCHES,
    Tranche,
    parse_template,
    split_amount,
    template_problems,
)
from fundapp.programmes.states import PaymentTrigger

# Up to £100 million in pence, the odd penny included.
totals = st.integers(min_value=0, max_value=10_000_000_000)


@st.composite
def percentages(draw: st.DrawFn, max_size: int = 12) -> list[int]:
    """Positive whole percentages adding up to exactly 100 (1 to max_size of them)."""
    count = draw(st.integers(min_value=1, max_value=max_size))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True)))
    bounds = [0, *cuts, 100]
    return [high - low for low, high in zip(bounds, bounds[1:], strict=False)]


@given(totals, percentages())
def test_the_tranches_add_up_to_the_award_exactly(total: int, percents: list[int]) -> None:
    assert sum(split_amount(total, percents)) == total


@given(totals, percentages())
def test_there_is_one_tranche_per_percentage_and_none_is_negative(total: int, percents: list[int]) -> None:
    amounts = split_amount(total, percents)
    assert len(amounts) == len(percents)
    assert all(amount >= 0 for amount in amounts)


@given(totals, percentages())
def test_each_tranche_but_the_last_is_its_share_rounded_down_to_the_penny(total: int, percents: list[int]) -> None:
    amounts = split_amount(total, percents)
    assert amounts[:-1] == [total * p // 100 for p in percents[:-1]]


@given(totals, percentages())
def test_the_last_tranche_is_off_its_exact_share_by_less_than_a_penny_per_earlier_tranche(
    total: int, percents: list[int]
) -> None:
    last = split_amount(total, percents)[-1]
    exact_hundredths = total * percents[-1]  # the exact share, in hundredths of a penny
    earlier = len(percents) - 1
    assert last * 100 >= exact_hundredths  # rounding down the others only ever adds to the last
    assert last * 100 - exact_hundredths < 100 * max(earlier, 1)


@given(totals, totals, percentages())
def test_a_larger_award_never_pays_less_in_any_tranche_but_the_last(a: int, b: int, percents: list[int]) -> None:
    small, large = sorted((a, b))
    smaller, larger = split_amount(small, percents), split_amount(large, percents)
    assert all(x <= y for x, y in zip(smaller[:-1], larger[:-1], strict=True))
    assert sum(split_amount(small, percents)) <= sum(split_amount(large, percents))


@given(totals, totals, percentages())
def test_the_last_tranche_grows_with_the_award_give_or_take_the_rounding(a: int, b: int, percents: list[int]) -> None:
    small, large = sorted((a, b))
    earlier = len(percents) - 1
    # Each earlier tranche can shift at most a penny onto or off the last as the total grows.
    assert split_amount(small, percents)[-1] <= split_amount(large, percents)[-1] + earlier


@given(totals)
def test_a_single_tranche_of_100_percent_is_the_whole_award(total: int) -> None:
    assert split_amount(total, [100]) == [total]


def test_the_default_schedule_splits_an_odd_amount_with_the_pence_going_to_the_last_payment() -> None:
    # £10,000.01: 50% is £5,000.00 (half a penny dropped), 40% is £4,000.00, the last takes £1,000.01.
    assert split_amount(1_000_001, [t.percent for t in DEFAULT_TEMPLATE]) == [500_000, 400_000, 100_001]
    assert split_amount(1, [50, 40, 10]) == [0, 0, 1]
    assert split_amount(100, [33, 33, 34]) == [33, 33, 34]
    assert split_amount(1_000, [33, 33, 34]) == [330, 330, 340]
    assert split_amount(101, [33, 33, 34]) == [33, 33, 35]


@pytest.mark.parametrize(
    ("total", "percents"),
    [(-1, [100]), (100, []), (100, [50, 40]), (100, [50, 50, 0]), (100, [110, -10]), (100, [101])],
)
def test_split_amount_refuses_a_negative_award_or_percentages_that_are_not_positive_and_do_not_make_100(
    total: int, percents: list[int]
) -> None:
    with pytest.raises(ValueError):
        split_amount(total, percents)


@given(st.lists(st.integers(-200, 200), min_size=1, max_size=8))
def test_split_amount_accepts_exactly_the_percentages_the_rules_allow(percents: list[int]) -> None:
    allowed = all(p > 0 for p in percents) and sum(percents) == 100
    if allowed:
        assert sum(split_amount(12_345, percents)) == 12_345
    else:
        with pytest.raises(ValueError):
            split_amount(12_345, percents)


# --- a call's template ------------------------------------------------------------------------------------


def _t(label: str, percent: int, trigger: PaymentTrigger = PaymentTrigger.INTERIM_REPORT) -> Tranche:
    return Tranche(label, percent, trigger)


ACCEPT = PaymentTrigger.ACCEPTANCE


def test_the_default_template_has_no_problems_and_survives_being_stored() -> None:
    assert template_problems(DEFAULT_TEMPLATE) == []
    assert parse_template([t.as_json() for t in DEFAULT_TEMPLATE]) == DEFAULT_TEMPLATE


@pytest.mark.parametrize(
    ("tranches", "problems"),
    [
        ([], ["Add at least one payment"]),
        ([_t("All of it", 100, ACCEPT)], []),
        (
            [_t("First", 50, ACCEPT), _t("Second", 40)],
            ["The payments must add up to 100% of the award; they add up to 90%"],
        ),
        (
            [_t("First", 60, ACCEPT), _t("Second", 60)],
            ["The payments must add up to 100% of the award; they add up to 120%"],
        ),
        (
            [_t("First", 50), _t("Second", 50, ACCEPT)],
            ["The first payment must be due on acceptance of the grant"],
        ),
        ([_t(" ", 100, ACCEPT)], ["Enter a name for payment 1"]),
        (
            [_t("First", 50, ACCEPT), _t("x" * (LABEL_MAX_CHARS + 1), 50)],
            [f"The name of payment 2 must be {LABEL_MAX_CHARS} characters or fewer"],
        ),
        (
            [_t("First", 100, ACCEPT), _t("Nothing", 0)],
            ["Payment 2 must be between 1% and 100% of the award"],
        ),
        (
            [_t("First", 10, ACCEPT)] * (MAX_TRANCHES + 1),
            [
                f"A schedule can have at most {MAX_TRANCHES} payments",
                "The payments must add up to 100% of the award; they add up to 70%",
            ],
        ),
        (
            [_t("", 30), _t("Second", 30)],
            [
                "Enter a name for payment 1",
                "The payments must add up to 100% of the award; they add up to 60%",
                "The first payment must be due on acceptance of the grant",
            ],
        ),
    ],
)
def test_template_problems_name_each_thing_to_fix(tranches: list[Tranche], problems: list[str]) -> None:
    assert template_problems(tranches) == problems


@given(percentages(max_size=MAX_TRANCHES))
def test_any_named_template_of_positive_shares_making_100_with_the_first_on_acceptance_is_fine(
    percents: list[int],
) -> None:
    tranches = [
        _t(f"Payment {n}", p, ACCEPT if n == 1 else PaymentTrigger.FINAL_REPORT) for n, p in enumerate(percents, 1)
    ]
    assert template_problems(tranches) == []
