"""The default SEF question set is valid data, and the checks catch the mistakes people make editing one."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from fundapp.programmes.question_sets import (
    QUESTION_TYPE_LABELS,
    default_question_set,
    problems,
    schema,
    schema_problems,
)
from fundapp.programmes.states import QuestionType

ALLOWED_FILE_TYPES = {"pdf", "docx", "xlsx", "odt", "ods", "png", "jpg"}


@pytest.fixture()
def data() -> dict[str, Any]:
    return default_question_set()


def _questions(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["key"]: q for section in data["sections"] for q in section["questions"]}


def _question(data: dict[str, Any], key: str) -> dict[str, Any]:
    return _questions(data)[key]


def test_the_schema_is_itself_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(schema())


def test_the_default_question_set_matches_the_schema(data: dict[str, Any]) -> None:
    assert schema_problems(data) == []


def test_the_default_question_set_passes_the_cross_question_checks(data: dict[str, Any]) -> None:
    assert problems(data) == []


def test_the_default_question_set_has_a_name_and_a_version(data: dict[str, Any]) -> None:
    assert data["name"] == "Shared Endeavour Fund application form"
    assert data["version"]


def test_the_schema_lists_exactly_the_question_types_the_app_knows() -> None:
    listed = schema()["$defs"]["question"]["properties"]["type"]["enum"]
    assert set(listed) == {t.value for t in QuestionType}
    assert set(QUESTION_TYPE_LABELS) == set(QuestionType)


def test_the_default_form_covers_every_part_of_an_sef_application(data: dict[str, Any]) -> None:
    assert [s["key"] for s in data["sections"]] == [
        "organisation",
        "project_summary",
        "need",
        "activities",
        "beneficiaries",
        "themes",
        "outcomes",
        "safeguarding",
        "budget",
        "risks",
        "declarations",
    ]
    questions = _questions(data)
    expected_types = {
        "organisation_profile": QuestionType.ORGANISATION_PROFILE,
        "project_title": QuestionType.SHORT_TEXT,
        "project_summary": QuestionType.LONG_TEXT,
        "start_date": QuestionType.DATE,
        "end_date": QuestionType.DATE,
        "amount_requested": QuestionType.MONEY,
        "boroughs": QuestionType.BOROUGHS,
        "londoners_reached": QuestionType.NUMBER,
        "target_groups": QuestionType.MULTIPLE_CHOICE,
        "themes": QuestionType.THEMES,
        "safeguarding_policy": QuestionType.YES_NO,
        "safeguarding_policy_file": QuestionType.FILE,
        "safeguarding_lead_name": QuestionType.SHORT_TEXT,
        "budget": QuestionType.BUDGET_TABLE,
        "match_funding_amount": QuestionType.MONEY,
        "match_funding_evidence": QuestionType.FILE,
        "risks": QuestionType.LONG_TEXT,
        "signatory_name": QuestionType.SHORT_TEXT,
        "signatory_position": QuestionType.SHORT_TEXT,
        "signatory_email": QuestionType.EMAIL,
        "signatory_phone": QuestionType.PHONE,
    }
    assert {key: questions[key]["type"] for key in expected_types} == expected_types


def test_organisation_details_come_from_the_profile_in_one_question(data: dict[str, Any]) -> None:
    organisation = data["sections"][0]
    assert [q["type"] for q in organisation["questions"]] == [QuestionType.ORGANISATION_PROFILE]


def test_the_project_title_is_short_and_separate_from_the_summary(data: dict[str, Any]) -> None:
    assert _question(data, "project_title")["config"]["max_length"] <= 140
    assert _question(data, "project_summary")["config"]["word_limit"] > 0


def test_the_amount_requested_must_fit_a_tier_and_the_budget_must_add_up_to_it(data: dict[str, Any]) -> None:
    assert _question(data, "amount_requested")["config"]["within_tier"] is True
    budget = _question(data, "budget")["config"]
    assert budget["total_must_equal"] == "amount_requested"
    assert len(budget["categories"]) >= 5


def test_match_funding_is_asked_only_when_the_tier_needs_it(data: dict[str, Any]) -> None:
    for key in ("match_funding_amount", "match_funding_evidence"):
        assert _question(data, key)["config"]["show_if"] == {"tier_needs_match_funding": True}


def test_every_declaration_must_be_answered_yes(data: dict[str, Any]) -> None:
    declarations = next(s for s in data["sections"] if s["key"] == "declarations")
    yes_no = [q for q in declarations["questions"] if q["type"] == QuestionType.YES_NO]
    assert len(yes_no) >= 3
    assert all(q["config"]["must_answer_yes"] and q["required"] for q in yes_no)


def test_uploads_accept_only_common_document_and_image_types(data: dict[str, Any]) -> None:
    uploads = [q for q in _questions(data).values() if q["type"] == QuestionType.FILE]
    assert uploads
    for upload in uploads:
        assert set(upload["config"]["allowed_file_types"]) <= ALLOWED_FILE_TYPES
        assert 1 <= upload["config"]["max_file_size_mb"] <= 50


def test_every_question_has_a_plain_label_and_long_answers_have_a_word_limit(data: dict[str, Any]) -> None:
    for question in _questions(data).values():
        assert question["label"].strip() == question["label"] != ""
        if question["type"] == QuestionType.LONG_TEXT:
            assert question["config"]["word_limit"] <= 500


def test_an_unknown_question_type_is_reported_where_it_is(data: dict[str, Any]) -> None:
    data["sections"][1]["questions"][0]["type"] = "essay"
    found = problems(data)
    assert any(p.startswith("sections/1/questions/0/type:") for p in found)


def test_a_long_answer_without_a_word_limit_is_refused(data: dict[str, Any]) -> None:
    del _question(data, "project_summary")["config"]["word_limit"]
    assert any("'word_limit' is a required property" in p for p in problems(data))


def test_a_file_type_outside_the_allowed_list_is_refused(data: dict[str, Any]) -> None:
    _question(data, "safeguarding_policy_file")["config"]["allowed_file_types"] = ["exe"]
    assert any("allowed_file_types" in p for p in problems(data))


def test_a_misspelt_config_key_is_refused(data: dict[str, Any]) -> None:
    _question(data, "project_summary")["config"]["wordlimit"] = 100
    assert any("'wordlimit' was unexpected" in p for p in problems(data))


def test_a_question_key_used_twice_in_the_form_is_refused(data: dict[str, Any]) -> None:
    duplicate = copy.deepcopy(_question(data, "project_title"))
    data["sections"][-1]["questions"].append(duplicate)
    assert "question key 'project_title' is used more than once" in problems(data)


def test_a_section_key_used_twice_is_refused(data: dict[str, Any]) -> None:
    data["sections"][2]["key"] = "project_summary"
    assert "section key 'project_summary' is used more than once" in problems(data)


def test_a_reference_to_a_missing_question_is_refused(data: dict[str, Any]) -> None:
    _question(data, "budget")["config"]["total_must_equal"] = "amount_asked"
    assert "budget: total_must_equal names 'amount_asked', which is not a question in this set" in problems(data)


def test_a_reference_to_a_question_of_the_wrong_type_is_refused(data: dict[str, Any]) -> None:
    _question(data, "end_date")["config"]["after_question"] = "project_title"
    assert "end_date: after_question must name a date question" in problems(data)


def test_show_if_must_use_an_answer_the_earlier_question_can_have(data: dict[str, Any]) -> None:
    _question(data, "safeguarding_policy_file")["config"]["show_if"]["equals"] = "maybe"
    assert any(p.startswith("safeguarding_policy_file: show_if answer 'maybe'") for p in problems(data))


def test_show_if_cannot_depend_on_a_later_question(data: dict[str, Any]) -> None:
    _question(data, "project_title")["config"]["show_if"] = {"question": "safeguarding_policy", "equals": "yes"}
    assert any(p.startswith("project_title: show_if must name a question that comes before it") for p in problems(data))


def test_repeated_choice_values_are_refused(data: dict[str, Any]) -> None:
    choices = _question(data, "target_groups")["config"]["choices"]
    choices.append(dict(choices[0]))
    assert "target_groups: choices have repeated values" in problems(data)


def test_a_form_without_sections_is_refused() -> None:
    assert problems({"name": "Empty", "version": "1", "sections": []})


def test_reading_the_default_twice_gives_independent_copies() -> None:
    first = default_question_set()
    first["sections"].clear()
    assert default_question_set()["sections"]
