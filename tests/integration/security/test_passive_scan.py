"""A passive security scan of every page each role reaches by following links (ZAP's passive rules and ASVS V3).

The demo is loaded once for the module in a transaction rolled back at the end; each role crawls it through the test
client (tests/integration/security/crawler.py). A finding names the role, the page and the rule.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask_talisman import Talisman
from werkzeug.datastructures import Headers

from fundapp.core.forms import CSRF_MESSAGE
from tests.integration.programmes.test_demo_cli import LoadedDemo, loaded_demo
from tests.integration.security.crawler import ORIGIN, ROLES, CrawlsByRole, Page, client_as, crawl_as

__all__ = ["loaded_demo"]

STRICT_REFERRERS = {"strict-origin-when-cross-origin", "strict-origin", "same-origin", "no-referrer"}
ONE_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def crawls(app: Flask, loaded_demo: LoadedDemo) -> CrawlsByRole:
    return CrawlsByRole(app)


def csp_directives(headers: Headers) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]} ({} when there is none)."""
    policy = headers.get("Content-Security-Policy", "")
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def _header_findings(page: Page, signed_in: bool) -> list[str]:
    headers, findings = page.headers, []
    csp = csp_directives(headers)
    if not csp:
        return ["no Content-Security-Policy"]
    for directive in ("script-src", "style-src"):
        sources = csp.get(directive, csp.get("default-src", ["*"]))
        findings += [f"{directive} allows {s}" for s in sources if s in {"'unsafe-inline'", "'unsafe-eval'", "*"}]
    if not set(csp.get("frame-ancestors", [])) <= {"'none'", "'self'"} or "frame-ancestors" not in csp:
        findings.append("frame-ancestors is not 'none' or 'self'")
    if csp.get("object-src") != ["'none'"]:
        findings.append("object-src is not 'none'")
    if csp.get("base-uri") not in (["'none'"], ["'self'"]):
        findings.append("base-uri is not restricted")
    if headers.get("X-Content-Type-Options") != "nosniff":
        findings.append("no X-Content-Type-Options: nosniff")
    if headers.get("Referrer-Policy") not in STRICT_REFERRERS:
        findings.append(f"Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    if headers.get("X-Frame-Options", "").upper() not in {"DENY", "SAMEORIGIN"} and "frame-ancestors" not in csp:
        findings.append("neither X-Frame-Options nor frame-ancestors")
    for leaky in ("Server", "X-Powered-By"):
        if re.search(r"\d", headers.get(leaky, "")):
            findings.append(f"{leaky} gives a version: {headers[leaky]}")
    if signed_in and "no-store" not in headers.get("Cache-Control", ""):
        findings.append(f"signed-in page cached: Cache-Control {headers.get('Cache-Control')!r}")
    return findings


def _download_findings(page: Page) -> list[str]:
    findings = []
    if not page.headers.get("Content-Disposition", "").startswith("attachment"):
        findings.append(f"a {page.headers.get('Content-Type')} download not sent as an attachment")
    if "no-store" not in page.headers.get("Cache-Control", ""):
        findings.append("a download that may be cached")
    return findings


def _same_origin(url: str) -> bool:
    return url.startswith(("/", ORIGIN + "/")) and not url.startswith("//")


def _markup_findings(page: Page, csp: dict[str, list[str]]) -> list[str]:
    findings = []
    for form in page.forms:
        if form.method == "post" and not any(f.name == "csrf_token" and f.kind == "hidden" for f in form.fields):
            findings.append(f"POST form to {form.action} has no csrf_token")
        if not _same_origin(form.action):
            findings.append(f"form posts to another origin: {form.action}")
    markup = page.markup
    findings += [f"inline script without the CSP nonce: {s}" for s in markup.inline_scripts if "nonce" not in s]
    findings += [f"inline event handler: {h}" for h in markup.event_handlers]
    style_sources = csp.get("style-src-attr", csp.get("style-src", csp.get("default-src", [])))
    if "'unsafe-inline'" not in style_sources:
        findings += [f"style attribute the CSP blocks: {s}" for s in markup.style_attributes]
    findings += [f"resource from another origin: {s}" for s in markup.sources if not _same_origin(s)]
    return findings


def findings_for(page: Page, signed_in: bool) -> list[str]:
    """What the scan finds wrong with one response."""
    if page.status >= 500:
        return [f"answered {page.status}"]
    if page.status in {301, 302, 303, 307, 308}:
        return _header_findings(page, signed_in)
    findings = _header_findings(page, signed_in)
    if page.status == 200 and not page.is_html:
        findings += _download_findings(page)
    if page.is_html:
        findings += _markup_findings(page, csp_directives(page.headers))
    return findings


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_passes_the_passive_scan(crawls: CrawlsByRole, role: str) -> None:
    crawl = crawls[role][1]
    signed_in = ROLES[role] is not None
    problems = [f"{role} {page.url}: {finding}" for page in crawl.pages for finding in findings_for(page, signed_in)]
    assert len(crawl.pages) > 3, f"{role} reached only {[p.url for p in crawl.pages]}"
    assert not problems, f"{len(problems)} findings on {len(crawl.pages)} pages:\n- " + "\n- ".join(problems)


def _cookie(response: Any, name: str) -> str:
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]
    return cookie


def test_the_session_cookie_is_http_only_and_same_site_lax_by_default(app: Flask, loaded_demo: LoadedDemo) -> None:
    response = client_as(app, "anonymous").get("/sign-in")

    cookie = _cookie(response, app.config["SESSION_COOKIE_NAME"])
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_sends_hsts_for_a_year_and_a_secure_host_only_cookie(
    app: Flask, loaded_demo: LoadedDemo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from config import ProductionConfig
    from fundapp import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    # Extensions keep some settings on themselves: a production app must not leave them on the test app's.
    monkeypatch.setattr("fundapp.extensions.talisman", Talisman())
    monkeypatch.setattr("fundapp.core.jobs.configure_huey", lambda *args, **kwargs: None)
    production = create_app(ProductionConfig())

    response = production.test_client().get("/sign-in", base_url="https://localhost")

    assert response.status_code == 200
    hsts = response.headers["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))  # type: ignore[union-attr]
    assert max_age >= ONE_YEAR
    assert "includeSubDomains" in hsts
    cookie = _cookie(response, "__Host-fundapp_session")
    assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= {part.strip() for part in cookie.split(";")}
    assert "Domain=" not in cookie
    assert production.test_client().get("/sign-in").status_code in {301, 302}  # plain HTTP goes to HTTPS


@pytest.mark.parametrize("role", list(ROLES))
def test_a_post_without_its_csrf_token_is_refused(app: Flask, loaded_demo: LoadedDemo, role: str) -> None:
    client, crawl = crawl_as(app, role)
    forms = crawl.forms[:: max(1, len(crawl.forms) // 5)]  # a sample of five or so forms of each role

    for form in forms:
        body = {f.name: (f.options[0] if f.options else f.value) for f in form.fields if f.name != "csrf_token"}
        response = client.post(form.action, data=body)
        # Refused: the error page, or (a form page, so nothing typed is lost) the form again saying why.
        refused = response.status_code == 400 or (
            response.status_code in {200, 422} and CSRF_MESSAGE in html.unescape(response.get_data(as_text=True))
        )
        assert refused, f"{role} POST {form.action} without a token gave {response.status_code}"
