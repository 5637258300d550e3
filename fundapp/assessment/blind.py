"""Blind review: what an assessor is not shown about who applied, in one place. Pure functions, no database.

In a call with blind review the scorecard leaves out the organisation's profile, every contact answer (email,
telephone, web address) and any question whose config marks it as naming the applicant (a signatory, a
safeguarding lead); files are shown and downloaded as "Document 1", "Document 2" … in upload order, because
file names so often carry the organisation's name. The conflict-of-interest check is not blind: nobody can
recognise a conflict without knowing who applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from fundapp.programmes.states import QuestionType

# Answers of these types identify the applicant whatever the question says.
HIDDEN_TYPES = frozenset({QuestionType.ORGANISATION_PROFILE, QuestionType.EMAIL, QuestionType.PHONE, QuestionType.URL})
# A question set marks other questions that name people or the organisation with this config key.
IDENTIFIES_APPLICANT = "identifies_applicant"


class QuestionLike(Protocol):
    @property
    def type(self) -> Any: ...
    @property
    def config(self) -> Mapping[str, Any] | None: ...


class AttachmentLike(Protocol):
    @property
    def id(self) -> int: ...


def is_hidden_in_blind_review(question: QuestionLike) -> bool:
    """Whether the question's answer is left out of the scorecard page in a call with blind review."""
    return question.type in HIDDEN_TYPES or bool((question.config or {}).get(IDENTIFIES_APPLICANT))


def document_numbers(attachments: Iterable[AttachmentLike]) -> dict[int, int]:
    """Attachment id → its number in blind review (1, 2 … in upload order, which is id order)."""
    return {attachment_id: number for number, attachment_id in enumerate(sorted(a.id for a in attachments), 1)}


def document_download_name(reference: str | None, number: int, file_type: str) -> str:
    """The name a file is downloaded under in blind review: '<reference>-document-<n>.<type>'."""
    return f"{reference or 'application'}-document-{number}.{file_type}"
