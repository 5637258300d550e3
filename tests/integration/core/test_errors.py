"""Friendly GOV.UK error pages for HTTP errors."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import page_title


def test_an_unknown_address_shows_the_page_not_found_page(client: FlaskClient, app: Flask) -> None:
    response = client.get("/no-such-page")
    body = response.get_data(as_text=True)

    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in body
    assert "If you typed the web address, check it is correct." in body
    assert page_title(response) == f"Page not found – {app.config['SERVICE_NAME']}"


def test_a_post_larger_than_max_content_length_is_refused_with_413(client: FlaskClient, app: Flask) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]

    response = client.post("/register", data=b"x" * (limit + 1), content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert "The file or form you sent is too large" in response.get_data(as_text=True)


def test_a_multipart_text_field_larger_than_the_form_memory_limit_is_refused_with_413(
    client: FlaskClient, app: Flask
) -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="full_name"\r\n\r\n'
        + b"x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)
        + b"\r\n--b--\r\n"
    )

    response = client.post("/register", data=body, content_type="multipart/form-data; boundary=b")

    assert response.status_code == 413


def test_a_wrong_method_shows_the_not_allowed_page(client: FlaskClient) -> None:
    response = client.get("/sign-out")

    assert response.status_code == 405
    assert "This action is not allowed" in response.get_data(as_text=True)
