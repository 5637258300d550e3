"""No text a person typed reaches a page as markup, and `next=` after signing in only ever leads to this site.

A scan of the code (no `|safe` in templates, no `Markup(` but the allowlisted ones, autoescape on), then pages
showing an organisation name, an answer and a report narrative that are attacks, and sign-in with hostile `next`s.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from markupsafe import escape

import fundapp
from fundapp.accounts.states import StaffRole
from fundapp.core.auth import safe_next_url
from fundapp.core.pdf import document_templates
from fundapp.extensions import db
from tests.factories import (
    DEFAULT_PASSWORD,
    AnswerFactory,
    ApplicationFactory,
    MembershipFactory,
    applicant_with_organisation,
    staff_user,
    submitted_report,
)
from tests.helpers import csrf_token, sign_in_as

ROOT = Path(fundapp.__file__).parent
# Where markup is built in Python on purpose, and why it is safe.
MARKUP_ALLOWED = {
    "core/pdf.py": "the QR code's SVG: segno escapes the title, the rest is path data it generated from our URL",
}
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


def test_no_template_marks_anything_safe_or_turns_autoescape_off() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\|\s*safe\b|autoescape\s+false|\|\s*unescape\b", line)
    ]
    assert offenders == []


def test_markup_is_built_in_python_only_where_allowlisted() -> None:
    found = {
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if re.search(r"\bMarkup\(|markupsafe\.Markup|Markup\.unescape", path.read_text(encoding="utf-8"))
    }
    assert found == set(MARKUP_ALLOWED)


def test_html_pages_and_documents_are_autoescaped_and_email_is_plain_text(app: Flask) -> None:
    assert app.jinja_env.autoescape("page.html") is True  # type: ignore[operator]
    for package in ("fundapp.applications", "fundapp.awards"):
        autoescape = document_templates(package).autoescape
        assert autoescape is True or autoescape("document.html")  # type: ignore[operator]
    emails = list(ROOT.rglob("templates/**/emails/*"))
    assert emails and all(path.suffix == ".txt" for path in emails)  # sent as text/plain: nothing is markup


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} gave {response.status_code}"
    return response.get_data(as_text=True)


def _assert_escaped(page: str, payload: str) -> None:
    assert payload not in page
    assert "<script>alert(1)" not in page and "<img src=x" not in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_organisation_name_and_an_answer_that_are_markup_show_as_text(client: Any, payload: str) -> None:
    user, organisation = applicant_with_organisation(name=payload)
    application = ApplicationFactory(organisation=organisation, project_title=payload, submitted=True)
    AnswerFactory(application=application, question_key="project_title", raw=payload, value=payload)
    sign_in_as(client, user)
    for url in ("/applications", f"/organisations/{organisation.id}", f"/applications/{application.id}"):
        _assert_escaped(_page(client, url), payload)
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, fund_id=application.round.fund_id))
    staff_page = _page(client, f"/staff/applications/{application.id}")
    assert str(escape(payload)) in staff_page  # the organisation and the title are shown, as text
    _assert_escaped(staff_page, payload)


def _with_delivered(data: Any, payload: str) -> Any:
    """data with every "delivered" narrative in it (at any depth) replaced by payload."""
    if isinstance(data, dict):
        return {key: payload if key == "delivered" else _with_delivered(value, payload) for key, value in data.items()}
    if isinstance(data, list):
        return [_with_delivered(value, payload) for value in data]
    return data


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_report_narrative_that_is_markup_shows_as_text(client: Any, payload: str) -> None:
    report = submitted_report()
    report.raw = _with_delivered(report.raw, payload)
    report.values = _with_delivered(report.values, payload)
    for submission in report.submissions:  # the snapshot the pages show once submitted
        submission.content = _with_delivered(submission.content, payload)
    db.session.flush()
    sign_in_as(client, MembershipFactory(organisation=report.award.organisation).user)
    grantee_page = _page(client, f"/reports/{report.id}")
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, fund_id=report.award.round.fund_id))
    staff_page = _page(client, f"/staff/reports/{report.id}")
    for page in (grantee_page, staff_page):
        assert str(escape(payload)) in page  # the narrative is shown, as text
        _assert_escaped(page, payload)


# --- where signing in leads -------------------------------------------------------------------------------------

HOSTILE_NEXTS = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "\\\\evil",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/\r\n/evil.example",
    "http:/evil.example",
    "https:evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXTS)
def test_safe_next_url_refuses_every_way_off_the_site(target: str) -> None:
    assert safe_next_url(target, "/home") == "/home"


def _is_local(location: str) -> bool:
    cleaned = re.sub(r"[\t\r\n]", "", location)  # browsers drop these before reading a URL
    parts = urlsplit(cleaned)
    return not parts.scheme and not parts.netloc and cleaned.startswith("/") and not cleaned.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", HOSTILE_NEXTS)
def test_signing_in_with_a_hostile_next_stays_on_the_site(client: Any, target: str) -> None:
    user, _organisation = applicant_with_organisation()
    url = f"/sign-in?next={quote(target, safe='')}"
    response = client.post(
        url, data={"csrf_token": csrf_token(client, url), "email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert _is_local(response.headers["Location"]), response.headers["Location"]


def test_signing_in_with_a_local_next_goes_there(client: Any) -> None:
    user, organisation = applicant_with_organisation()
    url = f"/sign-in?next={quote(f'/organisations/{organisation.id}', safe='')}"
    response = client.post(
        url, data={"csrf_token": csrf_token(client, url), "email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == f"/organisations/{organisation.id}"
