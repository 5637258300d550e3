"""The award register: one plain row per award, read in batches so any number of awards streams in bounded memory.

Every export format (exports.py for CSV and XLSX, threesixtygiving.py for 360Giving) is written from these rows, so
what a finance officer downloads and what is published are the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class PaymentLine:
    """One tranche of an award as finance see it."""

    label: str
    amount_pence: int
    status: str  # PaymentStatus value
    due_at: datetime | None
    paid_on: date | None
    reference: str | None


@dataclass(frozen=True)
class RegisterRow:
    """One award, with what the register and 360Giving need, as plain values."""

    award_id: int
    reference: str  # the award's (and application's) reference, e.g. SEF-5-0003
    fund_code: str
    fund_name: str
    round_code: str
    round_name: str
    organisation_id: int
    organisation_name: str
    legal_type: str  # LegalType value
    charity_number: str | None
    company_number: str | None
    organisation_postcode: str
    project_title: str
    project_summary: str
    tier: str  # the tier whose range holds the amount applied for ('' if none)
    themes: tuple[str, ...]  # theme names
    boroughs: tuple[str, ...]  # GSS codes the application named
    amount_applied_pence: int | None
    amount_awarded_pence: int
    paid_pence: int
    award_date: date  # the decision, as a London date
    planned_start: date | None
    planned_end: date | None
    status: str  # AwardStatus value
    payments: tuple[PaymentLine, ...]
    last_modified: datetime  # UTC

    @property
    def outstanding_pence(self) -> int:
        """What is still to be paid: the award less what has been paid (0 for a declined or withdrawn award)."""
        if self.status in {"declined", "withdrawn"}:
            return 0
        return max(self.amount_awarded_pence - self.paid_pence, 0)
