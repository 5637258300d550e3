"""The PDF copy of a submitted application: what it shows (plain values) and how it is rendered.

The copy is built from frozen dataclasses of plain strings, never ORM objects, so rendering cannot touch
the database and the inputs can be stored beside the document (dataclasses.asdict) to show exactly what
it was made from. Everything in the copy is already formatted text: build_application_copy (at the end)
formats money, dates and sizes from the application, and the template only lays them out (autoescaped:
typed text is never markup).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app

from fundapp.accounts.models import Organisation
from fundapp.accounts.states import LEGAL_TYPE_LABELS
from fundapp.applications import progress
from fundapp.applications.answers import show_answer
from fundapp.applications.models import Application
from fundapp.core.clock import format_datetime
from fundapp.core.money import format_pence
from fundapp.core.pdf import render_document, render_pdf
from fundapp.core.reference import borough_name
from fundapp.core.uploads import format_file_size
from fundapp.programmes.states import QuestionType

TEMPLATE_VERSION = "application-copy/1"
DOCUMENT_KIND = "application_copy"
CONTENT_TYPE = "application/pdf"

_TEMPLATE = "applications/pdf/application_copy.html"
_AMOUNT_RE = re.compile(r"^-?£?-?[0-9][0-9,]*(\.[0-9]+)?%?$")


@dataclass(frozen=True)
class BudgetTable:
    """A table answer: column headings, rows of cell text, and the formatted total of its amounts."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: str

    @property
    def numeric_columns(self) -> frozenset[int]:
        """Columns whose every filled cell is an amount or number (right-aligned)."""
        columns = set()
        for index in range(len(self.head)):
            cells = [row[index].strip() for row in self.rows if index < len(row) and row[index].strip()]
            if cells and all(_AMOUNT_RE.match(cell) for cell in cells):
                columns.add(index)
        return frozenset(columns)

    @property
    def total_column(self) -> int:
        """The column the total sits under: the first amount column after the first, else the last."""
        after_first = sorted(index for index in self.numeric_columns if index > 0)
        return after_first[0] if after_first else max(len(self.head) - 1, 0)


@dataclass(frozen=True)
class AnswerRow:
    """One question and its answer: text (one value), lines (several values) or a table; none = not answered."""

    label: str
    text: str | None = None
    lines: tuple[str, ...] = ()
    table: BudgetTable | None = None


@dataclass(frozen=True)
class SectionCopy:
    title: str
    rows: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class AttachmentCopy:
    name: str
    size_text: str
    question_label: str


@dataclass(frozen=True)
class ApplicationCopy:
    reference: str
    call_name: str
    call_code: str
    fund_name: str
    organisation_name: str
    organisation_lines: tuple[tuple[str, str], ...]
    submitted_at_text: str
    submitted_by: str
    sections: tuple[SectionCopy, ...]
    attachments: tuple[AttachmentCopy, ...]
    service_name: str
    funder_name: str
    support_email: str

    @property
    def title(self) -> str:
        """The document title (PDF metadata, <title>)."""
        return f"Application {self.reference}: {self.call_name}"

    @property
    def filename(self) -> str:
        """A download name such as application-SEF-6-0042.pdf."""
        safe = re.sub(r"[^A-Za-z0-9-]+", "-", self.reference).strip("-") or "copy"
        return f"application-{safe}.pdf"


def render_application_copy_html(copy: ApplicationCopy) -> str:
    """The copy as HTML (what render_application_copy turns into a PDF)."""
    return render_document("fundapp.applications", _TEMPLATE, copy=copy)


def render_application_copy(copy: ApplicationCopy) -> bytes:
    """The copy as an accessible (PDF/UA-1) PDF."""
    return render_pdf(render_application_copy_html(copy), title=copy.title, lang="en-GB")


# --- building the copy from a submitted application ---------------------------------------------------------


def build_application_copy(application: Application) -> ApplicationCopy:
    """The plain values of the PDF copy of a submitted application (never ORM objects in the template)."""
    check = progress.check_whole_form(application)
    ctx = progress.form_context(application)
    organisation = application.organisation
    files_by_question: dict[str, list[str]] = {}
    for attachment in application.attachments:
        files_by_question.setdefault(attachment.question_key, []).append(attachment.filename)
    labels = {q.key: q.label for q in progress.all_questions(application.round)}
    sections = []
    for section in progress.form_sections(application.round):
        rows = []
        for question in section.questions:
            if question.key not in check.shown:
                continue
            shown = show_answer(question, check.values.get(question.key), ctx)
            table = None
            if shown.table_rows:
                table = BudgetTable(
                    head=("Category", "Description", "Amount"), rows=shown.table_rows, total=shown.table_total
                )
            lines = shown.lines
            if question.type == QuestionType.FILE:
                lines = tuple(files_by_question.get(question.key, ()))
            rows.append(
                AnswerRow(
                    label=question.label,
                    text=None if (lines or table) else (shown.text or "Not answered"),
                    lines=lines,
                    table=table,
                )
            )
        sections.append(SectionCopy(title=section.title, rows=tuple(rows)))
    return ApplicationCopy(
        reference=application.reference or "",
        call_name=application.round.name,
        call_code=application.round.code,
        fund_name=application.round.fund.name,
        organisation_name=organisation.name,
        organisation_lines=organisation_lines(organisation),
        submitted_at_text=format_datetime(application.submitted_at),
        submitted_by=application.submitted_by.full_name if application.submitted_by else "",
        sections=tuple(sections),
        attachments=tuple(
            AttachmentCopy(
                name=a.filename, size_text=format_file_size(a.size_bytes), question_label=labels.get(a.question_key, "")
            )
            for a in application.attachments
        ),
        service_name=current_app.config["SERVICE_NAME"],
        funder_name=current_app.config["FUNDER_NAME"],
        support_email=current_app.config["SUPPORT_EMAIL"],
    )


def organisation_lines(organisation: Organisation) -> tuple[tuple[str, str], ...]:
    """The organisation's profile as (label, value) rows, as the applicant confirmed it."""
    address = ", ".join(
        part
        for part in (organisation.address_line_1, organisation.address_line_2, organisation.town, organisation.postcode)
        if part
    )
    rows = [
        ("Name", organisation.name),
        ("Type of organisation", LEGAL_TYPE_LABELS.get(organisation.legal_type, organisation.legal_type.value)),
        ("Charity number", organisation.charity_number or ""),
        ("Company number", organisation.company_number or ""),
        ("Address", address),
        ("London borough", borough_name(organisation.borough_gss)),
        ("Website", organisation.website or ""),
        ("Annual income", format_pence(organisation.annual_income_pence)),
    ]
    return tuple((label, value) for label, value in rows if value)
