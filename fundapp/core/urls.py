"""Absolute links for emails and documents, built from SERVICE_URL (never from the request's Host header)."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """https://service.example/path for an endpoint; the host comes from configuration, not the request."""
    base = current_app.config["SERVICE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)
