"""Security headers on every page: a nonce-based CSP, no framing, no sniffing, no caching of personal pages."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def _csp(response: TestResponse) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {name: value for name, _, value in (d.strip().partition(" ") for d in policy.split(";") if d.strip())}


def _nonce(response: TestResponse) -> str:
    match = re.search(r"'nonce-([^']+)'", _csp(response)["script-src"])
    assert match is not None, "script-src has no nonce"
    return match.group(1)


def test_inline_scripts_carry_the_nonce_named_in_the_csp(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    nonce = _nonce(response)

    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.get_data(as_text=True))
    assert inline_scripts, "expected the GOV.UK template's inline script"
    for attributes in inline_scripts:
        assert f'nonce="{nonce}"' in attributes


def test_each_response_gets_a_fresh_nonce(client: FlaskClient) -> None:
    assert _nonce(client.get("/sign-in")) != _nonce(client.get("/sign-in"))


def test_the_csp_allows_only_this_site_and_no_inline_code_without_the_nonce(client: FlaskClient) -> None:
    csp = _csp(client.get("/sign-in"))

    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert "unsafe-inline" not in " ".join(csp.values())
    assert "unsafe-eval" not in " ".join(csp.values())


def test_pages_cannot_be_framed_sniffed_or_cached(client: FlaskClient) -> None:
    response = client.get("/sign-in")

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store, max-age=0"


def test_error_pages_get_the_same_headers(client: FlaskClient) -> None:
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store, max-age=0"
    assert "'nonce-" in response.headers["Content-Security-Policy"]


def test_the_session_cookie_is_http_only_and_same_site(client: FlaskClient) -> None:
    cookie = client.get("/sign-in").headers["Set-Cookie"]

    assert cookie.startswith("fundapp_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
