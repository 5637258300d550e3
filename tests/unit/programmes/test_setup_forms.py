"""Pure helpers behind the call set-up pages."""

from __future__ import annotations

from datetime import UTC, datetime

from fundapp.programmes.forms import previous_call
from fundapp.programmes.models import Round


def _call(id_: int, fund_id: int, year: int) -> Round:
    return Round(id=id_, fund_id=fund_id, code=f"C-{id_}", opens_at=datetime(year, 3, 1, tzinfo=UTC))


def test_the_previous_call_is_the_latest_of_the_same_fund_that_opened_before_this_one() -> None:
    current = _call(5, 1, 2026)
    calls = [_call(1, 1, 2023), _call(2, 1, 2025), _call(3, 2, 2025), _call(4, 1, 2027), current]
    assert previous_call(calls, current) is calls[1]


def test_without_an_earlier_call_any_other_call_of_the_fund_is_offered() -> None:
    current = _call(5, 1, 2026)
    later = _call(4, 1, 2027)
    assert previous_call([current, later, _call(3, 2, 2020)], current) is later


def test_the_first_call_of_a_fund_has_no_previous_call() -> None:
    current = _call(5, 1, 2026)
    assert previous_call([current, _call(3, 2, 2020)], current) is None
