"""The award register: one plain row per award, read in batches so any number of awards streams in bounded memory.

Every export format (exports.py for CSV and XLSX, threesixtygiving for 360Giving) is written from these rows, so
what a finance officer downloads and what is published are the same facts.

iter_register_rows pages through the awards by reference (keyset pagination: each batch is `reference > the last
one`, never OFFSET), reading plain column tuples rather than ORM objects, so nothing accumulates in the session and
a commit between batches (the export job commits its progress) costs nothing. Each batch takes three statements
whatever its size: the awards with their organisation, application and decision; their payments; and the answers
that hold themes, boroughs and the project summary. The calls' tiers, themes and form are read once, up front.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fundapp.accounts.models import Organisation
from fundapp.applications.models import Answer, Application
from fundapp.assessment.ranking import question_keys, sort_answers, tier_for
from fundapp.awards.models import Award, Decision, Payment
from fundapp.awards.states import AWARD_STAFF_LABELS, AwardStatus, PaymentStatus
from fundapp.core.clock import london_to_utc, to_london
from fundapp.core.money import format_pence, pounds_number
from fundapp.core.reference import borough_name
from fundapp.extensions import db
from fundapp.programmes.models import QuestionSet, Round, Section
from fundapp.programmes.states import QuestionType

# The application question whose answer is the project's short description (the SEF form's key).
SUMMARY_KEY = "project_summary"
DEFAULT_BATCH_SIZE = 1000
# Awards that will never be paid (any more): their outstanding amount is 0.
ENDED_STATUSES = frozenset({AwardStatus.DECLINED.value, AwardStatus.WITHDRAWN.value})


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
        if self.status in ENDED_STATUSES:
            return 0
        return max(self.amount_awarded_pence - self.paid_pence, 0)


# --- identifiers --------------------------------------------------------------------------------------------


def _registration(number: str | None) -> str:
    return "".join((number or "").split()).upper()


def organisation_identifier(row: RegisterRow, prefix: str) -> str:
    """The recipient's org-id (org-id.guide), the one mapping both the register and 360Giving use: GB-CHC-<number>
    for a charity registered in England and Wales (GB-SC-<SC number> for a Scottish charity, GB-NIC-<digits> for a
    Northern Irish one given as NIC…), else GB-COH-<number> for a
    company (leading zeros kept), else `<prefix>-ORG-<our organisation id>` for a group on no register.
    `prefix` is the funder's 360Giving prefix (config GRANT_ID_PREFIX, e.g. 360G-example)."""
    charity = _registration(row.charity_number)
    if charity:
        if charity.startswith("SC"):
            return f"GB-SC-{charity}"
        if charity.startswith("NIC"):
            return f"GB-NIC-{charity.removeprefix('NIC')}"
        return f"GB-CHC-{charity}"
    company = _registration(row.company_number)
    if company:
        return f"GB-COH-{company}"
    return f"{prefix}-ORG-{row.organisation_id}"


def grant_identifier(row: RegisterRow, prefix: str) -> str:
    """The award's 360Giving id: `<prefix>-<award reference>` (e.g. 360G-example-SEF-5-0003)."""
    return f"{prefix}-{row.reference}"


# --- reading the rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tier:
    id: int
    name: str
    min_pence: int
    max_pence: int


@dataclass(frozen=True)
class _Call:
    """What the register needs of a call, read once as plain values."""

    fund_code: str
    fund_name: str
    code: str
    name: str
    tiers: tuple[_Tier, ...]
    theme_keys: frozenset[str]
    borough_keys: frozenset[str]
    theme_names: dict[str, str]


def _calls(round_ids: Sequence[int]) -> dict[int, _Call]:
    """The calls' funds, tiers, themes and the keys of their themes and boroughs questions (a few statements)."""
    rounds = db.session.scalars(
        sa.select(Round)
        .where(Round.id.in_(list(round_ids)))
        .options(
            selectinload(Round.fund),
            selectinload(Round.tiers),
            selectinload(Round.themes),
            selectinload(Round.question_set).selectinload(QuestionSet.sections).selectinload(Section.questions),
        )
    )
    return {
        r.id: _Call(
            fund_code=r.fund.code,
            fund_name=r.fund.name,
            code=r.code,
            name=r.name,
            tiers=tuple(_Tier(t.id, t.name, t.min_pence, t.max_pence) for t in r.tiers),
            theme_keys=frozenset(question_keys(r, QuestionType.THEMES)),
            borough_keys=frozenset(question_keys(r, QuestionType.BOROUGHS)),
            theme_names={str(t.id): t.name for t in r.themes},
        )
        for r in rounds
    }


def _award_date_column() -> sa.ColumnElement[datetime]:
    # The decision's time; an award made without a recorded decision (imported, say) counts from its creation.
    return sa.func.coalesce(Decision.decided_at, Award.created_at)


def _filters(round_ids: Sequence[int], date_from: date | None, date_to: date | None) -> list[sa.ColumnElement[bool]]:
    """Awards of the calls, made on or between the London days given."""
    filters: list[sa.ColumnElement[bool]] = [Award.round_id.in_(list(round_ids))]
    if date_from is not None:
        filters.append(_award_date_column() >= london_to_utc(date_from, time(0)))
    if date_to is not None:
        filters.append(_award_date_column() < london_to_utc(date_to + timedelta(days=1), time(0)))
    return filters


def count_register_rows(*, round_ids: Sequence[int], date_from: date | None = None, date_to: date | None = None) -> int:
    """How many awards iter_register_rows would give (one statement)."""
    if not round_ids:
        return 0
    query = (
        sa.select(sa.func.count(Award.id))
        .select_from(Award)
        .outerjoin(Decision, Decision.application_id == Award.application_id)
        .where(*_filters(round_ids, date_from, date_to))
    )
    return db.session.scalar(query) or 0


def _award_batch(filters: list[sa.ColumnElement[bool]], after: str | None, size: int) -> list[Any]:
    query = (
        sa.select(
            Award.id,
            Award.reference,
            Award.status,
            Award.amount_pence,
            Award.project_start,
            Award.project_end,
            Award.round_id,
            Award.organisation_id,
            Award.application_id,
            Award.created_at,
            Award.letter_issued_at,
            Award.accepted_at,
            Award.declined_at,
            Award.activated_at,
            Award.withdrawn_at,
            Organisation.name.label("organisation_name"),
            Organisation.legal_type,
            Organisation.charity_number,
            Organisation.company_number,
            Organisation.postcode,
            Organisation.updated_at.label("organisation_updated_at"),
            Application.project_title,
            Application.amount_requested_pence,
            Decision.decided_at,
        )
        .join(Organisation, Organisation.id == Award.organisation_id)
        .join(Application, Application.id == Award.application_id)
        .outerjoin(Decision, Decision.application_id == Award.application_id)
        .where(*filters)
        .order_by(Award.reference)
        .limit(size)
    )
    if after is not None:
        query = query.where(Award.reference > after)
    return list(db.session.execute(query))


def _payments(award_ids: list[int]) -> dict[int, list[Any]]:
    rows = db.session.execute(
        sa.select(
            Payment.award_id,
            Payment.label,
            Payment.amount_pence,
            Payment.status,
            Payment.due_at,
            Payment.paid_on,
            Payment.payment_reference,
            Payment.approved_at,
            Payment.recorded_at,
        )
        .where(Payment.award_id.in_(award_ids))
        .order_by(Payment.award_id, Payment.position)
    )
    by_award: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_award[row.award_id].append(row)
    return by_award


def _answers(application_ids: list[int], keys: Iterable[str]) -> list[Any]:
    return list(
        db.session.execute(
            sa.select(Answer.application_id, Answer.question_key, Answer.value, Answer.raw)
            .where(Answer.application_id.in_(application_ids), Answer.question_key.in_(sorted(set(keys))))
            .order_by(Answer.application_id, Answer.id)
        )
    )


@dataclass(frozen=True)
class _Answers:
    """A batch's themes (names), boroughs (GSS codes) and project summaries, by application id."""

    themes: dict[int, list[str]]
    boroughs: dict[int, list[str]]
    summaries: dict[int, str]


def _batch_answers(awards: list[Any], calls: dict[int, _Call]) -> _Answers:
    keys = {SUMMARY_KEY}
    for call in calls.values():
        keys |= call.theme_keys | call.borough_keys
    answers = _answers([a.application_id for a in awards], keys)
    call_of = {a.application_id: a.round_id for a in awards}
    result = _Answers(themes={}, boroughs={}, summaries={})
    for round_id in {a.round_id for a in awards}:
        call = calls[round_id]
        themes, boroughs = sort_answers(
            (answer for answer in answers if call_of[answer.application_id] == round_id),
            theme_keys=call.theme_keys,
            borough_keys=call.borough_keys,
            theme_names=call.theme_names,
        )
        result.themes.update(themes)
        result.boroughs.update(boroughs)
    for answer in answers:
        if answer.question_key == SUMMARY_KEY:
            text = answer.value if answer.value is not None else answer.raw
            result.summaries[answer.application_id] = text.strip() if isinstance(text, str) else ""
    return result


def _latest(*stamps: datetime | None) -> datetime:
    return max(stamp for stamp in stamps if stamp is not None)


def _row(award: Any, call: _Call, payments: list[Any], answers: _Answers) -> RegisterRow:
    decided = award.decided_at or award.created_at
    tier = tier_for(award.amount_requested_pence, call.tiers)
    lines = tuple(
        PaymentLine(
            label=p.label,
            amount_pence=p.amount_pence,
            status=p.status.value,
            due_at=p.due_at,
            paid_on=p.paid_on,
            reference=p.payment_reference,
        )
        for p in payments
    )
    return RegisterRow(
        award_id=award.id,
        reference=award.reference,
        fund_code=call.fund_code,
        fund_name=call.fund_name,
        round_code=call.code,
        round_name=call.name,
        organisation_id=award.organisation_id,
        organisation_name=award.organisation_name,
        legal_type=award.legal_type.value,
        charity_number=award.charity_number,
        company_number=award.company_number,
        organisation_postcode=award.postcode,
        project_title=award.project_title,
        project_summary=answers.summaries.get(award.application_id, ""),
        tier=tier.name if tier else "",
        themes=tuple(dict.fromkeys(answers.themes.get(award.application_id, []))),
        boroughs=tuple(dict.fromkeys(answers.boroughs.get(award.application_id, []))),
        amount_applied_pence=award.amount_requested_pence,
        amount_awarded_pence=award.amount_pence,
        paid_pence=sum(p.amount_pence for p in payments if p.status == PaymentStatus.PAID),
        award_date=to_london(decided).date(),
        planned_start=award.project_start,
        planned_end=award.project_end,
        status=award.status.value,
        payments=lines,
        last_modified=_latest(
            award.created_at,
            award.decided_at,
            award.letter_issued_at,
            award.accepted_at,
            award.declined_at,
            award.activated_at,
            award.withdrawn_at,
            award.organisation_updated_at,
            *(p.approved_at for p in payments),
            *(p.recorded_at for p in payments),
            *(p.due_at for p in payments),
        ),
    )


def iter_register_rows(
    *,
    round_ids: Sequence[int],
    date_from: date | None = None,
    date_to: date | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[RegisterRow]:
    """Every award of the calls (in every status), made on or between the London days given (either may be left
    open), in reference order, one RegisterRow at a time: batch_size awards are read at once, in three statements,
    so memory stays flat whatever the number of awards. Safe to commit between rows (nothing is held in the
    session)."""
    if not round_ids:
        return
    calls = _calls(round_ids)
    filters = _filters(round_ids, date_from, date_to)
    after: str | None = None
    while True:
        awards = _award_batch(filters, after, batch_size)
        if not awards:
            return
        payments = _payments([a.id for a in awards])
        answers = _batch_answers(awards, calls)
        for award in awards:
            yield _row(award, calls[award.round_id], payments.get(award.id, []), answers)
        if len(awards) < batch_size:
            return
        after = awards[-1].reference


# --- the register as a table --------------------------------------------------------------------------------

TEXT, MONEY, DATE = "text", "money", "date"

# (title, kind): kind says how XLSX writes the cell (money as a number in pounds, dates as dates).
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Grant reference", TEXT),
    ("360Giving id", TEXT),
    ("Organisation", TEXT),
    ("Organisation id", TEXT),
    ("Charity number", TEXT),
    ("Company number", TEXT),
    ("Fund", TEXT),
    ("Call", TEXT),
    ("Project title", TEXT),
    ("Tier", TEXT),
    ("Themes", TEXT),
    ("Boroughs", TEXT),
    ("Amount applied for (£)", MONEY),
    ("Amount awarded (£)", MONEY),
    ("Paid (£)", MONEY),
    ("Outstanding (£)", MONEY),
    ("Award date", DATE),
    ("Planned start", DATE),
    ("Planned end", DATE),
    ("Status", TEXT),
    ("Payments", TEXT),
)
REGISTER_COLUMNS: tuple[str, ...] = tuple(title for title, _kind in _COLUMNS)
REGISTER_COLUMN_KINDS: tuple[str, ...] = tuple(kind for _title, kind in _COLUMNS)

RegisterValue = str | int | date | None


def payment_summary(line: PaymentLine, *, cancelled: bool = False) -> str:
    """One tranche in words: 'First payment £10,000.00 paid 2026-05-01 ref BACS123', '… due 2026-06-01',
    '… not yet due', '… approved, not yet paid', '… failed', or '… not to be paid' (cancelled: the offer was
    declined or withdrawn)."""
    text = f"{line.label} {format_pence(line.amount_pence, show_pence=True)}"
    if cancelled and line.status != PaymentStatus.PAID:
        text += " not to be paid"
    elif line.status == PaymentStatus.PAID:
        text += f" paid {line.paid_on.isoformat()}" if line.paid_on else " paid"
        if line.reference:
            text += f" ref {line.reference}"
    elif line.status == PaymentStatus.APPROVED:
        text += " approved, not yet paid"
    elif line.status == PaymentStatus.FAILED:
        text += " failed"
    elif line.due_at is not None:
        text += f" due {to_london(line.due_at).date().isoformat()}"
    else:
        text += " not yet due"
    return text


def register_values(row: RegisterRow, *, prefix: str) -> list[RegisterValue]:
    """One row's values in REGISTER_COLUMNS order, typed: money in pence (int), dates as dates, the rest text
    (boroughs by name, the status as staff read it, the payments summarised in one cell)."""
    return [
        row.reference,
        grant_identifier(row, prefix),
        row.organisation_name,
        organisation_identifier(row, prefix),
        row.charity_number or "",
        row.company_number or "",
        row.fund_name,
        row.round_code,
        row.project_title,
        row.tier,
        "; ".join(row.themes),
        "; ".join(borough_name(code) or code for code in row.boroughs),
        row.amount_applied_pence,
        row.amount_awarded_pence,
        row.paid_pence,
        row.outstanding_pence,
        row.award_date,
        row.planned_start,
        row.planned_end,
        AWARD_STAFF_LABELS[AwardStatus(row.status)],
        "; ".join(payment_summary(line, cancelled=row.status in ENDED_STATUSES) for line in row.payments),
    ]


def register_cells(row: RegisterRow, *, prefix: str) -> list[str | int | None]:
    """One row's cells as text for CSV: money as a plain number of pounds ('1234.50', which spreadsheets add up),
    dates as ISO 8601 (2026-05-01), blanks as ''."""
    cells: list[str | int | None] = []
    for value, kind in zip(register_values(row, prefix=prefix), REGISTER_COLUMN_KINDS, strict=True):
        if value is None:
            cells.append("")
        elif kind == MONEY and isinstance(value, int):
            cells.append(pounds_number(value))
        elif kind == DATE and isinstance(value, date):
            cells.append(value.isoformat())
        else:
            cells.append(str(value))
    return cells
