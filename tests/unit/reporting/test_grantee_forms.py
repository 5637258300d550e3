"""Reading a posted report section: what was typed, in the report's raw shape, whatever was posted."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from fundapp.programmes.monitoring import DEFAULT_METRICS
from fundapp.reporting.content import BudgetLine, ReportContext
from fundapp.reporting.forms.grantee import (
    MAX_CHOICES,
    MAX_TYPED_CHARS,
    field_values,
    read_typed,
    section_started,
)

CTX = ReportContext(
    metrics=DEFAULT_METRICS,
    budget=(BudgetLine("Staff salaries", "Youth worker", 1_700_000), BudgetLine("Venue hire", "Hall", 300_000)),
)


def test_results_are_read_by_metric_keeping_what_was_typed_and_ignoring_other_inputs() -> None:
    posted = MultiDict({"metric_londoners_reached": " 1,250 ", "metric_sessions_delivered": "-3", "metric_x": "9"})
    typed = read_typed("results", posted, CTX)
    assert typed == {
        "metrics": {
            "londoners_reached": "1,250",
            "sessions_delivered": "-3",
            "volunteers_involved": "",
            "participants_reporting_change": "",
        }
    }
    assert field_values("results", typed, CTX)["metric_sessions_delivered"] == "-3"


def test_spend_is_read_by_budget_line() -> None:
    typed = read_typed("spending", MultiDict({"spend_0": "£1,000", "spend_1": "lots", "spend_2": "5"}), CTX)
    assert typed == {"spend": {"0": "£1,000", "1": "lots"}}
    assert field_values("spending", typed, CTX) == {"spend_0": "£1,000", "spend_1": "lots"}


def test_narrative_is_kept_as_typed_but_a_pasted_novel_is_cut_short() -> None:
    typed = read_typed("delivery", MultiDict({"delivered": "  We ran\nworkshops ", "changes": "x" * 10**6}), CTX)
    assert typed["delivered"] == "  We ran\nworkshops "
    assert len(typed["changes"]) == MAX_TYPED_CHARS


def test_boroughs_are_read_once_each_and_capped() -> None:
    posted = MultiDict([("boroughs", "E09000002"), ("boroughs", ""), ("boroughs", "E09000002")])
    assert read_typed("places", posted, CTX) == {"boroughs": ["E09000002"]}
    many = MultiDict([("boroughs", f"code{n}") for n in range(500)])
    assert len(read_typed("places", many, CTX)["boroughs"]) == MAX_CHOICES


def test_a_section_is_started_once_anything_is_typed_in_it() -> None:
    assert not section_started("results", {}, CTX)
    assert not section_started("places", {"boroughs": []}, CTX)
    assert not section_started("places", {"boroughs": "E09000002"}, CTX)  # never a list: nothing usable typed
    assert section_started("results", {"metrics": {"londoners_reached": "0"}}, CTX)
    assert section_started("delivery", {"changes": "Nothing changed"}, CTX)
    assert not section_started("evidence", {"metrics": {"londoners_reached": "1"}}, CTX)
