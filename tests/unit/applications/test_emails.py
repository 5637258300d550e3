"""Emails about an application: rendered as plain text the way queue_email renders them."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template

SUBMITTED = {
    "recipient_name": "Amara Okafor",
    "reference": "SEF-6-0042",
    "call_name": "Shared Endeavour Fund Call 6",
    "organisation_name": "Hackney Youth Voices <CIC>",
    "submitted_at_text": "14 March 2026 at 4:05pm",
    "application_url": "https://grants.example.org/applications/42",
    "support_email": "grants@example.org",
    "service_name": "Shared Endeavour Fund",
}


def _render(app: Flask, name: str, **context: Any) -> str:
    with app.app_context():
        return render_template(f"applications/emails/{name}.txt", **context)


def test_acknowledgement_has_reference_next_steps_and_the_copy_link(app: Flask) -> None:
    body = _render(app, "application_submitted", **SUBMITTED)
    assert body.startswith("Dear Amara Okafor,\n")
    for expected in (
        "Reference: SEF-6-0042",
        "Submitted: 14 March 2026 at 4:05pm",
        "Hackney Youth Voices <CIC>",  # plain text: never HTML-escaped
        "eligible",
        "assessors",
        "download a PDF copy",
        "\nhttps://grants.example.org/applications/42\n",
        "grants@example.org",
        "We will email you when decisions have been made.",
    ):
        assert expected in body
    assert "\n\n\n\n" not in body


def test_acknowledgement_says_when_decisions_are_expected_if_known(app: Flask) -> None:
    body = _render(app, "application_submitted", **SUBMITTED, decisions_expected="by the end of July 2026")
    assert "We expect to make decisions by the end of July 2026." in body


def test_withdrawal_gives_the_reason_if_there_is_one(app: Flask) -> None:
    context = {key: SUBMITTED[key] for key in ("recipient_name", "reference", "call_name", "organisation_name")}
    body = _render(app, "application_withdrawn", **context, reason="We found another funder")
    assert "has been withdrawn" in body
    assert "Reason given: We found another funder" in body
    assert "Reference: SEF-6-0042\nReason given: We found another funder\n\nWe will not" in body
    without = _render(app, "application_withdrawn", **context, reason="")
    assert "Reason given" not in without
    assert "Reference: SEF-6-0042\n\nWe will not" in without
    assert "grants@example.org" in without


def test_eligibility_outcome_lists_reasons_only_when_ineligible(app: Flask) -> None:
    context = {key: SUBMITTED[key] for key in ("reference", "call_name", "application_url")}
    passed = _render(app, "eligibility_outcome", eligible=True, reasons=[], **context)
    assert "has passed our eligibility check" in passed
    assert "This is because" not in passed
    failed = _render(
        app,
        "eligibility_outcome",
        eligible=False,
        reasons=["Your organisation is not based in London", "The amount requested is above £100,000"],
        **context,
    )
    assert "is not eligible for funding" in failed
    assert "- Your organisation is not based in London\n- The amount requested is above £100,000\n" in failed
    assert "https://grants.example.org/applications/42" in failed
    for body in (passed, failed):
        assert "\n\n\n" not in body
