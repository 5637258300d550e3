"""The award letter: what it says (a frozen dataclass of plain, already formatted text) and how it is rendered.

build_letter_context reads the award once and returns plain values; render_letter never touches the database, so
it renders the same in a request, a background job, a terminal command or a test, and the context is stored beside
the issued PDF (dataclasses.asdict) to show exactly what each version was made from. The template only lays the
values out, autoescaped: text people typed (conditions, names, titles) is never markup, and the PDF fetcher serves
only packaged assets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from num2words import num2words

from fundapp.awards.models import Award
from fundapp.core.clock import format_date
from fundapp.core.money import format_pence
from fundapp.core.pdf import paragraphs, render_document, render_pdf
from fundapp.core.urls import external_url
from fundapp.programmes.monitoring import ReportRule, parse_reports
from fundapp.programmes.states import TRIGGER_LABELS, PaymentTrigger

TEMPLATE_VERSION = "award-letter/1"
DOCUMENT_KIND = "award_letter"
CONTENT_TYPE = "application/pdf"
_TEMPLATE = "awards/documents/award_letter.html"

# How long the organisation has to accept (when reports fall due is the call's report schedule).
ACCEPT_WITHIN = timedelta(days=28)


@dataclass(frozen=True)
class ScheduleRow:
    label: str
    percent_text: str
    amount_text: str
    when: str


@dataclass(frozen=True)
class ReportingRow:
    label: str
    due_text: str


@dataclass(frozen=True)
class AwardLetter:
    """Everything an award letter shows, as text."""

    template_version: str
    funder_name: str
    funder_address: tuple[str, ...]
    service_name: str
    support_email: str
    fund_name: str
    call_name: str
    issued_on_text: str
    reference: str
    organisation_name: str
    address_lines: tuple[str, ...]
    salutation_name: str
    project_title: str
    project_period_text: str
    amount_text: str
    amount_words: str
    schedule: tuple[ScheduleRow, ...]
    conditions: tuple[str, ...]
    reporting: tuple[ReportingRow, ...]
    accept_by_text: str
    accept_url: str
    verification_code: str
    verify_url: str
    signed_by_name: str
    signed_by_role: str

    @property
    def title(self) -> str:
        """The document title (PDF metadata and <title>)."""
        return f"Grant offer letter {self.reference}: {self.project_title}"

    @property
    def filename(self) -> str:
        """A download name such as award-letter-SEF-5-0003.pdf."""
        safe = re.sub(r"[^A-Za-z0-9-]+", "-", self.reference).strip("-") or "award"
        return f"award-letter-{safe}.pdf"

    def as_inputs(self) -> dict[str, Any]:
        """The values the letter was made from, stored beside the issued PDF."""
        return asdict(self)


def amount_in_words(pence: int) -> str:
    """£25,000.50 as "Twenty-five thousand pounds and fifty pence" (British English, for the letter)."""
    pounds, rest = divmod(pence, 100)
    words = f"{num2words(pounds, lang='en_GB')} pound{'' if pounds == 1 else 's'}"
    if rest:
        words += f" and {num2words(rest, lang='en_GB')} pence"
    return words[:1].upper() + words[1:]


def reporting_dates(start: date | None, end: date | None, rules: Sequence[ReportRule]) -> tuple[ReportingRow, ...]:
    """When each report the call asks for falls due (e.g. the interim at the project's mid-point, the final one
    8 weeks after it ends); none without project dates."""
    if start is None or end is None:
        return ()
    return tuple(ReportingRow(rule.label, format_date(rule.due_on(start, end))) for rule in rules)


def _address(award: Award) -> tuple[str, ...]:
    organisation = award.organisation
    lines = (organisation.address_line_1, organisation.address_line_2, organisation.town, organisation.postcode)
    return tuple(line for line in lines if line)


def _signatory_name(award: Award) -> str:
    for answer in award.application.answers:
        if answer.question_key == "signatory_name" and isinstance(answer.value, str) and answer.value.strip():
            return answer.value.strip()
    return f"{award.organisation.name} trustees"


def _schedule(award: Award) -> tuple[ScheduleRow, ...]:
    return tuple(
        ScheduleRow(
            label=payment.label,
            percent_text=f"{payment.percent}%",
            amount_text=format_pence(payment.amount_pence, show_pence=True),
            when=TRIGGER_LABELS.get(payment.trigger, PaymentTrigger(payment.trigger).value),
        )
        for payment in award.payments
    )


def build_letter_context(award: Award, *, issued_on: date, signed_by_name: str, signed_by_role: str) -> AwardLetter:
    """The plain values of an award's letter, issued on the given (London) day, signed by the given person."""
    config = current_app.config
    round_ = award.round
    period = ""
    if award.project_start and award.project_end:
        period = f"{format_date(award.project_start)} to {format_date(award.project_end)}"
    return AwardLetter(
        template_version=TEMPLATE_VERSION,
        funder_name=config["FUNDER_NAME"],
        funder_address=tuple(line.strip() for line in config["FUNDER_ADDRESS"].split(",") if line.strip()),
        service_name=config["SERVICE_NAME"],
        support_email=config["SUPPORT_EMAIL"],
        fund_name=round_.fund.name,
        call_name=round_.name,
        issued_on_text=format_date(issued_on),
        reference=award.reference,
        organisation_name=award.organisation.name,
        address_lines=_address(award),
        salutation_name=_signatory_name(award),
        project_title=award.application.project_title or award.reference,
        project_period_text=period,
        amount_text=format_pence(award.amount_pence, show_pence=True),
        amount_words=amount_in_words(award.amount_pence),
        schedule=_schedule(award),
        conditions=tuple(paragraphs(award.conditions)),
        reporting=reporting_dates(award.project_start, award.project_end, parse_reports(round_.report_schedule)),
        accept_by_text=format_date(issued_on + ACCEPT_WITHIN),
        accept_url=external_url("awards.applicant_award", award_id=award.id),
        verification_code=award.verification_code,
        verify_url=external_url("awards.verify", code=award.verification_code),
        signed_by_name=signed_by_name,
        signed_by_role=signed_by_role,
    )


def render_letter_html(letter: AwardLetter) -> str:
    """The letter as HTML (what render_letter turns into a PDF)."""
    return render_document("fundapp.awards", _TEMPLATE, letter=letter)


def render_letter(letter: AwardLetter) -> bytes:
    """The letter as an accessible (PDF/UA-1) PDF."""
    return render_pdf(render_letter_html(letter), title=letter.title, lang="en-GB")
