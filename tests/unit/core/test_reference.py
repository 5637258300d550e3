"""The London boroughs reference list (32 boroughs and the City of London)."""

from __future__ import annotations

import pytest

from fundapp.core.reference import borough_name, is_borough_code, london_boroughs


def test_there_are_33_london_local_authorities_with_unique_codes() -> None:
    boroughs = london_boroughs()
    assert len(boroughs) == 33
    assert {b.gss_code for b in boroughs} == {f"E090000{n:02d}" for n in range(1, 34)}
    assert len({b.name for b in boroughs}) == 33


def test_boroughs_are_sorted_by_name() -> None:
    names = [b.name for b in london_boroughs()]
    assert names == sorted(names)
    assert names[0] == "Barking and Dagenham"


@pytest.mark.parametrize(
    ("code", "name"),
    [("E09000001", "City of London"), ("E09000028", "Southwark"), ("E09000033", "Westminster")],
)
def test_borough_name_looks_up_a_gss_code(code: str, name: str) -> None:
    assert borough_name(code) == name
    assert is_borough_code(code)


@pytest.mark.parametrize("code", ["E08000001", "E09000034", "", "Southwark", "e09000028"])
def test_unknown_codes_have_no_name_and_are_not_borough_codes(code: str) -> None:
    assert borough_name(code) == ""
    assert not is_borough_code(code)


def test_borough_name_of_nothing_is_empty() -> None:
    assert borough_name(None) == ""
