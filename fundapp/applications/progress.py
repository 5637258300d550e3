"""Where an application stands against its call's form: the form's sections and questions, the context answers
are checked in, the whole-form check, and what still stops it being submitted.

Reads over already-loaded objects (queries.get_application loads all of it); no writes, no queries of its own.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from fundapp.applications import answers as answer_rules
from fundapp.applications.models import Application
from fundapp.applications.states import SectionStatus
from fundapp.programmes.models import Question, Round, Section
from fundapp.programmes.states import call_phase


def form_sections(round_: Round) -> list[Section]:
    """The sections of a call's form, in order ([] when it has none)."""
    return list(round_.question_set.sections) if round_.question_set is not None else []


def all_questions(round_: Round) -> list[Question]:
    """Every question of a call's form, in order."""
    return [question for section in form_sections(round_) for question in section.questions]


def find_form_section(round_: Round, section_key: str) -> Section | None:
    """The section of the call's form with this key, or None."""
    return next((s for s in form_sections(round_) if s.key == section_key), None)


def form_context(application: Application) -> answer_rules.FormContext:
    """The call's tiers, themes and project window, and how many files each question has."""
    counts = Counter(attachment.question_key for attachment in application.attachments)
    return answer_rules.context_for(application.round, counts)


def check_whole_form(application: Application) -> answer_rules.SectionCheck:
    """Check every saved answer of the application against the call's current form."""
    raws = {answer.question_key: answer.raw for answer in application.answers}
    return answer_rules.check_answers(all_questions(application.round), raws, form_context(application))


def section_errors(application: Application, check: answer_rules.SectionCheck) -> dict[str, dict[str, str]]:
    """Errors of a whole-form check grouped by section key (sections without errors are left out)."""
    grouped: dict[str, dict[str, str]] = {}
    for section in form_sections(application.round):
        found = {q.key: check.errors[q.key] for q in section.questions if q.key in check.errors}
        if found:
            grouped[section.key] = found
    return grouped


def is_open_for_applications(round_: Round, now: datetime) -> bool:
    """The call is open and `now` (server clock) is inside its dates."""
    return call_phase(round_, now) == "open"


def submission_problems(application: Application) -> dict[str, str]:
    """What stops the application being submitted, by section key (empty when it can be submitted)."""
    problems: dict[str, str] = {}
    errors = section_errors(application, check_whole_form(application))
    statuses = {row.section_key: row.status for row in application.sections}
    for section in form_sections(application.round):
        if statuses.get(section.key, SectionStatus.NOT_STARTED) == SectionStatus.NOT_STARTED:
            problems[section.key] = "Not started"
        elif section.key in errors:
            count = len(errors[section.key])
            problems[section.key] = (
                f"{count} answer{'s' if count != 1 else ''} need{'' if count != 1 else 's'} attention"
            )
        elif statuses.get(section.key) != SectionStatus.COMPLETED:
            problems[section.key] = "Not marked as completed"
    return problems
