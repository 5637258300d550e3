"""Question sets as data: the shipped default, its JSON Schema, checks beyond the schema, and type labels.

A question set is a plain dict shaped like data/sef_question_set.json (described by question_set.schema.json).
The JSON Schema checks each question on its own; problems() adds the rules that span questions (keys unique
across the whole form so answers can be stored by key, and references to other questions that exist and have
the right type). Pure functions: no database.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

from fundapp.programmes.states import QuestionType

if TYPE_CHECKING:
    from fundapp.programmes.models import QuestionSet

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_QUESTION_SET = DATA_DIR / "sef_question_set.json"
SCHEMA = DATA_DIR / "question_set.schema.json"

QUESTION_TYPE_LABELS = {
    QuestionType.SHORT_TEXT: "Short text",
    QuestionType.LONG_TEXT: "Long text",
    QuestionType.NUMBER: "Number",
    QuestionType.MONEY: "Amount of money",
    QuestionType.DATE: "Date",
    QuestionType.YES_NO: "Yes or no",
    QuestionType.SINGLE_CHOICE: "One choice",
    QuestionType.MULTIPLE_CHOICE: "Several choices",
    QuestionType.THEMES: "The call's themes",
    QuestionType.BOROUGHS: "London boroughs",
    QuestionType.EMAIL: "Email address",
    QuestionType.PHONE: "Telephone number",
    QuestionType.URL: "Web address",
    QuestionType.FILE: "File upload",
    QuestionType.BUDGET_TABLE: "Budget table",
    QuestionType.ORGANISATION_PROFILE: "Organisation details from the profile",
}

# config keys that name another question, and the types that question may have.
_REFERENCES = {
    "after_question": {QuestionType.DATE},
    "at_most_question": {QuestionType.NUMBER},
    "total_must_equal": {QuestionType.MONEY},
}
_SHOW_IF_TYPES = {QuestionType.YES_NO, QuestionType.SINGLE_CHOICE}


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return schema


def schema() -> dict[str, Any]:
    """The JSON Schema for question set files (a copy; callers may not change the cached one)."""
    return copy.deepcopy(_schema())


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(_schema())


def default_question_set() -> dict[str, Any]:
    """The Shared Endeavour Fund default question set, freshly read from data/sef_question_set.json."""
    data: dict[str, Any] = json.loads(DEFAULT_QUESTION_SET.read_text(encoding="utf-8"))
    return data


def _where(path: Any) -> str:
    return "/".join(str(part) for part in path) or "the file"


def schema_problems(data: Any) -> list[str]:
    """What the JSON Schema finds wrong with data, each prefixed with where it is (e.g. 'sections/2/questions/0')."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [f"{_where(error.absolute_path)}: {error.message}" for error in errors]


def _choice_values(question: dict[str, Any]) -> set[str] | None:
    if question["type"] == QuestionType.YES_NO:
        return {"yes", "no"}
    if question["type"] == QuestionType.SINGLE_CHOICE:
        return {choice["value"] for choice in question["config"]["choices"]}
    return None


def _reference_problems(questions: dict[str, dict[str, Any]], order: list[str]) -> list[str]:
    problems = []
    for position, key in enumerate(order):
        config = questions[key]["config"]
        for config_key, allowed in _REFERENCES.items():
            target = config.get(config_key)
            if target is None:
                continue
            if target not in questions:
                problems.append(f"{key}: {config_key} names '{target}', which is not a question in this set")
            elif QuestionType(questions[target]["type"]) not in allowed:
                problems.append(f"{key}: {config_key} must name a {' or '.join(sorted(allowed))} question")
        show_if = config.get("show_if") or {}
        if "question" in show_if:
            target = show_if["question"]
            if target not in order[:position]:
                problems.append(f"{key}: show_if must name a question that comes before it, not '{target}'")
            else:
                values = _choice_values(questions[target])
                if values is None:
                    problems.append(f"{key}: show_if must name a yes/no or single-choice question")
                elif show_if["equals"] not in values:
                    problems.append(f"{key}: show_if answer '{show_if['equals']}' is not one of {sorted(values)}")
    return problems


def _choice_problems(key: str, config: dict[str, Any]) -> list[str]:
    problems = []
    for config_key in ("choices", "categories"):
        values = [choice["value"] for choice in config.get(config_key, [])]
        if len(values) != len(set(values)):
            problems.append(f"{key}: {config_key} have repeated values")
    low, high = config.get("min"), config.get("max")
    if low is not None and high is not None and low > high:
        problems.append(f"{key}: min is more than max")
    low, high = config.get("min_pence"), config.get("max_pence")
    if low is not None and high is not None and low > high:
        problems.append(f"{key}: min_pence is more than max_pence")
    low, high = config.get("min_selections"), config.get("max_selections")
    if low is not None and high is not None and low > high:
        problems.append(f"{key}: min_selections is more than max_selections")
    return problems


def problems(data: Any) -> list[str]:
    """Everything wrong with a question set: schema errors first; if none, the rules that span questions."""
    found = schema_problems(data)
    if found:
        return found
    section_keys = [section["key"] for section in data["sections"]]
    for key in sorted({k for k in section_keys if section_keys.count(k) > 1}):
        found.append(f"section key '{key}' is used more than once")
    questions: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for section in data["sections"]:
        for question in section["questions"]:
            if question["key"] in questions:
                found.append(f"question key '{question['key']}' is used more than once")
                continue
            questions[question["key"]] = question
            order.append(question["key"])
            found.extend(_choice_problems(question["key"], question["config"]))
    found.extend(_reference_problems(questions, order))
    return found


def to_data(question_set: QuestionSet, *, version: str = "1") -> dict[str, Any]:
    """A stored question set as data in the file format (used to copy a form from one round to another)."""
    return {
        "name": question_set.name,
        "version": version,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "description": section.description,
                "questions": [
                    {
                        "key": question.key,
                        "type": question.type.value,
                        "label": question.label,
                        "hint": question.hint,
                        **({"error_name": question.error_name} if question.error_name else {}),
                        "required": question.required,
                        "config": copy.deepcopy(question.config),
                    }
                    for question in section.questions
                ],
            }
            for section in question_set.sections
        ],
    }


def file_questions(question_set: QuestionSet | None) -> list[tuple[str, str]]:
    """(key, label) of every file upload question, in form order: the documents a call can require."""
    if question_set is None:
        return []
    return [
        (question.key, question.label)
        for section in question_set.sections
        for question in section.questions
        if question.type == QuestionType.FILE
    ]
