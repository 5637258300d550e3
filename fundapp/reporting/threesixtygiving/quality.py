"""Data-quality rules for a 360Giving grant, beyond the schema: what 360Giving's own checks would warn a publisher of.

Each problem has a short rule id (for tests and for counting) and a sentence naming what is wrong, so a finance
officer can find the award and fix it at source before the file is published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fundapp.awards.states import REGISTER_FORMATS, Register
from fundapp.core.reference import is_borough_code
from fundapp.reporting.register import RegisterRow

TITLE_LIMIT = 140  # 360Giving: a title "should be under 140 characters long"
LONDON_GEO_CODE_TYPE = "LONB"
# Org-id.guide prefixes of the UK registers a recipient may be on, each with the format of the register's numbers.
REGISTER_PREFIXES: dict[str, Register] = {
    "GB-CHC": Register.CHARITY_COMMISSION,
    "GB-SC": Register.OSCR,
    "GB-NIC": Register.CCNI,
    "GB-COH": Register.COMPANIES_HOUSE,
    "GB-MPR": Register.FCA_MUTUALS,
}
_EMAIL_RE = re.compile(r"[\w.%+'-]+@[\w-]+(\.[\w-]+)+")
_OWN_NUMBER_RE = re.compile(r"^[1-9]\d*$")
_FULL_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# Fields the public reads, each with how a message names it.
_PUBLIC_TEXT = (("title", "title"), ("description", "description"))


@dataclass(frozen=True)
class Problem:
    """Something to fix before a row is published: its place among the published rows, its award and why."""

    row: int  # 1-based among the published rows (0: the file as a whole)
    reference: str  # the award reference
    rule: str  # a short id, like zero-amount
    message: str  # plain English, like "The amount awarded is £0"


def quality_problems(
    row: RegisterRow, grant: dict[str, Any], *, prefix: str | None = None, row_number: int = 0
) -> list[Problem]:
    """Every data-quality rule the grant breaks (prefix: the publisher's, by default read off the grant's id)."""
    own_prefix = prefix if prefix is not None else str(grant.get("id", "")).removesuffix(f"-{row.reference}")
    found = [
        *_amount(grant),
        *_title_and_description(row, grant),
        *_emails(grant),
        *_recipient_id(grant, own_prefix),
        *_locations(grant),
        *_programme(grant),
        *_dates(grant),
    ]
    return [Problem(row_number, row.reference, rule, message) for rule, message in found]


Finding = tuple[str, str]


def _amount(grant: dict[str, Any]) -> list[Finding]:
    amount = grant.get("amountAwarded")
    if isinstance(amount, int | float) and amount <= 0:
        return [("zero-amount", "The amount awarded is £0")]
    return []


def _title_and_description(row: RegisterRow, grant: dict[str, Any]) -> list[Finding]:
    title = str(grant.get("title") or "").strip()
    found: list[Finding] = []
    if not title:
        found.append(("no-title", "The grant has no title (the project title is empty)"))
    elif len(title) >= TITLE_LIMIT:
        found.append(
            ("title-too-long", f"The title is {len(title)} characters long: 360Giving asks for under {TITLE_LIMIT}")
        )
    summary = row.project_summary.strip()
    if not summary:
        found.append(("no-description", "The project has no summary, so the description only names the grant"))
    elif summary.casefold() == row.project_title.strip().casefold() or grant.get("description") == title:
        found.append(("title-same-as-description", "The project summary is the same as the title"))
    return found


def _emails(grant: dict[str, Any]) -> list[Finding]:
    texts = [(label, str(grant.get(field) or "")) for field, label in _PUBLIC_TEXT]
    texts += [("recipient's name", str(org.get("name") or "")) for org in grant.get("recipientOrganization", [])]
    texts += [("grant programme's title", str(p.get("title") or "")) for p in grant.get("grantProgramme", [])]
    return [
        ("email-in-text", f"The {label} has an email address in it: take it out before publishing")
        for label, text in texts
        if _EMAIL_RE.search(text)
    ]


def _recipient_id(grant: dict[str, Any], own_prefix: str) -> list[Finding]:
    found: list[Finding] = []
    for org in grant.get("recipientOrganization", []):
        identifier = str(org.get("id") or "")
        found.extend(_check_org_id(identifier, own_prefix))
    return found


def _check_org_id(identifier: str, own_prefix: str) -> list[Finding]:
    own = f"{own_prefix}-ORG-"
    if own_prefix and identifier.startswith(own):
        if _OWN_NUMBER_RE.match(identifier.removeprefix(own)):
            return []
        return [("recipient-id-format", f"The recipient's identifier {identifier} should end in a number")]
    for register_prefix, register in REGISTER_PREFIXES.items():
        if identifier.startswith(f"{register_prefix}-"):
            pattern, example = REGISTER_FORMATS[register]
            if pattern.match(identifier.removeprefix(f"{register_prefix}-")):
                return []
            return [
                (
                    "recipient-id-format",
                    f"The recipient's identifier {identifier} does not have a {register_prefix} number in the "
                    f"right format ({example})",
                )
            ]
    known = ", ".join([*REGISTER_PREFIXES, f"{own_prefix}-ORG"])
    return [
        (
            "recipient-id-prefix",
            f"The recipient's identifier {identifier or '(none)'} does not start with a known prefix ({known})",
        )
    ]


def _locations(grant: dict[str, Any]) -> list[Finding]:
    locations = grant.get("beneficiaryLocation") or []
    if not locations:
        return [("no-beneficiary-location", "The grant names no London borough where the people it helps are")]
    found: list[Finding] = []
    for location in locations:
        code = str(location.get("geoCode") or "")
        if not is_borough_code(code) or location.get("geoCodeType") != LONDON_GEO_CODE_TYPE:
            found.append(
                (
                    "beneficiary-location",
                    f"The beneficiary location {code or '(no code)'} is not a London borough "
                    f"(a GSS code from E09000001 to E09000033, of type {LONDON_GEO_CODE_TYPE})",
                )
            )
    return found


def _programme(grant: dict[str, Any]) -> list[Finding]:
    if any(str(p.get("code") or "").strip() for p in grant.get("grantProgramme") or []):
        return []
    return [("no-grant-programme", "The grant has no grant programme (the call's code is missing)")]


def _dates(grant: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    award_date = str(grant.get("awardDate") or "")
    if not (_FULL_DATE_RE.match(award_date) and _parses(date.fromisoformat, award_date)):
        found.append(("award-date", f"The award date {award_date or '(none)'} is not a full date, like 2025-03-31"))
    modified = str(grant.get("dateModified") or "")
    if not (_DATE_TIME_RE.match(modified) and _parses(datetime.fromisoformat, modified)):
        found.append(
            (
                "date-modified",
                f"The last-modified time {modified or '(none)'} is not a full date and time, like 2025-03-31T14:30:00Z",
            )
        )
    return found


def _parses(parse: Any, text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True
