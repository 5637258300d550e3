"""Valid answers to every section of the default Shared Endeavour Fund form, as a browser would post them."""

from __future__ import annotations

from typing import Any

AMOUNT = "£20,000"


def sef_section_posts(*, theme_id: int, amount: str = AMOUNT) -> dict[str, dict[str, Any]]:
    """Form data per section key that makes the section complete (the budget adds up to `amount`)."""
    words = "We will run weekly sessions in youth clubs and schools across the borough."
    return {
        "organisation": {"organisation_profile": "yes"},
        "project_summary": {
            "project_title": "Bridges not walls",
            "project_summary": words,
            "start_date-day": "1",
            "start_date-month": "4",
            "start_date-year": "2027",
            "end_date-day": "31",
            "end_date-month": "3",
            "end_date-year": "2028",
            "amount_requested": amount,
        },
        "need": {"need_description": words, "need_evidence": words},
        "activities": {
            "activities_description": words,
            "delivery_mode": "mixed",
            "milestones": words,
            "sessions_planned": "48",
            "volunteers_involved": "6",
        },
        "beneficiaries": {
            "boroughs": ["E09000022", "E09000028"],
            "londoners_reached": "400",
            "target_groups": ["young_people"],
            "target_groups_detail": words,
        },
        "themes": {"themes": [str(theme_id)], "themes_explanation": words},
        "outcomes": {"outcomes": words, "measurement": words, "participants_reporting_change": "250"},
        "safeguarding": {
            "safeguarding_policy": "no",
            "safeguarding_plan": words,
            "safeguarding_lead_name": "Sam Lee",
            "safeguarding_lead_email": "sam@example.org",
            "dbs_checks": "yes",
        },
        "budget": {
            "budget-category": ["staff", "venue"],
            "budget-description": ["Youth worker, 1 day a week", "Hall hire"],
            "budget-amount": ["15,000", "5000"],
        },
        "risks": {"risks": words},
        "declarations": {
            "declaration_true": "yes",
            "declaration_authorised": "yes",
            "declaration_not_political": "yes",
            "declaration_publish": "yes",
            "signatory_name": "Amara Okafor",
            "signatory_position": "Chair of trustees",
            "signatory_email": "amara@example.org",
            "signatory_phone": "020 7946 0000",
        },
    }
