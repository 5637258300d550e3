"""Public pages and the health check."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_healthcheck_says_ok_in_plain_text_without_signing_in(client: FlaskClient) -> None:
    response = client.get("/healthcheck")

    assert response.status_code == 200
    assert response.get_data(as_text=True) == "OK"
    assert response.mimetype == "text/plain"
