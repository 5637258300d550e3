"""What a monitoring report asks and how each answer is checked: whole-number metrics, word-limited narrative, spend
per budget line in pounds, London boroughs, completeness, and saving one section without touching the others."""

from __future__ import annotations

from typing import Any

import pytest

from fundapp.programmes.monitoring import DEFAULT_METRICS
from fundapp.reporting import content
from fundapp.reporting.content import BudgetLine, ReportContext

CTX = ReportContext(
    metrics=DEFAULT_METRICS,
    targets={"londoners_reached": 400, "sessions_delivered": 24},
    budget=(
        BudgetLine("Staff salaries", "Youth worker, two days a week", 1_700_000),
        BudgetLine("Venue hire", "", 300_000),
    ),
)
ALL_METRICS = {m.key: "10" for m in DEFAULT_METRICS}


def _results(**typed: str) -> content.Checked:
    return content.check_section("results", {"metrics": {**ALL_METRICS, **typed}}, CTX)


def _words(count: int) -> str:
    return " ".join(["word"] * count)


def _valid_values() -> dict[str, Any]:
    raw = {
        "metrics": ALL_METRICS,
        "delivered": "Twelve workshops.",
        "changes": "Nothing changed",
        "spend": {"0": "100", "1": "0"},
        "boroughs": ["E09000002"],
    }
    values: dict[str, Any] = {}
    for section in content.SECTION_KEYS:
        values = content.merge_section(values, section, content.check_section(section, raw, CTX))
    return values


# --- results --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number"),
    [("0", 0), ("120", 120), ("1,250", 1250), (" 400 ", 400), ("10,000,000", content.MAX_METRIC)],
)
def test_a_metric_accepts_whole_non_negative_numbers_with_or_without_commas(typed: str, number: int) -> None:
    checked = _results(londoners_reached=typed)
    assert checked.errors == {}
    assert checked.values["metrics"]["londoners_reached"] == number


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the number of londoners reached, or 0 if there were none"),
        ("   ", "Enter the number of londoners reached, or 0 if there were none"),
        ("-3", "Londoners reached cannot be negative; enter 0 if there were none"),
        ("2.5", "Londoners reached must be a whole number, like 120"),
        ("12.0", "Londoners reached must be a whole number, like 120"),
        ("twelve", "Londoners reached must be a whole number, like 120"),
        ("1e3", "Londoners reached must be a whole number, like 120"),
        ("10,000,001", "Londoners reached must be 10,000,000 or fewer"),
        ("9" * 13, "Londoners reached must be a whole number, like 120"),
    ],
)
def test_a_metric_that_is_not_a_whole_non_negative_number_says_why_at_its_field(typed: str, message: str) -> None:
    checked = _results(londoners_reached=typed)
    assert checked.errors == {"metric_londoners_reached": message}
    assert "londoners_reached" not in checked.values["metrics"]
    assert checked.values["metrics"]["sessions_delivered"] == 10


def test_results_with_nothing_typed_asks_for_every_metric() -> None:
    checked = content.check_section("results", {}, CTX)
    assert set(checked.errors) == {content.metric_field(m.key) for m in DEFAULT_METRICS}
    assert checked.values == {"metrics": {}}


# --- delivery -------------------------------------------------------------------------------------------------


def test_delivery_asks_for_both_answers_when_blank() -> None:
    checked = content.check_section("delivery", {"delivered": "  ", "changes": ""}, CTX)
    assert checked.errors == {
        "delivered": "Describe what your project delivered",
        "changes": "Describe what changed from your plan or went wrong, or write 'Nothing changed'",
    }
    assert checked.values == {}


def test_delivery_accepts_answers_up_to_their_word_limits_and_trims_them() -> None:
    raw = {"delivered": f" {_words(content.DELIVERED_WORDS)} ", "changes": _words(content.CHANGES_WORDS)}
    checked = content.check_section("delivery", raw, CTX)
    assert checked.errors == {}
    assert checked.values["delivered"] == _words(content.DELIVERED_WORDS)


def test_delivery_over_its_word_limits_says_so_at_each_field() -> None:
    raw = {"delivered": _words(content.DELIVERED_WORDS + 1), "changes": _words(content.CHANGES_WORDS + 1)}
    checked = content.check_section("delivery", raw, CTX)
    assert checked.errors == {
        "delivered": "What your project delivered must be 500 words or fewer",
        "changes": "What changed must be 300 words or fewer",
    }


def test_a_few_enormous_words_are_refused_like_too_many_words() -> None:
    raw = {"delivered": "x" * (content.TEXT_MAX_CHARS + 1), "changes": "Nothing changed"}
    checked = content.check_section("delivery", raw, CTX)
    assert checked.errors == {"delivered": "What your project delivered must be 500 words or fewer"}
    assert checked.values == {"changes": "Nothing changed"}


# --- spending -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("0", 0), ("1250", 125_000), ("£1,250.50", 125_050), (" 99.9 ", 9_990), ("1,000,000", 100_000_000)],
)
def test_spend_is_read_as_pounds_and_kept_in_pence(typed: str, pence: int) -> None:
    checked = content.check_section("spending", {"spend": {"0": typed, "1": "0"}}, CTX)
    assert checked.errors == {}
    assert checked.values["spend"][0] == {
        "line": 0,
        "category": "Staff salaries",
        "description": "Youth worker, two days a week",
        "budget_pence": 1_700_000,
        "spent_pence": pence,
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter what you have spent on Youth worker, two days a week so far, or 0"),
        ("lots", "Enter the amount spent on Youth worker, two days a week in pounds, like £1,250"),
        ("-5", "Enter the amount spent on Youth worker, two days a week in pounds, like £1,250"),
        ("12.345", "Enter the amount spent on Youth worker, two days a week in pounds, like £1,250"),
        ("1000000.01", "The amount spent on Youth worker, two days a week must be £1,000,000 or less"),
    ],
)
def test_spend_that_is_not_an_amount_says_why_at_its_line(typed: str, message: str) -> None:
    checked = content.check_section("spending", {"spend": {"0": typed, "1": "10"}}, CTX)
    assert checked.errors == {"spend_0": message}


def test_a_budget_line_without_a_description_is_named_by_its_category() -> None:
    checked = content.check_section("spending", {"spend": {"0": "1"}}, CTX)
    assert checked.errors == {"spend_1": "Enter what you have spent on Venue hire so far, or 0"}


def test_spending_keeps_no_lines_until_every_line_is_valid() -> None:
    checked = content.check_section("spending", {"spend": {"0": "100", "1": "oops"}}, CTX)
    assert checked.values == {}
    assert list(checked.errors) == ["spend_1"]


# --- places ---------------------------------------------------------------------------------------------------


def test_places_keeps_known_boroughs_in_name_order_once_each() -> None:
    checked = content.check_section("places", {"boroughs": ["E09000030", "E09000002", "E09000030"]}, CTX)
    assert checked.errors == {}
    assert checked.values == {"boroughs": ["E09000002", "E09000030"]}  # Barking and Dagenham, Tower Hamlets


@pytest.mark.parametrize("chosen", [[], None, "E09000002"])
def test_places_asks_for_at_least_one_borough(chosen: Any) -> None:
    checked = content.check_section("places", {"boroughs": chosen}, CTX)
    assert checked.errors == {"boroughs": "Select the boroughs your project reached"}


@pytest.mark.parametrize("code", ["E09000099", "W06000015", "<script>"])
def test_places_refuses_anything_not_on_the_list(code: str) -> None:
    checked = content.check_section("places", {"boroughs": ["E09000002", code]}, CTX)
    assert checked.errors == {"boroughs": "Select boroughs from the list"}
    assert checked.values == {}


# --- sections, completeness, merging --------------------------------------------------------------------------


def test_evidence_has_nothing_to_check_and_an_unknown_section_is_an_error() -> None:
    assert content.check_section("evidence", {}, CTX) == content.Checked({}, {})
    with pytest.raises(KeyError):
        content.check_section("bank_details", {}, CTX)


def test_field_names_match_the_errors() -> None:
    assert content.metric_field("volunteers_involved") == "metric_volunteers_involved"
    assert content.spend_field(3) == "spend_3"


def test_a_report_with_every_section_answered_is_complete() -> None:
    values = _valid_values()
    assert content.incomplete_sections(values, CTX) == []
    assert content.total_spent(values) == 10_000


def test_an_empty_report_lists_every_section_but_evidence_to_complete() -> None:
    assert content.incomplete_sections({}, CTX) == ["results", "delivery", "spending", "places"]
    assert content.section_complete("evidence", {}, CTX)
    assert content.total_spent({}) == 0


def test_results_with_one_metric_missing_is_incomplete() -> None:
    values = _valid_values()
    values["metrics"] = {k: v for k, v in values["metrics"].items() if k != "volunteers_involved"}
    assert content.incomplete_sections(values, CTX) == ["results"]


def test_delivery_with_one_answer_is_incomplete() -> None:
    values = {k: v for k, v in _valid_values().items() if k != "changes"}
    assert content.incomplete_sections(values, CTX) == ["delivery"]


def test_a_report_without_a_budget_has_nothing_to_spend_against() -> None:
    ctx = ReportContext(metrics=DEFAULT_METRICS)
    checked = content.check_section("spending", {}, ctx)
    assert checked == content.Checked({"spend": []}, {})
    assert content.section_complete("spending", checked.values, ctx)


def test_saving_one_section_keeps_the_others() -> None:
    values = _valid_values()
    checked = content.check_section("results", {"metrics": {**ALL_METRICS, "londoners_reached": "999"}}, CTX)
    merged = content.merge_section(values, "results", checked)
    assert merged["metrics"]["londoners_reached"] == 999
    assert {k: v for k, v in merged.items() if k != "metrics"} == {k: v for k, v in values.items() if k != "metrics"}


def test_a_section_saved_with_a_mistake_drops_its_old_values_so_it_is_no_longer_complete() -> None:
    values = _valid_values()
    merged = content.merge_section(values, "spending", content.check_section("spending", {"spend": {}}, CTX))
    assert "spend" not in merged
    assert merged["boroughs"] == ["E09000002"]
    assert content.incomplete_sections(merged, CTX) == ["spending"]


def test_merging_the_evidence_section_changes_nothing() -> None:
    values = _valid_values()
    assert content.merge_section(values, "evidence", content.Checked({}, {})) == values


def test_budget_lines_show_category_labels_and_keep_unknown_categories_as_typed() -> None:
    lines = content.budget_lines(
        [
            {"category": "staff", "description": "Youth worker", "amount_pence": 500_000},
            {"category": "other", "description": "", "amount_pence": 100},
        ],
        {"staff": "Staff salaries"},
    )
    assert lines == (BudgetLine("Staff salaries", "Youth worker", 500_000), BudgetLine("other", "", 100))
    assert content.budget_lines(None, {}) == ()
