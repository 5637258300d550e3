"""With an error name, messages say what is wrong with which answer (GOV.UK style); without one, they are generic."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from fundapp.applications.answers import FormContext, check_answer, check_answers, missing_message
from fundapp.programmes.question_sets import default_question_set
from fundapp.programmes.states import QuestionType as T


def named(qtype: T, name: str, key: str = "answer", **config: Any) -> Any:
    return SimpleNamespace(key=key, type=qtype, label="Question?", required=True, config=config, error_name=name)


@pytest.mark.parametrize(
    ("qtype", "config", "expected"),
    [
        (T.SHORT_TEXT, {}, "Enter the name of your project"),
        (T.LONG_TEXT, {"word_limit": 10}, "Enter the name of your project"),
        (T.DATE, {}, "Enter the name of your project"),
        (T.YES_NO, {}, "Select the name of your project"),
        (T.BOROUGHS, {}, "Select the name of your project"),
        (T.FILE, {"allowed_file_types": ["pdf"], "max_file_size_mb": 1}, "Upload the name of your project"),
    ],
)
def test_a_missing_answer_names_what_is_missing(qtype: T, config: dict[str, Any], expected: str) -> None:
    question = named(qtype, "the name of your project", **config)
    assert missing_message(question) == expected
    assert check_answer(question, None, FormContext()).error == expected


def test_a_date_error_starts_with_what_the_date_is() -> None:
    question = named(T.DATE, "the date your project will start")
    checked = check_answer(question, {"day": "31", "month": "2", "year": ""}, FormContext())
    assert checked.error == "The date your project will start must include a year"


def test_a_number_out_of_range_names_the_number() -> None:
    question = named(T.NUMBER, "the number of volunteers", min=0, max=10)
    assert check_answer(question, "11", FormContext()).error == "The number of volunteers must be 10 or fewer"


def test_an_end_date_before_the_start_names_both_dates() -> None:
    start = named(T.DATE, "the date your project will start", key="start")
    end = named(T.DATE, "the date your project will end", key="end", after_question="start")
    raws = {"start": {"day": "1", "month": "4", "year": "2027"}, "end": {"day": "1", "month": "3", "year": "2027"}}
    errors = check_answers([start, end], raws, FormContext()).errors
    assert errors == {"end": "The date your project will end must be after the date your project will start"}


def test_without_an_error_name_messages_stay_generic() -> None:
    question = SimpleNamespace(key="a", type=T.DATE, label="When?", required=True, config={})
    assert missing_message(question) == "Enter a date"


def test_every_question_of_the_default_form_has_an_error_name_except_the_profile_and_budget() -> None:
    unnamed = [
        q["key"]
        for section in default_question_set()["sections"]
        for q in section["questions"]
        if not q.get("error_name")
    ]
    assert unnamed == ["organisation_profile", "budget"]
