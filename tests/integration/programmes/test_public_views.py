"""The public call pages: the list of open and upcoming calls, and each call's prospectus."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fundapp.accounts.states import LEGAL_TYPE_LABELS, LegalType
from fundapp.core.clock import format_datetime, utcnow
from fundapp.extensions import db
from fundapp.programmes.models import Round
from fundapp.programmes.states import QuestionType, RoundStatus
from tests.factories import (
    CriterionDescriptorFactory,
    CriterionFactory,
    FundFactory,
    QuestionFactory,
    QuestionSetFactory,
    RoundFactory,
    SectionFactory,
    ThemeFactory,
    TierFactory,
    UserFactory,
)
from tests.helpers import sign_in

_TAG = re.compile(r"<[^>]+>")
_START_BUTTON = "govuk-button--start"


def _text(response: TestResponse) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)
    return " ".join(html.unescape(_TAG.sub(" ", body)).split())


def _main(response: TestResponse) -> str:
    """The page's main content as HTML (no header or footer)."""
    body = response.get_data(as_text=True)
    return body[body.index("<main") : body.index("</main>")]


@pytest.fixture()
def call(db_session: object) -> Round:
    """An open call with everything a prospectus shows."""
    round_ = RoundFactory(
        open=True,
        fund=FundFactory(name="Shared Endeavour Fund"),
        code="SEF-6",
        name="Shared Endeavour Fund Call 6",
        summary="Grants for grassroots projects that counter hate.",
        description="Projects should reach Londoners.\n\nWe especially welcome first-time applicants.",
        budget_pence=87_500_000,
        eligible_legal_types=[LegalType.CIO.value, LegalType.CIC.value],
        required_documents=["safeguarding_policy_file"],
        project_earliest_start=date(2026, 4, 1),
        project_latest_end=date(2027, 3, 31),
        max_applications_per_organisation=2,
    )
    TierFactory(round=round_, name="Tier 1", min_pence=1_000_000, max_pence=2_500_000)
    TierFactory(round=round_, name="Tier 3", min_pence=5_000_100, max_pence=10_000_000, match_funding_percent=50)
    ThemeFactory(round=round_, name="Awareness raising", description="Helping people spot harmful narratives.")
    need = CriterionFactory(
        round=round_, name="Need and evidence", weight=60, scale_min=1, guidance="Is the need clearly shown?"
    )
    CriterionDescriptorFactory(criterion=need, score=5, label="Strong", description="Compelling local evidence.")
    CriterionFactory(round=round_, name="Value for money", weight=40)
    section = SectionFactory(question_set=QuestionSetFactory(round=round_), title="Safeguarding")
    QuestionFactory(
        section=section,
        key="safeguarding_policy_file",
        type=QuestionType.FILE,
        label="Upload your safeguarding policy",
        config={"allowed_file_types": ["pdf"], "max_file_size_mb": 10},
    )
    QuestionFactory(
        section=section,
        key="optional_evidence",
        type=QuestionType.FILE,
        label="Upload any other evidence",
        required=False,
        config={"allowed_file_types": ["pdf", "docx"], "max_file_size_mb": 5},
    )
    return round_


# --- the list of calls -----------------------------------------------------------------------------------


def test_calls_lists_open_then_upcoming_calls_and_never_drafts_or_closed_ones(client: FlaskClient) -> None:
    now = utcnow()
    RoundFactory(open=True, name="Open call closing later", closes_at=now + timedelta(days=40))
    RoundFactory(open=True, name="Open call closing soon", closes_at=now + timedelta(days=3))
    RoundFactory(
        status=RoundStatus.OPEN,
        name="Announced call",
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=50),
    )
    RoundFactory(name="Secret draft call")
    RoundFactory(closed=True, name="Old closed call")
    RoundFactory(
        status=RoundStatus.OPEN,
        name="Call past its closing time",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(minutes=1),
    )

    response = client.get("/calls")

    assert response.status_code == 200
    text = _text(response)
    assert "Secret draft call" not in text
    assert "Old closed call" not in text
    assert "Call past its closing time" not in text
    open_part, upcoming_part = text.split("Opening soon", 1)
    assert open_part.index("Open call closing soon") < open_part.index("Open call closing later")
    assert "Announced call" in upcoming_part
    assert "Announced call" not in open_part


def test_each_listed_call_links_to_its_prospectus(client: FlaskClient, call: Round) -> None:
    body = client.get("/calls").get_data(as_text=True)

    assert 'href="/calls/SEF-6"' in body
    assert "Shared Endeavour Fund Call 6" in body


def test_upcoming_calls_say_when_they_open(client: FlaskClient) -> None:
    opens_at = utcnow() + timedelta(days=10)
    RoundFactory(status=RoundStatus.OPEN, opens_at=opens_at, closes_at=opens_at + timedelta(days=30))

    assert f"Opens {format_datetime(opens_at)}" in _text(client.get("/calls"))


def test_calls_page_says_when_nothing_is_open(client: FlaskClient) -> None:
    text = _text(client.get("/calls"))

    assert "There are no calls open for applications at the moment" in text


def test_calls_page_runs_the_same_number_of_statements_for_one_call_as_for_ten(client: FlaskClient) -> None:
    def add_calls(count: int) -> None:
        for _ in range(count):
            round_ = RoundFactory(open=True)
            TierFactory(round=round_)
            ThemeFactory(round=round_)

    add_calls(1)
    with _count_statements() as one:
        assert client.get("/calls").status_code == 200
    add_calls(9)
    with _count_statements() as ten:
        assert client.get("/calls").status_code == 200

    assert len(one) == len(ten)


@contextmanager
def _count_statements() -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block (the test client's requests included)."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


# --- the prospectus --------------------------------------------------------------------------------------

# What the prospectus of the `call` fixture must say (and must not), one row per fact a prospectus gives.
PROSPECTUS_FACTS: dict[str, tuple[list[str], list[str]]] = {
    "fund-and-call": (["Shared Endeavour Fund", "Shared Endeavour Fund Call 6"], []),
    "summary": (["Grants for grassroots projects that counter hate."], []),
    "project-window": (["Projects must start On or after 1 April 2026", "Projects must end By 31 March 2027"], []),
    "budget-and-tiers": (
        ["There is £875,000 in total for this call.", "Tier 1 £10,000 £25,000 None", "Tier 3 £50,001 £100,000 50%"],
        [],
    ),
    "themes": (["Awareness raising – Helping people spot harmful narratives."], []),
    "who-can-apply": (
        ["Organisations based in London", LEGAL_TYPE_LABELS[LegalType.CIO], LEGAL_TYPE_LABELS[LegalType.CIC]],
        [LEGAL_TYPE_LABELS[LegalType.REGISTERED_CHARITY]],
    ),
    "applications-per-organisation": (["Each organisation can make up to 2 applications to this call."], []),
    "required-documents": (["Upload your safeguarding policy PDF, up to 10MB"], ["Upload any other evidence"]),
    "assessment": (
        [
            "Need and evidence 60%",
            "Value for money 40%",
            "Is the need clearly shown?",
            "Scored from 1 to 5.",
            "5 – Strong Compelling local evidence.",
        ],
        [],
    ),
}


@pytest.mark.parametrize("fact", PROSPECTUS_FACTS)
def test_prospectus_shows(client: FlaskClient, call: Round, fact: str) -> None:
    present, absent = PROSPECTUS_FACTS[fact]

    response = client.get("/calls/SEF-6")

    assert response.status_code == 200
    text = _text(response)
    assert [phrase for phrase in present if phrase not in text] == []
    assert [phrase for phrase in absent if phrase in text] == []


def test_prospectus_says_it_is_open_until_its_closing_time_and_gives_dates_in_london_time(
    client: FlaskClient, call: Round
) -> None:
    text = _text(client.get("/calls/SEF-6"))

    assert f"Open – closes {format_datetime(call.closes_at)}" in text
    assert f"Opens {format_datetime(call.opens_at)}" in text
    assert f"Closes {format_datetime(call.closes_at)}" in text


def test_prospectus_shows_each_paragraph_of_the_description_as_a_paragraph(client: FlaskClient, call: Round) -> None:
    body = _main(client.get("/calls/SEF-6"))

    assert '<p class="govuk-body">Projects should reach Londoners.</p>' in body
    assert '<p class="govuk-body">We especially welcome first-time applicants.</p>' in body


def test_open_call_offers_a_start_button_and_asks_visitors_to_sign_in(client: FlaskClient, call: Round) -> None:
    response = client.get("/calls/SEF-6")

    body = _main(response)
    assert _START_BUTTON in body
    assert 'href="/calls/SEF-6/apply"' in body
    assert "You'll need to sign in or create an account" in _text(response)


def test_signed_in_people_see_the_start_button_without_the_sign_in_prompt(client: FlaskClient, call: Round) -> None:
    sign_in(client, UserFactory())

    response = client.get("/calls/SEF-6")

    assert 'href="/calls/SEF-6/apply"' in _main(response)
    assert "You'll need to sign in" not in _text(response)


def test_upcoming_call_says_when_it_opens_and_has_no_start_button(client: FlaskClient) -> None:
    opens_at = utcnow() + timedelta(days=10)
    RoundFactory(code="SOON-1", status=RoundStatus.OPEN, opens_at=opens_at, closes_at=opens_at + timedelta(days=30))

    response = client.get("/calls/SOON-1")

    assert response.status_code == 200
    assert f"Opens on {format_datetime(opens_at)}" in _text(response)
    assert _START_BUTTON not in _main(response)
    assert "/calls/SOON-1/apply" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "fields",
    [
        {"closed": True},
        {"status": RoundStatus.DECIDED, "opens_at": utcnow() - timedelta(days=90)},
        {"status": RoundStatus.OPEN, "opens_at": utcnow() - timedelta(days=30), "closes_at": utcnow()},
    ],
    ids=["closed", "decided", "open-but-past-closing-time"],
)
def test_closed_call_says_closed_and_has_no_start_button(client: FlaskClient, fields: dict[str, Any]) -> None:
    RoundFactory(code="OLD-1", **fields)

    response = client.get("/calls/OLD-1")

    assert response.status_code == 200
    assert "Closed" in _text(response)
    assert "This call is closed" in _text(response)
    assert _START_BUTTON not in _main(response)
    assert "/calls/OLD-1/apply" not in response.get_data(as_text=True)


def test_draft_call_is_not_found(client: FlaskClient) -> None:
    RoundFactory(code="DRAFT-1", name="Secret draft call")

    response = client.get("/calls/DRAFT-1")

    assert response.status_code == 404
    assert "Secret draft call" not in response.get_data(as_text=True)


def test_unknown_call_is_not_found(client: FlaskClient, db_session: object) -> None:
    assert client.get("/calls/NOPE-1").status_code == 404


def test_text_people_typed_is_shown_as_text_never_as_markup(client: FlaskClient) -> None:
    round_ = RoundFactory(
        open=True,
        code="XSS-1",
        summary="<script>alert('summary')</script>",
        description="<b>bold</b>\n\n<img src=x onerror=alert(1)>",
    )
    ThemeFactory(round=round_, description="<script>alert('theme')</script>")

    for url in ("/calls/XSS-1", "/calls"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert(" not in body, url
        assert "&lt;script&gt;alert(" in body, url
    body = client.get("/calls/XSS-1").get_data(as_text=True)
    assert "<img src=x" not in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body


# --- links to the pages ----------------------------------------------------------------------------------


def test_home_page_links_each_open_call_to_its_prospectus(client: FlaskClient, call: Round) -> None:
    body = client.get("/").get_data(as_text=True)

    assert '<a class="govuk-link" href="/calls/SEF-6">Shared Endeavour Fund Call 6</a>' in body
    assert 'href="/calls"' in body


def test_navigation_offers_funding_calls_signed_in_or_not(client: FlaskClient) -> None:
    assert "Funding calls" in client.get("/").get_data(as_text=True)
    sign_in(client, UserFactory())
    assert "Funding calls" in client.get("/").get_data(as_text=True)
