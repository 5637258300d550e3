"""Properties of money as people type it: every amount shown or typed back parses to the same pence."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.core.money import MoneyParseError, format_pence, parse_pounds, pence_to_input

PROPERTY = settings(max_examples=200, deadline=None, database=None)

# parse_pounds works in decimal with 28 significant digits, so amounts are exact below 10**28 pence
# (a hundred million million million million pounds); the form refuses anything over a trillion pounds.
PENCE = st.one_of(st.integers(min_value=0, max_value=10_000_000), st.integers(min_value=0, max_value=10**28 - 1))

WAYS_OF_TYPING = [
    format_pence,  # '£12,500.50'
    lambda p: format_pence(p, show_pence=True),  # '£12,500.00'
    pence_to_input,  # '12500.5' as '12500.50'
    lambda p: format_pence(p).replace("£", ""),  # '12,500.50'
    lambda p: format_pence(p).replace(",", " "),  # '£12 500.50'
    lambda p: "£ " + pence_to_input(p),  # '£ 12500.50'
    lambda p: f"  {pence_to_input(p)} GBP ",  # '12500.50 GBP'
    lambda p: format_pence(p).replace("£", "£ ") + "\n",
]


@PROPERTY
@given(pence=PENCE, typed=st.sampled_from(WAYS_OF_TYPING))
def test_every_amount_shown_or_typed_back_parses_to_the_same_pence(pence: int, typed: object) -> None:
    assert callable(typed)
    parsed = parse_pounds(typed(pence))
    assert parsed == pence
    assert type(parsed) is int


@PROPERTY
@given(pounds=st.integers(min_value=0, max_value=10**12), pence=st.integers(min_value=0, max_value=99))
def test_pounds_with_one_or_two_decimal_places_are_exact_pence(pounds: int, pence: int) -> None:
    assert parse_pounds(f"{pounds}.{pence:02d}") == pounds * 100 + pence
    if pence % 10 == 0:
        assert parse_pounds(f"{pounds}.{pence // 10}") == pounds * 100 + pence


@PROPERTY
@given(pence=st.integers(min_value=1, max_value=10**15), typed=st.sampled_from(WAYS_OF_TYPING))
def test_negative_amounts_are_refused(pence: int, typed: object) -> None:
    assert callable(typed)
    with pytest.raises(MoneyParseError):
        parse_pounds("-" + typed(pence).strip())
    with pytest.raises(MoneyParseError):
        parse_pounds(format_pence(-pence))


@PROPERTY
@given(pounds=st.integers(min_value=0, max_value=10**12), fraction=st.integers(min_value=0, max_value=999))
def test_fractions_of_a_penny_are_refused(pounds: int, fraction: int) -> None:
    with pytest.raises(MoneyParseError):
        parse_pounds(f"£{pounds:,}.{fraction:03d}")


@PROPERTY
@given(
    before=st.text(alphabet=string.digits + ",. £", max_size=6),
    word=st.text(alphabet=string.ascii_letters.translate(str.maketrans("", "", "gbpGBP")), min_size=1, max_size=8),
    after=st.text(alphabet=string.digits + ",. ", max_size=6),
)
def test_amounts_with_words_in_them_are_refused(before: str, word: str, after: str) -> None:
    with pytest.raises(MoneyParseError):
        parse_pounds(before + word + after)


@PROPERTY
@given(st.one_of(st.text(), st.text(alphabet=string.digits + ",.£ -+eGBP_\n")))
def test_any_text_is_whole_pence_or_a_money_parse_error(text: str) -> None:
    try:
        parsed = parse_pounds(text)
    except MoneyParseError:
        return
    assert type(parsed) is int
    assert parsed >= 0
