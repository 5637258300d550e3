"""Formats of UK identifiers people type: charity and company numbers, postcodes, websites, phone numbers.

Pure functions shared by forms (to show an error at the field) and services (to store one canonical form).
Each normalise_* returns the canonical text or raises ValueError with a message fit for the person.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# England and Wales: 6 to 8 digits (optionally "-N" for a linked charity); Scotland: SC + 6; NI: NIC? + 6.
_CHARITY_RE = re.compile(r"^(?:\d{6,8}(?:-\d{1,2})?|SC\d{6}|NIC?\d{6})$")
# Companies House: 8 digits, or a 2-letter prefix (SC, NI, OC, SO, NC, R0, …) and 6 digits.
_COMPANY_RE = re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6}|R0\d{6})$")
_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$")
_PHONE_RE = re.compile(r"^\+?[\d ()-]{10,20}$")


def normalise_charity_number(text: str) -> str:
    """'1 234 567' → '1234567'; 'sc012345' → 'SC012345'."""
    value = re.sub(r"\s+", "", text).upper()
    if not _CHARITY_RE.match(value):
        raise ValueError(
            "Enter a charity number in the right format, like 1234567 (England and Wales), SC012345 (Scotland) "
            "or NIC100123 (Northern Ireland)"
        )
    return value


def normalise_company_number(text: str) -> str:
    """'1234567' → '01234567' (Companies House keeps leading zeros); 'sc123456' → 'SC123456'."""
    value = re.sub(r"\s+", "", text).upper()
    if value.isdigit() and 6 <= len(value) < 8:
        value = value.zfill(8)
    if not _COMPANY_RE.match(value):
        raise ValueError("Enter a company number in the right format, like 01234567 or SC123456")
    return value


def normalise_postcode(text: str) -> str:
    """'se17pb' → 'SE1 7PB'."""
    value = re.sub(r"\s+", "", text).upper()
    match = _POSTCODE_RE.match(value)
    if not match:
        raise ValueError("Enter a real postcode, like SE1 2AA")
    return f"{match.group(1)} {match.group(2)}"


def normalise_website(text: str) -> str:
    """'example.org' → 'https://example.org'; only http(s) addresses with a dotted host."""
    value = text.strip()
    if not re.match(r"^https?://", value, re.IGNORECASE):
        value = "https://" + value
    parts = urlsplit(value)
    host = parts.hostname or ""
    if parts.scheme.lower() not in {"http", "https"} or "." not in host or " " in value:
        raise ValueError("Enter a website address in the right format, like www.example.org")
    return value


def normalise_phone(text: str) -> str:
    """Keep what was typed (trimmed) if it looks like a UK or international phone number."""
    value = text.strip()
    if not _PHONE_RE.match(value) or len(re.sub(r"\D", "", value)) < 10:
        raise ValueError("Enter a telephone number, like 020 7946 0000 or +44 7700 900 982")
    return value
