"""Money: what people type becomes integer pence; pence are shown the GOV.UK way."""

from __future__ import annotations

import pytest

from fundapp.core.money import MoneyParseError, format_pence, parse_pounds, pence_to_input


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("£1,250", 125_000),
        ("1250.50", 125_050),
        ("1 250", 125_000),
        (" 1250 ", 125_000),
        ("1250.5", 125_050),
        ("£12,500.05", 1_250_005),
        ("0", 0),
        ("0.01", 1),
        ("12500 GBP", 1_250_000),
        ("12500gbp", 1_250_000),
    ],
)
def test_parse_pounds_accepts_what_people_type(typed: str, pence: int) -> None:
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize(
    "typed", ["-5", "£-5", "1.234", "abc", "", "   ", "£", "1.", ".5", "1e3", "12.5.0", "ten pounds"]
)
def test_parse_pounds_rejects_negatives_fractions_of_a_penny_and_words(typed: str) -> None:
    with pytest.raises(MoneyParseError):
        parse_pounds(typed)


def test_parse_pounds_error_is_a_value_error_carrying_the_text() -> None:
    with pytest.raises(ValueError, match="abc"):
        parse_pounds("abc")


def test_parse_pounds_never_loses_a_penny_to_floating_point() -> None:
    # 0.29 * 100 == 28.999999999999996 with floats.
    assert parse_pounds("0.29") == 29
    assert parse_pounds("1234567.89") == 123_456_789


@pytest.mark.parametrize(
    ("pence", "shown"),
    [
        (1_250_000, "£12,500"),
        (1_250_050, "£12,500.50"),
        (1_250_005, "£12,500.05"),
        (0, "£0"),
        (99, "£0.99"),
        (123_456_789_00, "£123,456,789"),
        (-150, "-£1.50"),
        (None, ""),
    ],
)
def test_format_pence_shows_pence_only_when_there_are_some(pence: int | None, shown: str) -> None:
    assert format_pence(pence) == shown


def test_format_pence_can_force_or_hide_pence() -> None:
    assert format_pence(1_250_000, show_pence=True) == "£12,500.00"
    assert format_pence(1_250_050, show_pence=False) == "£12,500"


@pytest.mark.parametrize(("pence", "typed"), [(1_250_000, "12500"), (1_250_050, "12500.50"), (5, "0.05"), (None, "")])
def test_pence_to_input_shows_an_amount_without_symbols(pence: int | None, typed: str) -> None:
    assert pence_to_input(pence) == typed


@pytest.mark.parametrize("pence", [0, 1, 99, 100, 125_050, 4_500_000, 987_654_321])
def test_an_amount_shown_in_an_input_parses_back_to_the_same_pence(pence: int) -> None:
    assert parse_pounds(pence_to_input(pence)) == pence
