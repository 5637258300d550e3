"""UK identifiers people type are stored in one canonical form, or refused with a message for the person."""

from __future__ import annotations

import pytest

from fundapp.accounts.formats import (
    normalise_charity_number,
    normalise_company_number,
    normalise_phone,
    normalise_postcode,
    normalise_website,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1234567", "1234567"),  # England and Wales
        ("1 234 567", "1234567"),
        ("123456", "123456"),
        ("12345678", "12345678"),
        ("1234567-1", "1234567-1"),  # a linked charity
        ("SC012345", "SC012345"),  # Scotland
        ("sc012345", "SC012345"),
        (" SC 012 345 ", "SC012345"),
        ("NIC100123", "NIC100123"),  # Northern Ireland
        ("nic100123", "NIC100123"),
    ],
)
def test_charity_numbers_from_every_uk_register_are_accepted(typed: str, stored: str) -> None:
    assert normalise_charity_number(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "123456789", "SC12345", "SC0123456", "ABC", "charity", "1234567-123", ""])
def test_malformed_charity_numbers_are_refused_with_examples(typed: str) -> None:
    with pytest.raises(ValueError, match="like 1234567 .*SC012345.*NIC100123"):
        normalise_charity_number(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01234567", "01234567"),
        ("1234567", "01234567"),  # Companies House keeps the leading zero people drop
        ("123456", "00123456"),
        ("sc123456", "SC123456"),
        ("SC123456", "SC123456"),
        (" OC 123456 ", "OC123456"),
        ("NI123456", "NI123456"),
        ("R0123456", "R0123456"),
    ],
)
def test_company_numbers_are_padded_and_upper_cased(typed: str, stored: str) -> None:
    assert normalise_company_number(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "123456789", "SC12345", "S1234567", "company", ""])
def test_malformed_company_numbers_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="like 01234567 or SC123456"):
        normalise_company_number(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("se17pb", "SE1 7PB"),
        ("SE1 7PB", "SE1 7PB"),
        (" sw1a 1aa ", "SW1A 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("n1  9gu", "N1 9GU"),
    ],
)
def test_postcodes_are_upper_cased_with_one_space(typed: str, stored: str) -> None:
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "SE1", "SE17", "ABC DEF", "nowhere", ""])
def test_malformed_postcodes_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="Enter a real postcode"):
        normalise_postcode(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("example.org", "https://example.org"),
        ("www.example.org", "https://www.example.org"),
        ("http://example.org", "http://example.org"),
        ("HTTPS://Example.org/about", "HTTPS://Example.org/about"),
        (" example.org/path?x=1 ", "https://example.org/path?x=1"),
    ],
)
def test_websites_get_a_scheme_when_typed_without_one(typed: str, stored: str) -> None:
    assert normalise_website(typed) == stored


@pytest.mark.parametrize(
    "typed", ["not a website", "localhost", "ftp://example.org", "javascript:alert(1)", "exa mple.org", "https://"]
)
def test_websites_must_be_http_addresses_with_a_dotted_host(typed: str) -> None:
    with pytest.raises(ValueError, match="website address"):
        normalise_website(typed)


@pytest.mark.parametrize("typed", ["020 7946 0000", "+44 7700 900 982", "(020) 7946-0000", "07700900982"])
def test_phone_numbers_are_kept_as_typed(typed: str) -> None:
    assert normalise_phone(f" {typed} ") == typed


@pytest.mark.parametrize("typed", ["12345", "phone me", "+44 77", "0207946000x", ""])
def test_things_that_are_not_phone_numbers_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="telephone number"):
        normalise_phone(typed)
