"""The PDF copy of a submitted application: what it shows (plain values) and how it is rendered.

The copy is built from frozen dataclasses of plain strings, never ORM objects, so rendering cannot touch
the database and the inputs can be stored beside the document (dataclasses.asdict) to show exactly what
it was made from. Everything here is already formatted text: money, dates and sizes are formatted by
whoever builds the copy, the template only lays them out (autoescaped: typed text is never markup).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fundapp.core.pdf import render_document, render_pdf

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
