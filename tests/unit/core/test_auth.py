"""Redirect targets after sign-in must stay on this site."""

from __future__ import annotations

import pytest

from fundapp.core.auth import safe_next_url

DEFAULT = "/home"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "//evil.com/account",
        "https://evil.com",
        "http://evil.com/account",
        "/\\evil.com",
        "\\\\evil.com",
        "evil.com",
        "javascript:alert(1)",
        "account",
        "",
        None,
    ],
)
def test_safe_next_url_refuses_anything_but_a_local_path(target: str | None) -> None:
    assert safe_next_url(target, DEFAULT) == DEFAULT


@pytest.mark.parametrize("target", ["/account?x=1", "/", "/organisations/3/edit", "/invitations/abc-123"])
def test_safe_next_url_accepts_local_paths(target: str) -> None:
    assert safe_next_url(target, DEFAULT) == target
