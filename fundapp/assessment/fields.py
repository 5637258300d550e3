"""The names of a scorecard's and a moderation form's per-criterion fields, shared by services (which name the
field an error belongs to) and forms/templates (which render them)."""

from __future__ import annotations

NOT_APPLICABLE = "na"


def score_field(criterion_id: int) -> str:
    return f"score-{criterion_id}"


def justification_field(criterion_id: int) -> str:
    return f"justification-{criterion_id}"


def moderated_score_field(criterion_id: int) -> str:
    return f"moderated-score-{criterion_id}"


def moderation_reason_field(criterion_id: int) -> str:
    return f"moderation-reason-{criterion_id}"
