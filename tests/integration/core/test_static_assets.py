"""The compiled, de-branded GOV.UK Frontend assets are committed and served by the app (no CDN, no Node)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    "path",
    ["/static/css/fundapp.min.css", "/static/js/govuk-frontend.min.js", "/static/js/app.js", "/static/manifest.json"],
)
def test_assets_the_layout_uses_are_served(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    response.close()


def test_stylesheet_carries_no_gov_uk_typeface(client: FlaskClient) -> None:
    response = client.get("/static/css/fundapp.min.css")
    css = response.get_data(as_text=True)
    response.close()
    assert "GDS Transport" not in css
    assert "system-ui" in css


def test_pages_use_the_generic_header_and_no_crown(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "govuk-generic-header" in page
    assert "govuk-header__crown" not in page and "Crown copyright" not in page
