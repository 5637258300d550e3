"""One award register row as a 360Giving grant record (the mapping in the design's DOMAIN.md, 'Monitoring and exports').

Only grants the organisation has taken up are published: accepted, active or completed awards. Amounts are pounds
(a number), dates are YYYY-MM-DD, dateModified is an RFC 3339 date-time in UTC, each borough a beneficiary location
with its GSS code and the geoCodeType LONB, and each paid payment a disbursement transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fundapp.awards.states import AwardStatus, PaymentStatus
from fundapp.core.reference import london_boroughs
from fundapp.reporting.register import RegisterRow, grant_identifier, organisation_identifier

PUBLISHED_STATUSES = frozenset({AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED})
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
CURRENCY = "GBP"
# The mean length of a month in days, to give a project's length in months.
_DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Publisher:
    """Who publishes the data: the 360Giving prefix of every identifier, the funder, and when the file is made."""

    prefix: str  # GRANT_ID_PREFIX, registered with 360Giving, like 360G-example
    funder_id: str  # FUNDER_ORG_ID, the funder's org-id, like GB-GOR-PC390
    funder_name: str  # FUNDER_NAME
    publisher_name: str
    now: datetime  # UTC: the package's time and the dateModified of a record that has none


def publisher_from_config(config: Mapping[str, Any], *, now: datetime) -> Publisher:
    """The publisher from the app's configuration (PUBLISHER_NAME, when set, else the funder publishes)."""
    funder_name = str(config["FUNDER_NAME"])
    return Publisher(
        prefix=str(config["GRANT_ID_PREFIX"]),
        funder_id=str(config["FUNDER_ORG_ID"]),
        funder_name=funder_name,
        publisher_name=str(config.get("PUBLISHER_NAME") or funder_name),
        now=now,
    )


def is_published(row: RegisterRow) -> bool:
    """True for an award the organisation has taken up (accepted, active or completed): the ones 360Giving lists."""
    return row.status in PUBLISHED_STATUSES


def grant_record(row: RegisterRow, publisher: Publisher) -> dict[str, Any]:
    """The award as a 360Giving grant (a dict ready for JSON); fields with no value are left out."""
    identifier = grant_identifier(row, publisher.prefix)
    grant: dict[str, Any] = {
        "id": identifier,
        "title": row.project_title.strip(),
        "description": grant_description(row),
        "currency": CURRENCY,
    }
    if row.amount_applied_pence is not None:
        grant["amountAppliedFor"] = pounds(row.amount_applied_pence)
    grant["amountAwarded"] = pounds(row.amount_awarded_pence)
    grant["amountDisbursed"] = pounds(row.paid_pence)
    grant["awardDate"] = row.award_date.isoformat()
    planned = planned_dates(row.planned_start, row.planned_end)
    if planned:
        grant["plannedDates"] = [planned]
    grant["recipientOrganization"] = [_recipient(row, publisher)]
    grant["fundingOrganization"] = [{"id": publisher.funder_id, "name": publisher.funder_name}]
    if row.round_code:
        grant["grantProgramme"] = [{"code": row.round_code, "title": row.round_name}]
    locations = beneficiary_locations(row.boroughs)
    if locations:
        grant["beneficiaryLocation"] = locations
    transactions = _disbursements(row, identifier)
    if transactions:
        grant["disbursementTransaction"] = transactions
    grant["fromOpenCall"] = "Yes"
    grant["dateModified"] = rfc3339(row.last_modified or publisher.now)
    return grant


def grant_description(row: RegisterRow) -> str:
    """The project summary, or, when it is empty or only repeats the title, a sentence saying what the grant is."""
    summary = row.project_summary.strip()
    title = row.project_title.strip()
    if summary and summary.casefold() != title.casefold():
        return summary
    return f"{title}: a grant from the {row.fund_name} ({row.round_name})"


def pounds(pence: int) -> int | float:
    """Pence as a JSON number of pounds: 1500000 → 15000, 123456 → 1234.56."""
    return pence // 100 if pence % 100 == 0 else pence / 100


def rfc3339(moment: datetime) -> str:
    """A full RFC 3339 date-time in UTC with a Z (a naive value is taken as UTC, as the database stores it)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def planned_dates(start: date | None, end: date | None) -> dict[str, Any]:
    """The planned dates event: start, end (inclusive) and the length in whole months (at least 1)."""
    event: dict[str, Any] = {}
    if start:
        event["startDate"] = start.isoformat()
    if end:
        event["endDate"] = end.isoformat()
    if start and end and end >= start:
        days = (end + timedelta(days=1) - start).days
        event["duration"] = max(round(days / _DAYS_PER_MONTH), 1)
    return event


def beneficiary_locations(gss_codes: tuple[str, ...]) -> list[dict[str, Any]]:
    """Each borough once, in the order given: its name, GSS code and geoCodeType (an unknown code stands alone)."""
    known = {borough.gss_code: borough for borough in london_boroughs()}
    locations: list[dict[str, Any]] = []
    for code in dict.fromkeys(gss_codes):
        borough = known.get(code)
        if borough is None:
            locations.append({"geoCode": code})
        else:
            locations.append({"name": borough.name, "geoCode": code, "geoCodeType": borough.geo_code_type})
    return locations


def _recipient(row: RegisterRow, publisher: Publisher) -> dict[str, Any]:
    recipient: dict[str, Any] = {
        "id": organisation_identifier(row, publisher.prefix),
        "name": row.organisation_name.strip(),
    }
    if row.charity_number:
        recipient["charityNumber"] = row.charity_number
    if row.company_number:
        recipient["companyNumber"] = row.company_number
    if row.organisation_postcode:
        recipient["postalCode"] = row.organisation_postcode
    return recipient


def _disbursements(row: RegisterRow, identifier: str) -> list[dict[str, Any]]:
    """A transaction for each payment made, numbered by its place in the award's payment schedule."""
    transactions: list[dict[str, Any]] = []
    for number, payment in enumerate(row.payments, start=1):
        if payment.status != PaymentStatus.PAID:
            continue
        transaction: dict[str, Any] = {
            "id": f"{identifier}-{number}",
            "currency": CURRENCY,
            "value": pounds(payment.amount_pence),
            "description": payment.label,
        }
        if payment.paid_on:
            transaction["transactionDate"] = payment.paid_on.isoformat()
        transactions.append(transaction)
    return transactions
