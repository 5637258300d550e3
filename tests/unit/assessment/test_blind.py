"""What blind review hides from assessors: the rule, document numbers and download names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from fundapp.assessment.blind import document_download_name, document_numbers, is_hidden_in_blind_review
from fundapp.programmes.question_sets import default_question_set
from fundapp.programmes.states import QuestionType


@dataclass(frozen=True)
class Q:
    type: Any
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class A:
    id: int


@pytest.mark.parametrize(
    "question_type", [QuestionType.ORGANISATION_PROFILE, QuestionType.EMAIL, QuestionType.PHONE, QuestionType.URL]
)
def test_the_organisation_profile_and_contact_answers_are_hidden(question_type: QuestionType) -> None:
    assert is_hidden_in_blind_review(Q(question_type))


@pytest.mark.parametrize(
    "question_type",
    [t for t in QuestionType if t not in {"organisation_profile", "email", "phone", "url"}],
)
def test_other_answers_are_shown(question_type: QuestionType) -> None:
    assert not is_hidden_in_blind_review(Q(question_type, {"max_length": 200}))


def test_a_question_marked_as_identifying_the_applicant_is_hidden_whatever_its_type() -> None:
    assert is_hidden_in_blind_review(Q(QuestionType.SHORT_TEXT, {"identifies_applicant": True}))
    assert not is_hidden_in_blind_review(Q(QuestionType.SHORT_TEXT, {"identifies_applicant": False}))


def test_a_question_without_config_is_judged_by_its_type() -> None:
    assert not is_hidden_in_blind_review(Q(QuestionType.LONG_TEXT, None))  # type: ignore[arg-type]


def test_the_sef_form_hides_its_signatory_and_safeguarding_lead_but_not_the_project() -> None:
    questions = {
        q["key"]: Q(QuestionType(q["type"]), q["config"])
        for section in default_question_set()["sections"]
        for q in section["questions"]
    }
    hidden = {key for key, q in questions.items() if is_hidden_in_blind_review(q)}
    assert hidden == {
        "organisation_profile",
        "project_web_link",
        "safeguarding_lead_name",
        "safeguarding_lead_email",
        "signatory_name",
        "signatory_position",
        "signatory_email",
        "signatory_phone",
    }


def test_documents_are_numbered_in_upload_order() -> None:
    assert document_numbers([A(30), A(7), A(12)]) == {7: 1, 12: 2, 30: 3}
    assert document_numbers([]) == {}


def test_the_download_name_carries_the_reference_and_number_but_not_the_file_name() -> None:
    assert document_download_name("SEF5-0042", 2, "pdf") == "SEF5-0042-document-2.pdf"
