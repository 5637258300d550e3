"""Eligibility screening run on submission: pure rules over plain values, each failure a sentence the
applicant can read ("Your organisation type … cannot apply to this call")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fundapp.accounts.states import LEGAL_TYPE_LABELS, LegalType
from fundapp.applications.answers import TierRule, tier_ranges
from fundapp.core.money import format_pence
from fundapp.core.reference import is_borough_code


@dataclass(frozen=True)
class EligibilityFacts:
    """What screening looks at, taken from the organisation's profile, the call and the answers."""

    legal_type: str
    eligible_legal_types: Sequence[str]
    borough_gss: str
    amount_requested_pence: int | None
    tiers: Sequence[TierRule]
    match_funding_pence: int | None = None
    match_evidence_question: str | None = None
    required_documents: Sequence[tuple[str, str]] = ()  # (question key, label)
    attachment_counts: Mapping[str, int] = field(default_factory=dict)


def eligibility_reasons(facts: EligibilityFacts) -> list[str]:
    """Every reason the application is not eligible (an empty list means eligible)."""
    reasons = []
    if facts.legal_type not in facts.eligible_legal_types:
        label = LEGAL_TYPE_LABELS.get(LegalType(facts.legal_type), facts.legal_type)
        reasons.append(f"Your organisation type ({label}) cannot apply to this call.")
    if not is_borough_code(facts.borough_gss):
        reasons.append("Your organisation must be based in London.")
    tier = _tier_for(facts.tiers, facts.amount_requested_pence)
    if facts.amount_requested_pence is None:
        reasons.append("You did not tell us how much you are asking for.")
    elif tier is None:
        reasons.append(
            f"The amount you asked for ({format_pence(facts.amount_requested_pence)}) is not within the grant sizes "
            f"for this call: {tier_ranges(facts.tiers)}."
        )
    elif tier.match_funding_percent:
        reasons.extend(_match_funding_reasons(facts, tier))
    for key, label in facts.required_documents:
        if not facts.attachment_counts.get(key):
            reasons.append(f"This call requires a document you did not upload (the question “{label}”).")
    return reasons


def _tier_for(tiers: Sequence[TierRule], pence: int | None) -> TierRule | None:
    if pence is None:
        return None
    return next((t for t in tiers if t.min_pence <= pence <= t.max_pence), None)


def _match_funding_reasons(facts: EligibilityFacts, tier: TierRule) -> list[str]:
    assert facts.amount_requested_pence is not None  # nosec B101  # for mypy: only called once a tier matched it
    needed = -(-facts.amount_requested_pence * tier.match_funding_percent // 100)
    reasons = []
    if (facts.match_funding_pence or 0) < needed:
        reasons.append(
            f"Grants in {tier.name} need match funding of at least {format_pence(needed)} "
            f"({tier.match_funding_percent}% of the amount you asked for)."
        )
    if facts.match_evidence_question and not facts.attachment_counts.get(facts.match_evidence_question):
        reasons.append(f"Grants in {tier.name} need evidence of your match funding, and none was uploaded.")
    return reasons
