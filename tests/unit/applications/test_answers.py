"""Answers to the data-driven form: read from a posted page, checked on the server, and shown back."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from fundapp.applications.answers import (
    MAX_PENCE,
    MAX_TEXT_CHARS,
    Checked,
    DateParseError,
    FormContext,
    Shown,
    TierRule,
    check_answer,
    check_answers,
    count_words,
    parse_date_parts,
    parse_whole_number,
    read_raw,
    show_answer,
    tier_ranges,
)
from fundapp.programmes.states import QuestionType as T

PROPERTY = settings(max_examples=200, deadline=None, database=None)

SMALL = TierRule("Small grants", 1_000_000, 2_500_000, 0)
LARGE = TierRule("Large grants", 2_500_100, 5_000_000, 20)
CTX = FormContext(
    tiers=(SMALL, LARGE),
    themes=(("1", "Young people"), ("2", "Hate crime"), ("3", "Online harms")),
    project_earliest_start=date(2026, 4, 1),
    project_latest_end=date(2028, 3, 31),
    attachment_counts={"evidence": 2, "policy_file": 1},
)
NO_CONTEXT = FormContext()

CHOICES = [{"value": "in_person", "label": "In person"}, {"value": "online", "label": "Online"}]
GROUPS = [
    {"value": "children", "label": "Children"},
    {"value": "young_people", "label": "Young people"},
    {"value": "adults", "label": "Adults"},
]
CATEGORIES = [{"value": "staff", "label": "Staff salaries"}, {"value": "venue", "label": "Venue hire"}]
BARKING, CITY, HACKNEY, WESTMINSTER = "E09000002", "E09000001", "E09000012", "E09000033"


def question(qtype: T, key: str = "answer", *, required: bool = True, label: str = "Your answer", **config: Any) -> Any:
    return SimpleNamespace(key=key, type=qtype, label=label, required=required, config=config)


def line(category: Any = "staff", description: Any = "Youth worker", amount: Any = "£1,000") -> dict[str, Any]:
    return {"category": category, "description": description, "amount": amount}


def date_raw(day: str, month: str, year: str) -> dict[str, str]:
    return {"day": day, "month": month, "year": year}


# A question of every type, configured as the SEF form does.
EVERY_TYPE: dict[T, Any] = {
    T.SHORT_TEXT: question(T.SHORT_TEXT, max_length=140),
    T.LONG_TEXT: question(T.LONG_TEXT, word_limit=150),
    T.NUMBER: question(T.NUMBER, min=1, max=10_000),
    T.MONEY: question(T.MONEY, key="amount_requested", min_pence=1, within_tier=True),
    T.DATE: question(T.DATE),
    T.YES_NO: question(T.YES_NO),
    T.SINGLE_CHOICE: question(T.SINGLE_CHOICE, choices=CHOICES),
    T.MULTIPLE_CHOICE: question(T.MULTIPLE_CHOICE, choices=GROUPS, min_selections=1),
    T.THEMES: question(T.THEMES, min_selections=1),
    T.BOROUGHS: question(T.BOROUGHS, min_selections=1),
    T.EMAIL: question(T.EMAIL),
    T.PHONE: question(T.PHONE),
    T.URL: question(T.URL),
    T.FILE: question(T.FILE, key="evidence", allowed_file_types=["pdf"], max_file_size_mb=10),
    T.BUDGET_TABLE: question(T.BUDGET_TABLE, categories=CATEGORIES, total_must_equal="amount_requested"),
    T.ORGANISATION_PROFILE: question(T.ORGANISATION_PROFILE),
}


def test_every_question_type_has_a_question_in_these_tests() -> None:
    assert set(EVERY_TYPE) == set(T)


# --- good answers of every type are stored in their normal form ------------------------------------------

GOOD_ANSWERS = [
    (T.SHORT_TEXT, "  Youth club  ", "Youth club"),
    (T.SHORT_TEXT, "Line one\nline  two", "Line one line two"),
    (T.LONG_TEXT, "  We will run\n\nweekly sessions.  ", "We will run\n\nweekly sessions."),
    (T.NUMBER, "25", 25),
    (T.NUMBER, " 1,250 ", 1250),
    (T.NUMBER, "10,000", 10_000),
    (T.MONEY, "£12,500", 1_250_000),
    (T.MONEY, "12500.00", 1_250_000),
    (T.MONEY, "£25,000", 2_500_000),
    (T.MONEY, "£25,001", 2_500_100),
    (T.MONEY, "50000", 5_000_000),
    (T.MONEY, "£ 12 500.50", 1_250_050),
    (T.DATE, date_raw("27", "3", "2027"), "2027-03-27"),
    (T.DATE, date_raw(" 01 ", "04", "2026"), "2026-04-01"),
    (T.DATE, date_raw("31", "3", "2028"), "2028-03-31"),
    (T.DATE, date_raw("29", "2", "2028"), "2028-02-29"),
    (T.YES_NO, "yes", "yes"),
    (T.YES_NO, "no", "no"),
    (T.SINGLE_CHOICE, "online", "online"),
    (T.MULTIPLE_CHOICE, ["adults", "children"], ["children", "adults"]),
    (T.MULTIPLE_CHOICE, ["adults", "adults"], ["adults"]),
    (T.THEMES, ["3", "1"], ["1", "3"]),
    (T.BOROUGHS, [WESTMINSTER, BARKING, CITY], [BARKING, CITY, WESTMINSTER]),
    (T.EMAIL, " Name@Example.COM ", "Name@example.com"),
    (T.PHONE, " 020 7946 0000 ", "020 7946 0000"),
    (T.PHONE, "+44 7700 900 982", "+44 7700 900 982"),
    (T.URL, "example.org", "https://example.org"),
    (T.URL, "http://www.example.org/about", "http://www.example.org/about"),
    (
        T.BUDGET_TABLE,
        [line("staff", " Youth worker ", "£12,000"), line("venue", "Hall hire", "500.50")],
        [
            {"category": "staff", "description": "Youth worker", "amount_pence": 1_200_000},
            {"category": "venue", "description": "Hall hire", "amount_pence": 50_050},
        ],
    ),
    (T.ORGANISATION_PROFILE, "yes", True),
]


@pytest.mark.parametrize(("qtype", "raw", "value"), GOOD_ANSWERS)
def test_a_good_answer_is_stored_in_its_normal_form(qtype: T, raw: Any, value: Any) -> None:
    assert check_answer(EVERY_TYPE[qtype], raw, CTX) == Checked(value)


def test_money_typed_with_pound_sign_and_commas_is_stored_in_pence() -> None:
    checked = check_answer(EVERY_TYPE[T.MONEY], "£12,500.50", CTX)
    assert checked == Checked(1_250_050)
    assert type(checked.value) is int


def test_a_file_question_is_answered_by_its_uploads_whatever_the_page_sent() -> None:
    assert check_answer(EVERY_TYPE[T.FILE], "ignored", CTX) == Checked(2)


# --- bad answers of every type get the person-facing message ---------------------------------------------

WHOLE_NUMBER = "Enter a whole number, like 25"
MONEY_FORMAT = "Enter an amount in pounds, like £12,500 or 12500.50"
TIERS_MESSAGE = "The amount must be within one of the grant sizes: £10,000 to £25,000, or £25,001 to £50,000"
REAL_DATE_NUMBERS = "Date must be a real date, using numbers, like 27 3 2027"
CHOOSE_OPTIONS = "Choose only from the list: options not on it cannot be saved"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
PHONE_FORMAT = "Enter a telephone number, like 020 7946 0000 or +44 7700 900 982"
URL_FORMAT = "Enter a website address in the right format, like www.example.org"

BAD_ANSWERS = [
    (T.SHORT_TEXT, "x" * 141, "Your answer must be 140 characters or fewer (it has 141)"),
    (T.LONG_TEXT, "word " * 151, "Your answer must be 150 words or fewer (it has 151)"),
    (T.NUMBER, "2.5", WHOLE_NUMBER),
    (T.NUMBER, "ten", WHOLE_NUMBER),
    (T.NUMBER, "1e3", WHOLE_NUMBER),
    (T.NUMBER, "+5", WHOLE_NUMBER),
    (T.NUMBER, "5\n,", WHOLE_NUMBER),
    (T.NUMBER, "1234567890123", WHOLE_NUMBER),
    (T.NUMBER, "0", "The number must be 1 or more"),
    (T.NUMBER, "-3", "The number must be 1 or more"),
    (T.NUMBER, "10001", "The number must be 10,000 or fewer"),
    (T.MONEY, "12.345", MONEY_FORMAT),
    (T.MONEY, "-5", MONEY_FORMAT),
    (T.MONEY, "twelve thousand", MONEY_FORMAT),
    (T.MONEY, "£12,500.5.0", MONEY_FORMAT),
    (T.MONEY, "1e4", MONEY_FORMAT),
    (T.MONEY, "0", "The amount must be £0.01 or more"),
    (T.MONEY, "£9,999.99", TIERS_MESSAGE),
    (T.MONEY, "£25,000.50", TIERS_MESSAGE),
    (T.MONEY, "£50,000.01", TIERS_MESSAGE),
    (T.MONEY, "9" * 40, "The amount must be £1,000,000,000,000 or less"),
    (T.DATE, date_raw("", "3", "2027"), "Date must include a day"),
    (T.DATE, date_raw("", "3", ""), "Date must include a day and year"),
    (T.DATE, date_raw("27", "", ""), "Date must include a month and year"),
    (T.DATE, date_raw("27", "March", "2027"), REAL_DATE_NUMBERS),
    (T.DATE, date_raw("27", "3", "-2027"), REAL_DATE_NUMBERS),
    (T.DATE, date_raw("27", "3", "27"), "Year must include 4 numbers"),
    (T.DATE, date_raw("30", "2", "2027"), "Date must be a real date"),
    (T.DATE, date_raw("1", "13", "2027"), "Date must be a real date"),
    (T.DATE, date_raw("0", "1", "2027"), "Date must be a real date"),
    (T.DATE, date_raw("99999999999999999999", "1", "2027"), "Date must be a real date"),
    (T.DATE, date_raw("31", "3", "2026"), "The date must be on or after 1 April 2026"),
    (T.DATE, date_raw("1", "4", "2028"), "The date must be on or before 31 March 2028"),
    (T.DATE, "27/3/2027", "Enter a date"),
    (T.YES_NO, "maybe", "Select yes or no"),
    (T.YES_NO, "Yes", "Select yes or no"),
    (T.YES_NO, ["yes"], "Select yes or no"),
    (T.SINGLE_CHOICE, "bus", "Select one of the options"),
    (T.SINGLE_CHOICE, ["online"], "Select one of the options"),
    (T.MULTIPLE_CHOICE, ["adults", "pets"], CHOOSE_OPTIONS),
    (T.MULTIPLE_CHOICE, "adults", CHOOSE_OPTIONS),
    (T.MULTIPLE_CHOICE, [["adults"]], CHOOSE_OPTIONS),
    (T.MULTIPLE_CHOICE, 5, CHOOSE_OPTIONS),
    (T.THEMES, ["1", "9"], "Choose only from the list: themes not on it cannot be saved"),
    (T.BOROUGHS, ["E09000034"], "Select boroughs from the list"),
    (T.BOROUGHS, ["Hackney"], "Select boroughs from the list"),
    (T.BOROUGHS, HACKNEY, "Select boroughs from the list"),
    (T.BOROUGHS, 5, "Select boroughs from the list"),
    (T.EMAIL, "name", EMAIL_FORMAT),
    (T.EMAIL, "name@", EMAIL_FORMAT),
    (T.EMAIL, "name@example", EMAIL_FORMAT),
    (T.EMAIL, "name example.com", EMAIL_FORMAT),
    (T.PHONE, "12345", PHONE_FORMAT),
    (T.PHONE, "call me on 020", PHONE_FORMAT),
    (T.URL, "not a website", URL_FORMAT),
    (T.URL, "ftp://example.org", URL_FORMAT),
    (T.URL, "http://[example.org", URL_FORMAT),
    (T.BUDGET_TABLE, [line(category="")], "Line 1: select a category"),
    (T.BUDGET_TABLE, [line(), line(category="food")], "Line 2: select a category"),
    (T.BUDGET_TABLE, [line(category=["staff"])], "Line 1: select a category"),
    (T.BUDGET_TABLE, ["staff"], "Line 1: select a category"),
    (T.BUDGET_TABLE, [line(), line(description="  ")], "Line 2: enter what the money is for"),
    (T.BUDGET_TABLE, [line(description="x" * 201)], "Line 1: the description must be 200 characters or fewer"),
    (T.BUDGET_TABLE, [line(amount="a lot")], "Line 1: enter an amount in pounds, like £1,250"),
    (T.BUDGET_TABLE, [line(amount="-5")], "Line 1: enter an amount in pounds, like £1,250"),
    (T.BUDGET_TABLE, [line(amount="0")], "Line 1: the amount must be more than £0"),
    (T.BUDGET_TABLE, [line(amount="9" * 40)], "Line 1: the amount must be £1,000,000,000,000 or less"),
    (T.BUDGET_TABLE, "staff", "Add at least one line to your budget"),
    (T.ORGANISATION_PROFILE, "no", "Confirm your organisation's details are correct, or change them first"),
]


@pytest.mark.parametrize(("qtype", "raw", "message"), BAD_ANSWERS)
def test_a_bad_answer_has_no_value_and_says_what_to_fix(qtype: T, raw: Any, message: str) -> None:
    assert check_answer(EVERY_TYPE[qtype], raw, CTX) == Checked(None, message)


def test_every_question_type_has_good_and_bad_answers_in_these_tests() -> None:
    with_good = {qtype for qtype, _raw, _value in GOOD_ANSWERS} | {T.FILE}
    with_bad = {qtype for qtype, _raw, _message in BAD_ANSWERS} | {T.FILE}
    assert with_good == with_bad == set(T)


MISSING = {
    T.SHORT_TEXT: "Enter your answer",
    T.LONG_TEXT: "Enter your answer",
    T.NUMBER: "Enter a number",
    T.MONEY: "Enter an amount",
    T.DATE: "Enter a date",
    T.YES_NO: "Select yes or no",
    T.SINGLE_CHOICE: "Select an option",
    T.MULTIPLE_CHOICE: "Select at least one option",
    T.THEMES: "Select at least one theme",
    T.BOROUGHS: "Select at least one borough",
    T.EMAIL: "Enter an email address",
    T.PHONE: "Enter a telephone number",
    T.URL: "Enter a web address",
    T.FILE: "Upload a file",
    T.BUDGET_TABLE: "Add at least one line to your budget",
    T.ORGANISATION_PROFILE: "Confirm your organisation's details are correct, or change them first",
}


def _empty_raw(qtype: T) -> Any:
    if qtype == T.DATE:
        return date_raw(" ", "", "")
    if qtype in {T.MULTIPLE_CHOICE, T.THEMES, T.BOROUGHS, T.BUDGET_TABLE}:
        return []
    return "   "


def _unanswered(qtype: T, *, required: bool) -> Any:
    asked = EVERY_TYPE[qtype]
    key = "no_uploads" if qtype == T.FILE else asked.key
    return question(qtype, key, required=required, **asked.config)


@pytest.mark.parametrize("qtype", list(T))
def test_an_empty_required_answer_asks_for_one(qtype: T) -> None:
    assert check_answer(_unanswered(qtype, required=True), _empty_raw(qtype), CTX) == Checked(None, MISSING[qtype])
    assert check_answer(_unanswered(qtype, required=True), None, CTX) == Checked(None, MISSING[qtype])


@pytest.mark.parametrize("qtype", list(T))
def test_an_empty_optional_answer_is_fine_and_has_no_value(qtype: T) -> None:
    assert check_answer(_unanswered(qtype, required=False), _empty_raw(qtype), CTX) == Checked(None, None)
    assert check_answer(_unanswered(qtype, required=False), None, CTX) == Checked(None, None)


# --- limits in a question's config ----------------------------------------------------------------------


def test_short_text_is_limited_to_500_characters_unless_configured() -> None:
    unconfigured = question(T.SHORT_TEXT)
    assert check_answer(unconfigured, "x" * 500, CTX) == Checked("x" * 500)
    assert (
        check_answer(unconfigured, "x" * 501, CTX).error == "Your answer must be 500 characters or fewer (it has 501)"
    )
    at_most_1000 = question(T.SHORT_TEXT, max_length=1000)
    assert check_answer(at_most_1000, "x" * 1001, CTX).error == (
        "Your answer must be 1,000 characters or fewer (it has 1,001)"
    )


def test_a_long_text_answer_at_the_word_limit_is_accepted_and_one_over_is_not() -> None:
    limited = question(T.LONG_TEXT, word_limit=1000)
    assert check_answer(limited, " ".join(["word"] * 1000), CTX).error is None
    assert check_answer(limited, "\n".join(["word"] * 1001), CTX) == Checked(
        None, "Your answer must be 1,000 words or fewer (it has 1,001)"
    )


def test_words_are_runs_of_non_space_characters_as_the_live_count_counts_them() -> None:
    assert count_words("") == 0
    assert count_words("   \n\t ") == 0
    assert count_words("one") == 1
    assert count_words("  one,two  three\n\nfour\tfive — six ") == 6
    assert count_words("don't re-use e.g. £12,500") == 4


def test_a_long_text_answer_longer_than_the_hard_cap_is_refused_whatever_its_words() -> None:
    limited = question(T.LONG_TEXT, word_limit=5000)
    assert check_answer(limited, "x" * MAX_TEXT_CHARS, CTX) == Checked("x" * MAX_TEXT_CHARS)
    assert check_answer(limited, "x" * (MAX_TEXT_CHARS + 1), CTX) == Checked(
        None, "Your answer must be 50,000 characters or fewer"
    )


def test_a_money_question_limits_come_from_its_config_in_pence() -> None:
    bounded = question(T.MONEY, min_pence=50_000, max_pence=100_000)
    assert check_answer(bounded, "£500", NO_CONTEXT) == Checked(50_000)
    assert check_answer(bounded, "£1,000", NO_CONTEXT) == Checked(100_000)
    assert check_answer(bounded, "499.99", NO_CONTEXT).error == "The amount must be £500 or more"
    assert check_answer(bounded, "1000.01", NO_CONTEXT).error == "The amount must be £1,000 or less"


def test_a_money_question_with_no_limits_accepts_nothing_and_up_to_a_trillion_pounds() -> None:
    unbounded = question(T.MONEY, min_pence=0)
    assert check_answer(unbounded, "0", NO_CONTEXT) == Checked(0)
    assert check_answer(unbounded, "1,000,000,000,000", NO_CONTEXT) == Checked(MAX_PENCE)
    assert check_answer(unbounded, "1,000,000,000,000.01", NO_CONTEXT).error == (
        "The amount must be £1,000,000,000,000 or less"
    )


def test_an_amount_within_a_tier_is_not_checked_when_the_call_has_no_tiers() -> None:
    assert check_answer(EVERY_TYPE[T.MONEY], "£1", NO_CONTEXT) == Checked(100)


def test_the_tier_message_lists_every_tier_range_in_order() -> None:
    three = (TierRule("A", 100, 200), TierRule("B", 201, 300), TierRule("C", 301, 400_000))
    assert tier_ranges(three) == "£1 to £2, £2.01 to £3, or £3.01 to £4,000"
    assert tier_ranges((SMALL,)) == "£10,000 to £25,000"
    assert tier_ranges(()) == ""
    ctx = FormContext(tiers=three)
    assert check_answer(question(T.MONEY, within_tier=True), "5000", ctx).error == (
        "The amount must be within one of the grant sizes: £1 to £2, £2.01 to £3, or £3.01 to £4,000"
    )


def test_dates_outside_the_project_window_are_fine_when_the_call_sets_none() -> None:
    assert check_answer(question(T.DATE), date_raw("1", "1", "1999"), NO_CONTEXT) == Checked("1999-01-01")


def test_a_declaration_cannot_be_answered_no() -> None:
    declaration = question(T.YES_NO, must_answer_yes=True)
    assert check_answer(declaration, "yes", CTX) == Checked("yes")
    assert check_answer(declaration, "no", CTX) == Checked(
        None, "You can only submit your application if you can confirm this"
    )


def test_choices_respect_minimum_and_maximum_selections() -> None:
    two_or_three = question(T.MULTIPLE_CHOICE, choices=GROUPS, min_selections=2, max_selections=2)
    assert check_answer(two_or_three, ["adults"], CTX).error == "Select at least 2 options"
    assert check_answer(two_or_three, ["adults", "children", "young_people"], CTX).error == (
        "Select no more than 2 options"
    )
    one_theme = question(T.THEMES, max_selections=1)
    assert check_answer(one_theme, ["1", "2"], CTX).error == "Select no more than 1 theme"
    boroughs = question(T.BOROUGHS, min_selections=2, max_selections=3)
    assert check_answer(boroughs, [HACKNEY], CTX).error == "Select at least 2 boroughs"
    assert check_answer(boroughs, [HACKNEY, CITY, BARKING, WESTMINSTER], CTX).error == "Select no more than 3 boroughs"
    assert check_answer(boroughs, [HACKNEY, CITY, HACKNEY], CTX) == Checked([CITY, HACKNEY])


def test_themes_can_only_be_the_calls_own() -> None:
    assert check_answer(question(T.THEMES), ["1"], FormContext()).error == (
        "Choose only from the list: themes not on it cannot be saved"
    )


def test_a_budget_has_at_most_its_configured_number_of_lines() -> None:
    two_lines = question(T.BUDGET_TABLE, categories=CATEGORIES, max_lines=2)
    assert check_answer(two_lines, [line(), line()], CTX).error is None
    assert check_answer(two_lines, [line(), line(), line()], CTX) == Checked(None, "Your budget can have up to 2 lines")


def test_a_file_questions_value_is_how_many_files_were_uploaded() -> None:
    assert check_answer(question(T.FILE, "policy_file"), None, CTX) == Checked(1)


# --- rules across questions -----------------------------------------------------------------------------

POLICY = question(T.YES_NO, "safeguarding_policy", label="Do you have a safeguarding policy?")
POLICY_FILE = question(T.FILE, "policy_file", show_if={"question": "safeguarding_policy", "equals": "yes"})
POLICY_PLAN = question(T.LONG_TEXT, "plan", word_limit=5, show_if={"question": "safeguarding_policy", "equals": "no"})
SAFEGUARDING = [POLICY, POLICY_FILE, POLICY_PLAN]


def test_a_question_hidden_by_a_yes_no_answer_is_neither_required_nor_given_a_value() -> None:
    result = check_answers(SAFEGUARDING, {"safeguarding_policy": "yes", "plan": "not needed"}, CTX)
    assert result.values == {"safeguarding_policy": "yes", "policy_file": 1, "plan": None}
    assert result.errors == {}
    assert result.shown == frozenset({"safeguarding_policy", "policy_file"})


def test_a_question_shown_by_a_yes_no_answer_is_required() -> None:
    no_uploads = FormContext()
    result = check_answers(SAFEGUARDING, {"safeguarding_policy": "no"}, no_uploads)
    assert result.errors == {"plan": "Enter your answer"}
    assert result.shown == frozenset({"safeguarding_policy", "plan"})
    assert result.values == {"safeguarding_policy": "no", "policy_file": None, "plan": None}


def test_a_hidden_question_with_a_bad_leftover_answer_has_no_error() -> None:
    result = check_answers(SAFEGUARDING, {"safeguarding_policy": "yes", "plan": "far too many words for this"}, CTX)
    assert "plan" not in result.errors
    assert result.values["plan"] is None


def test_questions_depending_on_an_unanswered_question_are_hidden() -> None:
    result = check_answers(SAFEGUARDING, {}, FormContext())
    assert result.shown == frozenset({"safeguarding_policy"})
    assert result.errors == {"safeguarding_policy": "Select yes or no"}


def test_a_question_hidden_by_a_hidden_question_is_hidden_too() -> None:
    works_with_children = question(T.YES_NO, "children")
    under_tens = question(T.YES_NO, "under_tens", show_if={"question": "children", "equals": "yes"})
    under_tens_plan = question(
        T.LONG_TEXT, "under_tens_plan", word_limit=50, show_if={"question": "under_tens", "equals": "yes"}
    )
    # The person answered yes twice, then changed the first answer to no: the rest no longer applies.
    result = check_answers(
        [works_with_children, under_tens, under_tens_plan], {"children": "no", "under_tens": "yes"}, CTX
    )
    assert result.shown == frozenset({"children"})
    assert result.errors == {}
    assert result.values == {"children": "no", "under_tens": None, "under_tens_plan": None}


def test_show_if_can_look_at_an_answer_in_another_section() -> None:
    result = check_answers([POLICY_PLAN], {"plan": "A short plan"}, CTX, other_values={"safeguarding_policy": "no"})
    assert result.values == {"plan": "A short plan"}
    assert result.shown == frozenset({"plan"})


START = question(T.DATE, "start_date", label="When will your project start?")
END = question(T.DATE, "end_date", label="When will your project end?", after_question="start_date")


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        (("1", "5", "2026"), ("30", "4", "2027"), None),
        (("1", "5", "2026"), ("2", "5", "2026"), None),
        (
            ("1", "5", "2026"),
            ("1", "5", "2026"),
            "The date must be after the answer to “When will your project start?”",
        ),
        (
            ("1", "5", "2027"),
            ("1", "6", "2026"),
            "The date must be after the answer to “When will your project start?”",
        ),
        (("31", "2", "2026"), ("1", "6", "2026"), None),  # the start date has its own error
    ],
)
def test_the_end_date_must_come_after_the_start_date(
    start: tuple[str, str, str], end: tuple[str, str, str], error: str | None
) -> None:
    result = check_answers([START, END], {"start_date": date_raw(*start), "end_date": date_raw(*end)}, CTX)
    assert result.errors.get("end_date") == error
    assert (result.values["end_date"] is None) == (error is not None)


def test_the_end_date_is_compared_with_a_start_date_from_another_section() -> None:
    result = check_answers(
        [END], {"end_date": date_raw("1", "5", "2026")}, CTX, other_values={"start_date": "2026-06-01"}
    )
    assert result.errors == {"end_date": "The date must be after the answer to “start_date”"}


def test_both_project_dates_must_be_inside_the_calls_project_window() -> None:
    raws = {"start_date": date_raw("1", "3", "2026"), "end_date": date_raw("1", "4", "2028")}
    result = check_answers([START, END], raws, CTX)
    assert result.errors == {
        "start_date": "The date must be on or after 1 April 2026",
        "end_date": "The date must be on or before 31 March 2028",
    }
    inside = {"start_date": date_raw("1", "4", "2026"), "end_date": date_raw("31", "3", "2028")}
    assert check_answers([START, END], inside, CTX).values == {"start_date": "2026-04-01", "end_date": "2028-03-31"}


REACHED = question(T.NUMBER, "londoners_reached", label="How many Londoners will take part?", min=1)
CHANGED = question(T.NUMBER, "reporting_change", min=0, at_most_question="londoners_reached")


@pytest.mark.parametrize(
    ("changed", "error"),
    [
        ("1,000", None),
        ("0", None),
        ("1,001", "The number cannot be more than your answer to “How many Londoners will take part?” (1,000)"),
    ],
)
def test_a_number_cannot_be_more_than_the_number_it_is_a_part_of(changed: str, error: str | None) -> None:
    result = check_answers([REACHED, CHANGED], {"londoners_reached": "1,000", "reporting_change": changed}, CTX)
    assert result.errors.get("reporting_change") == error


def test_a_number_is_not_compared_with_an_unanswered_number() -> None:
    result = check_answers([REACHED, CHANGED], {"londoners_reached": "", "reporting_change": "50"}, CTX)
    assert result.errors == {"londoners_reached": "Enter a number"}
    assert result.values["reporting_change"] == 50


AMOUNT = EVERY_TYPE[T.MONEY]
BUDGET = EVERY_TYPE[T.BUDGET_TABLE]


def test_a_budget_that_adds_up_to_the_amount_requested_is_kept() -> None:
    raws = {"amount_requested": "£12,500", "budget": [line(amount="12,000"), line("venue", "Hall", "500")]}
    result = check_answers([AMOUNT, question(T.BUDGET_TABLE, "budget", **BUDGET.config)], raws, CTX)
    assert result.errors == {}
    assert result.values["budget"][1] == {"category": "venue", "description": "Hall", "amount_pence": 50_000}


def test_a_budget_total_must_equal_the_amount_requested() -> None:
    budget = question(T.BUDGET_TABLE, "budget", **BUDGET.config)
    result = check_answers(
        [budget], {"budget": [line(amount="£12,000")]}, CTX, other_values={"amount_requested": 1_250_000}
    )
    assert result.errors == {
        "budget": "Your budget adds up to £12,000 but the amount you are asking for is £12,500: they must be the same"
    }
    assert result.values == {"budget": None}


def test_a_budget_is_not_compared_with_an_amount_that_is_not_valid() -> None:
    budget = question(T.BUDGET_TABLE, "budget", **BUDGET.config)
    result = check_answers([AMOUNT, budget], {"amount_requested": "£60,000", "budget": [line(amount="£60,000")]}, CTX)
    assert result.errors == {"amount_requested": TIERS_MESSAGE}
    assert result.values["budget"] == [{"category": "staff", "description": "Youth worker", "amount_pence": 6_000_000}]


MATCH_AMOUNT = question(
    T.MONEY,
    "match_funding_amount",
    min_pence=0,
    match_funding_for_tier=True,
    show_if={"tier_needs_match_funding": True},
)
MATCH_SOURCES = question(
    T.LONG_TEXT, "match_funding_sources", word_limit=150, show_if={"tier_needs_match_funding": True}
)
MATCH_FILE = question(T.FILE, "match_file", show_if={"tier_needs_match_funding": True})
MATCH_FUNDING = [MATCH_AMOUNT, MATCH_SOURCES, MATCH_FILE]


def test_match_funding_is_not_asked_for_when_the_tier_needs_none() -> None:
    result = check_answers(
        MATCH_FUNDING, {"match_funding_amount": "rubbish"}, CTX, other_values={"amount_requested": 2_000_000}
    )
    assert result.shown == frozenset()
    assert result.errors == {}
    assert result.values == {"match_funding_amount": None, "match_funding_sources": None, "match_file": None}


def test_match_funding_is_not_asked_for_until_an_amount_is_requested() -> None:
    result = check_answers(MATCH_FUNDING, {}, CTX, other_values={"amount_requested": None})
    assert result.shown == frozenset()
    assert result.errors == {}


def test_match_funding_is_required_when_the_tier_says_so() -> None:
    result = check_answers(MATCH_FUNDING, {}, CTX, other_values={"amount_requested": 3_000_000})
    assert result.shown == frozenset({"match_funding_amount", "match_funding_sources", "match_file"})
    assert result.errors == {
        "match_funding_amount": "Enter an amount",
        "match_funding_sources": "Enter your answer",
        "match_file": "Upload a file",
    }


@pytest.mark.parametrize(
    ("match", "error"),
    [
        ("£5,000.21", None),
        ("£20,000", None),
        ("£5,000.20", "Match funding must be at least £5,000.21 (20% of the £25,001.01 you are asking for)"),
        ("0", "Match funding must be at least £5,000.21 (20% of the £25,001.01 you are asking for)"),
    ],
)
def test_match_funding_must_be_at_least_the_tiers_percentage_rounded_up_to_the_penny(
    match: str, error: str | None
) -> None:
    # 20% of £25,001.01 is £5,000.202: a fraction of a penny short would not do.
    raws = {"amount_requested": "25001.01", "match_funding_amount": match}
    result = check_answers([AMOUNT, MATCH_AMOUNT], raws, CTX)
    assert result.errors.get("match_funding_amount") == error
    assert result.errors.get("amount_requested") is None


def test_match_funding_of_an_exact_percentage_needs_no_rounding() -> None:
    raws = {"match_funding_amount": "£6,000"}
    result = check_answers([MATCH_AMOUNT], raws, CTX, other_values={"amount_requested": 3_000_000})
    assert result.errors == {}
    assert result.values == {"match_funding_amount": 600_000}


def test_check_answers_gives_values_only_for_the_questions_checked() -> None:
    result = check_answers([POLICY], {"safeguarding_policy": "no"}, CTX, other_values={"amount_requested": 1})
    assert result.values == {"safeguarding_policy": "no"}


# --- reading a posted page ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "qtype",
    [
        T.SHORT_TEXT,
        T.LONG_TEXT,
        T.NUMBER,
        T.MONEY,
        T.YES_NO,
        T.SINGLE_CHOICE,
        T.EMAIL,
        T.PHONE,
        T.URL,
        T.ORGANISATION_PROFILE,
    ],
)
def test_a_single_box_answer_is_read_exactly_as_typed(qtype: T) -> None:
    asked = question(qtype, "answer")
    assert read_raw(asked, MultiDict({"answer": "  £12,500\n"})) == "  £12,500\n"
    assert read_raw(asked, MultiDict()) == ""


def test_a_date_is_read_from_its_three_boxes() -> None:
    posted = MultiDict({"start_date-day": "27", "start_date-month": " 3", "start_date-year": "2027"})
    assert read_raw(START, posted) == {"day": "27", "month": " 3", "year": "2027"}
    assert read_raw(START, MultiDict({"start_date-year": "2027"})) == {"day": "", "month": "", "year": "2027"}


@pytest.mark.parametrize("qtype", [T.MULTIPLE_CHOICE, T.THEMES, T.BOROUGHS])
def test_selections_are_read_from_every_ticked_box_without_blanks(qtype: T) -> None:
    posted = MultiDict([("answer", HACKNEY), ("answer", ""), ("answer", CITY), ("other", "x")])
    assert read_raw(question(qtype), posted) == [HACKNEY, CITY]
    assert read_raw(question(qtype), MultiDict()) == []


def test_at_most_a_hundred_selections_are_read() -> None:
    posted = MultiDict([("answer", f"v{i}") for i in range(150)])
    assert read_raw(question(T.MULTIPLE_CHOICE), posted) == [f"v{i}" for i in range(100)]


def test_budget_lines_are_read_from_the_column_lists_and_blank_lines_dropped() -> None:
    posted = MultiDict(
        [
            ("budget-category", "staff"),
            ("budget-description", "Youth worker"),
            ("budget-amount", "£12,000"),
            ("budget-category", ""),
            ("budget-description", "  "),
            ("budget-amount", " "),
            ("budget-category", "venue"),
            ("budget-description", "Hall"),
            ("budget-amount", "500"),
            ("budget-description", "No category or amount"),
        ]
    )
    assert read_raw(question(T.BUDGET_TABLE, "budget"), posted) == [
        {"category": "staff", "description": "Youth worker", "amount": "£12,000"},
        {"category": "venue", "description": "Hall", "amount": "500"},
        {"category": "", "description": "No category or amount", "amount": ""},
    ]
    assert read_raw(question(T.BUDGET_TABLE, "budget"), MultiDict()) == []


def test_at_most_two_hundred_budget_lines_are_read() -> None:
    posted = MultiDict([("budget-amount", str(i + 1)) for i in range(250)])
    assert len(read_raw(question(T.BUDGET_TABLE, "budget"), posted)) == 200


def test_a_file_question_reads_nothing_from_the_page() -> None:
    assert read_raw(question(T.FILE, "evidence"), MultiDict({"evidence": "x"})) is None


def test_a_very_long_answer_is_capped_when_read_and_then_refused_not_silently_shortened() -> None:
    # 5,001 ten-letter words: over the limit, and still over it once cut to the cap.
    essay = " ".join(["abcdefghij"] * 5001)
    limited = question(T.LONG_TEXT, word_limit=5000)
    raw = read_raw(limited, MultiDict({"answer": essay}))
    assert len(raw) == MAX_TEXT_CHARS + 1
    assert check_answer(limited, raw, CTX) == Checked(None, "Your answer must be 50,000 characters or fewer")


def test_long_values_in_a_date_or_selection_are_capped_when_read() -> None:
    posted = MultiDict({"start_date-day": "9" * 60_000, "answer": "x" * 60_000})
    assert len(read_raw(START, posted)["day"]) == MAX_TEXT_CHARS + 1
    assert len(read_raw(question(T.THEMES), posted)[0]) == MAX_TEXT_CHARS + 1


@pytest.mark.parametrize(
    ("qtype", "posted", "value"),
    [
        (T.MONEY, {"answer": "£12,500"}, 1_250_000),
        (T.DATE, {"answer-day": "1", "answer-month": "5", "answer-year": "2026"}, "2026-05-01"),
        (T.BOROUGHS, [("answer", WESTMINSTER), ("answer", HACKNEY)], [HACKNEY, WESTMINSTER]),
        (
            T.BUDGET_TABLE,
            [("answer-category", "venue"), ("answer-description", "Hall"), ("answer-amount", "250")],
            [{"category": "venue", "description": "Hall", "amount_pence": 25_000}],
        ),
    ],
)
def test_what_is_read_from_a_page_checks_as_typed(qtype: T, posted: Any, value: Any) -> None:
    asked = question(qtype, **EVERY_TYPE[qtype].config)
    assert check_answer(asked, read_raw(asked, MultiDict(posted)), CTX) == Checked(value)


# --- showing answers back -------------------------------------------------------------------------------

SHOWN_TEXT = [
    (T.SHORT_TEXT, "Youth club", "Youth club"),
    (T.LONG_TEXT, "Line one\n\nLine two", "Line one\n\nLine two"),
    (T.NUMBER, 12_500, "12,500"),
    (T.NUMBER, 0, "0"),
    (T.MONEY, 1_250_050, "£12,500.50"),
    (T.MONEY, 0, "£0"),
    (T.DATE, "2027-03-27", "27 March 2027"),
    (T.YES_NO, "yes", "Yes"),
    (T.YES_NO, "no", "No"),
    (T.SINGLE_CHOICE, "in_person", "In person"),
    (T.EMAIL, "name@example.com", "name@example.com"),
    (T.PHONE, "020 7946 0000", "020 7946 0000"),
    (T.URL, "https://example.org", "https://example.org"),
    (T.FILE, 1, "1 file uploaded"),
    (T.FILE, 3, "3 files uploaded"),
    (T.ORGANISATION_PROFILE, True, "Confirmed"),
]


@pytest.mark.parametrize(("qtype", "value", "text"), SHOWN_TEXT)
def test_an_answer_is_shown_as_people_read_it(qtype: T, value: Any, text: str) -> None:
    assert show_answer(EVERY_TYPE[qtype], value, CTX) == Shown(text=text)


@pytest.mark.parametrize(
    ("qtype", "value", "lines"),
    [
        (T.MULTIPLE_CHOICE, ["children", "adults"], ("Children", "Adults")),
        (T.THEMES, ["1", "3"], ("Young people", "Online harms")),
        (T.BOROUGHS, [CITY, HACKNEY], ("City of London", "Hackney")),
    ],
)
def test_selections_are_shown_one_name_a_line(qtype: T, value: list[str], lines: tuple[str, ...]) -> None:
    assert show_answer(EVERY_TYPE[qtype], value, CTX) == Shown(lines=lines)


def test_a_budget_is_shown_as_a_table_with_its_total() -> None:
    value = [
        {"category": "staff", "description": "Youth worker", "amount_pence": 1_200_000},
        {"category": "venue", "description": "Hall", "amount_pence": 50_050},
    ]
    assert show_answer(BUDGET, value, CTX) == Shown(
        table_rows=(("Staff salaries", "Youth worker", "£12,000"), ("Venue hire", "Hall", "£500.50")),
        table_total="£12,500.50",
    )


@pytest.mark.parametrize("qtype", list(T))
def test_an_unanswered_question_is_shown_as_nothing(qtype: T) -> None:
    assert show_answer(EVERY_TYPE[qtype], None, CTX) == Shown()


@pytest.mark.parametrize(("qtype", "raw", "value"), GOOD_ANSWERS)
def test_every_good_answer_can_be_shown_back(qtype: T, raw: Any, value: Any) -> None:
    shown = show_answer(EVERY_TYPE[qtype], check_answer(EVERY_TYPE[qtype], raw, CTX).value, CTX)
    assert shown != Shown()


# --- properties -----------------------------------------------------------------------------------------

# Where Python's str.split() and the GOV.UK character count's /\S+/g (JavaScript) disagree about whitespace.
_PYTHON_ONLY_SPACE = "\x1c\x1d\x1e\x1f\x85"
_JAVASCRIPT_ONLY_SPACE = "\ufeff"
_JS_SPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")
_SHARED_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


# Letters, marks, digits, punctuation and symbols: never whitespace to either side.
_WORD_CHARACTERS = st.characters(exclude_categories=("Z", "Cc", "Cs"), exclude_characters=_JAVASCRIPT_ONLY_SPACE)


def _javascript_word_count(text: str) -> int:
    return len([word for word in _JS_SPACE.split(text) if word])


@PROPERTY
@given(st.text())
def test_count_words_counts_as_str_split_does(text: str) -> None:
    assert count_words(text) == len(text.split())


@PROPERTY
@given(
    words=st.lists(st.text(_WORD_CHARACTERS, min_size=1, max_size=8), max_size=40),
    gaps=st.lists(st.text(st.sampled_from(_SHARED_SPACE), min_size=1, max_size=3), min_size=41, max_size=41),
    limit=st.integers(min_value=1, max_value=40),
)
def test_a_long_text_answer_is_accepted_exactly_when_the_live_count_is_within_the_limit(
    words: list[str], gaps: list[str], limit: int
) -> None:
    text = gaps[0] + "".join(word + gap for word, gap in zip(words, gaps[1:], strict=False))
    checked = check_answer(question(T.LONG_TEXT, required=False, word_limit=limit), text, CTX)
    assert count_words(text) == _javascript_word_count(text) == len(words)
    assert (checked.error is None) == (len(words) <= limit)
    if checked.error:
        assert checked.error == f"Your answer must be {limit} words or fewer (it has {len(words)})"


def _real_date(day: int, month: int, year: int) -> date | None:
    if min(day, month, year) < 0 or len(str(year)) != 4:
        return None
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


@PROPERTY
@given(
    day=st.one_of(st.integers(min_value=-2, max_value=40), st.integers(), st.integers(min_value=0, max_value=10**30)),
    month=st.one_of(st.integers(min_value=-2, max_value=14), st.integers(), st.integers(min_value=0, max_value=10**30)),
    year=st.one_of(st.integers(min_value=990, max_value=10_010), st.integers()),
    padded=st.booleans(),
)
def test_date_parts_are_accepted_exactly_when_they_make_a_real_date(
    day: int, month: int, year: int, padded: bool
) -> None:
    parts = [f"{n:02d}" if padded and n >= 0 else str(n) for n in (day, month)] + [str(year)]
    expected = _real_date(day, month, year)
    if expected is None:
        with pytest.raises(DateParseError):
            parse_date_parts(*parts)
    else:
        assert parse_date_parts(*parts) == expected


_DATE_TEXT = st.one_of(
    st.text(alphabet="0123456789 -+.", max_size=6),
    st.text(max_size=6),
    st.integers().map(str),
    st.integers(min_value=0, max_value=10**30).map(str),
)


@PROPERTY
@given(day=_DATE_TEXT, month=_DATE_TEXT, year=_DATE_TEXT)
def test_date_parts_typed_as_any_text_make_a_real_date_or_a_date_parse_error(day: str, month: str, year: str) -> None:
    parts = [day.strip(), month.strip(), year.strip()]
    try:
        expected: date | None = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except (ValueError, OverflowError):
        expected = None
    if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
        expected = None
    try:
        parsed: date | None = parse_date_parts(day, month, year)
    except DateParseError as exc:
        assert str(exc)
        parsed = None
    assert parsed == expected


@PROPERTY
@given(st.integers(min_value=-(10**10), max_value=10**11))
def test_a_whole_number_typed_plainly_or_with_commas_is_read_back(number: int) -> None:
    assert parse_whole_number(str(number)) == number
    assert parse_whole_number(f" {number:,} ") == number


@PROPERTY
@given(st.one_of(st.text(), st.text(alphabet="0123456789,-+ ._\n")))
def test_a_whole_number_is_what_int_reads_or_a_value_error(text: str) -> None:
    cleaned = text.strip().replace(",", "")
    try:
        number = parse_whole_number(text)
    except ValueError:
        return
    assert number == int(cleaned)
    assert cleaned.lstrip("-").isdigit()


_ANY_RAW = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
_SHAPED_RAW = st.one_of(
    st.fixed_dictionaries({"day": _DATE_TEXT, "month": _DATE_TEXT, "year": _DATE_TEXT}),
    st.lists(
        st.sampled_from(["adults", "children", "1", "2", CITY, HACKNEY, "", "x"]) | st.text(max_size=10), max_size=5
    ),
    st.lists(
        st.fixed_dictionaries(
            {
                "category": st.sampled_from(["staff", "venue", "", "x"]) | _ANY_RAW,
                "description": _ANY_RAW,
                "amount": st.text(max_size=12) | _ANY_RAW,
            }
        ),
        max_size=4,
    ),
    st.sampled_from(["yes", "no", "£12,500", "12500.00", "25", "name@example.com", "example.org", "020 7946 0000"]),
)


@pytest.mark.parametrize("qtype", list(T))
@settings(max_examples=60, deadline=None, database=None)
@given(raw=st.one_of(_ANY_RAW, _SHAPED_RAW))
def test_check_answer_never_raises_whatever_was_sent(qtype: T, raw: Any) -> None:
    asked = EVERY_TYPE[qtype]
    checked = check_answer(asked, raw, CTX)
    assert isinstance(checked, Checked)
    assert checked.value is None or checked.error is None
    if checked.error is not None:
        assert isinstance(checked.error, str) and checked.error
    if checked.value is not None:
        assert isinstance(show_answer(asked, checked.value, CTX), Shown)


@PROPERTY
@given(raws=st.dictionaries(st.sampled_from([q.key for q in EVERY_TYPE.values()]), st.one_of(_ANY_RAW, _SHAPED_RAW)))
def test_check_answers_never_raises_and_errors_only_shown_questions(raws: dict[str, Any]) -> None:
    questions = [q for q in EVERY_TYPE.values() if q.key != "answer"] + [MATCH_AMOUNT, START, END, POLICY, POLICY_PLAN]
    result = check_answers(questions, raws, CTX)
    assert set(result.errors) <= result.shown
    assert all(result.values[key] is None for key in result.errors)
    assert all(result.values[q.key] is None for q in questions if q.key not in result.shown)
