"""Decisions, award and payment lifecycles as data, due-diligence items and payment triggers, with their labels."""

from __future__ import annotations

import enum
import re


class Outcome(enum.StrEnum):
    """What the panel decided about an application."""

    APPROVED = "approved"
    REJECTED = "rejected"
    RESERVE = "reserve"


OUTCOME_LABELS = {
    Outcome.APPROVED: "Approve",
    Outcome.REJECTED: "Reject",
    Outcome.RESERVE: "Reserve list",
}

# What an applicant reads once the fund has published its outcomes.
OUTCOME_APPLICANT_LABELS = {
    Outcome.APPROVED: "Awarded",
    Outcome.REJECTED: "Not funded",
    Outcome.RESERVE: "On the reserve list",
}


class AwardStatus(enum.StrEnum):
    OFFERED = "offered"  # approved; due diligence and the letter to come
    LETTER_ISSUED = "letter_issued"  # the offer letter has been sent; waiting for the signatory
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ACTIVE = "active"  # accepted and the first payment made: the project is funded and running
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


AWARD_TRANSITIONS: dict[enum.Enum, frozenset[enum.Enum]] = {
    AwardStatus.OFFERED: frozenset({AwardStatus.LETTER_ISSUED, AwardStatus.WITHDRAWN}),
    # Re-issuing a letter keeps the award "letter issued" (a new version of the letter).
    AwardStatus.LETTER_ISSUED: frozenset(
        {AwardStatus.LETTER_ISSUED, AwardStatus.ACCEPTED, AwardStatus.DECLINED, AwardStatus.WITHDRAWN}
    ),
    AwardStatus.ACCEPTED: frozenset({AwardStatus.ACTIVE, AwardStatus.WITHDRAWN}),
    AwardStatus.DECLINED: frozenset(),
    AwardStatus.ACTIVE: frozenset({AwardStatus.COMPLETED, AwardStatus.WITHDRAWN}),
    AwardStatus.COMPLETED: frozenset(),
    AwardStatus.WITHDRAWN: frozenset(),
}

AWARD_STAFF_LABELS = {
    AwardStatus.OFFERED: "Offered – letter not issued",
    AwardStatus.LETTER_ISSUED: "Letter issued",
    AwardStatus.ACCEPTED: "Accepted",
    AwardStatus.DECLINED: "Declined",
    AwardStatus.ACTIVE: "Active",
    AwardStatus.COMPLETED: "Completed",
    AwardStatus.WITHDRAWN: "Withdrawn",
}

AWARD_APPLICANT_LABELS = {
    AwardStatus.OFFERED: "Awarded – offer letter on its way",
    AwardStatus.LETTER_ISSUED: "Awarded – accept your offer",
    AwardStatus.ACCEPTED: "Grant accepted",
    AwardStatus.DECLINED: "Offer declined",
    AwardStatus.ACTIVE: "Grant active",
    AwardStatus.COMPLETED: "Grant completed",
    AwardStatus.WITHDRAWN: "Grant withdrawn",
}

AWARD_TAG_CLASSES = {
    AwardStatus.OFFERED: "govuk-tag--blue",
    AwardStatus.LETTER_ISSUED: "govuk-tag--light-blue",
    AwardStatus.ACCEPTED: "govuk-tag--green",
    AwardStatus.DECLINED: "govuk-tag--red",
    AwardStatus.ACTIVE: "govuk-tag--green",
    AwardStatus.COMPLETED: "govuk-tag--grey",
    AwardStatus.WITHDRAWN: "govuk-tag--grey",
}

# What the public verification page may say about an award's status.
AWARD_PUBLIC_LABELS = {
    AwardStatus.OFFERED: "Offered",
    AwardStatus.LETTER_ISSUED: "Offered",
    AwardStatus.ACCEPTED: "Accepted",
    AwardStatus.DECLINED: "Declined by the grantee",
    AwardStatus.ACTIVE: "Active",
    AwardStatus.COMPLETED: "Completed",
    AwardStatus.WITHDRAWN: "Withdrawn",
}


class PaymentStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    APPROVED = "approved"
    PAID = "paid"
    FAILED = "failed"


PAYMENT_TRANSITIONS: dict[enum.Enum, frozenset[enum.Enum]] = {
    PaymentStatus.SCHEDULED: frozenset({PaymentStatus.APPROVED}),
    PaymentStatus.APPROVED: frozenset({PaymentStatus.PAID, PaymentStatus.FAILED}),
    # A failed payment (wrong bank details, say) is approved again once fixed, and tried again.
    PaymentStatus.FAILED: frozenset({PaymentStatus.APPROVED}),
    PaymentStatus.PAID: frozenset(),
}

PAYMENT_LABELS = {
    PaymentStatus.SCHEDULED: "Scheduled",
    PaymentStatus.APPROVED: "Approved – to pay",
    PaymentStatus.PAID: "Paid",
    PaymentStatus.FAILED: "Failed",
}

PAYMENT_TAG_CLASSES = {
    PaymentStatus.SCHEDULED: "govuk-tag--grey",
    PaymentStatus.APPROVED: "govuk-tag--blue",
    PaymentStatus.PAID: "govuk-tag--green",
    PaymentStatus.FAILED: "govuk-tag--red",
}


class DueDiligenceItem(enum.StrEnum):
    REGISTRATION = "registration"
    BANK_DETAILS = "bank_details"
    SAFEGUARDING_POLICY = "safeguarding_policy"
    GOVERNING_DOCUMENT = "governing_document"
    CONDITIONS = "conditions"


DUE_DILIGENCE_LABELS = {
    DueDiligenceItem.REGISTRATION: "Registration number checked against the register",
    DueDiligenceItem.BANK_DETAILS: "Bank details verified",
    DueDiligenceItem.SAFEGUARDING_POLICY: "Safeguarding policy seen",
    DueDiligenceItem.GOVERNING_DOCUMENT: "Governing document seen",
    DueDiligenceItem.CONDITIONS: "Conditions of the award met",
}

DUE_DILIGENCE_HINTS = {
    DueDiligenceItem.REGISTRATION: "Look the number up on the register and check the name and status match.",
    DueDiligenceItem.BANK_DETAILS: (
        "Confirm the account name matches the organisation (for example with a bank statement or a "
        "confirmation-of-payee check). Do not record the account number here."
    ),
    DueDiligenceItem.SAFEGUARDING_POLICY: (
        "A current policy, adopted by the organisation and reviewed in the last 3 years."
    ),
    DueDiligenceItem.GOVERNING_DOCUMENT: "Constitution, articles of association or trust deed, signed or certified.",
    DueDiligenceItem.CONDITIONS: "Every condition the panel set has been met.",
}


class Register(enum.StrEnum):
    """Registers an organisation's number is checked against, each with the format its numbers take."""

    CHARITY_COMMISSION = "charity_commission"
    OSCR = "oscr"
    CCNI = "ccni"
    COMPANIES_HOUSE = "companies_house"
    FCA_MUTUALS = "fca_mutuals"
    NONE = "none"


REGISTER_LABELS = {
    Register.CHARITY_COMMISSION: "Charity Commission for England and Wales",
    Register.OSCR: "Scottish Charity Regulator (OSCR)",
    Register.CCNI: "Charity Commission for Northern Ireland",
    Register.COMPANIES_HOUSE: "Companies House",
    Register.FCA_MUTUALS: "FCA Mutuals Public Register",
    Register.NONE: "Not registered (unincorporated group: governing document checked instead)",
}

# Formats, with an example of each for the error message.
REGISTER_FORMATS: dict[Register, tuple[re.Pattern[str], str]] = {
    Register.CHARITY_COMMISSION: (re.compile(r"^[1-9]\d{5,6}(-\d{1,2})?$"), "6 or 7 digits, like 1123456"),
    Register.OSCR: (re.compile(r"^SC0\d{5}$"), "SC then 6 digits, like SC012345"),
    Register.CCNI: (re.compile(r"^(NIC)?1\d{5}$"), "NIC then 6 digits, like NIC100123"),
    Register.COMPANIES_HOUSE: (
        re.compile(r"^(\d{8}|(SC|NI|OC|SO|NC|CE|CS|RS|IP|SP|FC|SE)\d{6})$"),
        "8 characters, like 01234567 or SC123456",
    ),
    Register.FCA_MUTUALS: (re.compile(r"^\d{1,6}R?$"), "up to 6 digits and perhaps an R, like 31234R"),
}


def normalise_registration_number(number: str) -> str:
    """Registration numbers as registers print them: capitals, no spaces."""
    return re.sub(r"\s+", "", number).upper()


class BatchStatus(enum.StrEnum):
    """A run of bulk letter generation for a call."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
