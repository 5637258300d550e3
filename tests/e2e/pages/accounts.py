"""Accounts as a person meets them: creating an account, the organisation profile, invitations and password resets.

Each flow fills the form the way a person would (by label) and presses the button; the journey decides what is typed,
so it can type mistakes first and check what the service says about them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from tests.e2e.pages.base import AppPage

_LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class OrganisationDetails:
    """What a person types into 'Tell us about your organisation' (empty strings are left blank)."""

    name: str
    legal_type: str  # the radio's label, e.g. "Charitable incorporated organisation (CIO)"
    charity_number: str = ""
    company_number: str = ""
    address_line_1: str = ""
    town: str = ""
    postcode: str = ""
    borough: str = ""  # the option's text; "" leaves "Select a borough"
    website: str = ""
    annual_income: str = ""


class AccountPages:
    """One person's window on the accounts pages."""

    def __init__(self, app: AppPage) -> None:
        self.app = app

    # Creating an account ------------------------------------------------------------------------------------------

    def fill_registration(self, *, full_name: str, email: str, password: str) -> AccountPages:
        self.app.fill("Full name", full_name).fill("Email address", email).fill("Create a password", password)
        return self

    def create_account(self, step: str) -> AppPage:
        return self.app.press("Create account", step)

    # The organisation profile ------------------------------------------------------------------------------------

    def fill_organisation(self, details: OrganisationDetails) -> AccountPages:
        app = self.app
        app.fill("Organisation name", details.name)
        app.choose(details.legal_type, within="What type of organisation is it?")
        app.fill("Charity number", details.charity_number).fill("Company number", details.company_number)
        app.fill("Address line 1", details.address_line_1).fill("Town or city", details.town)
        app.fill("Postcode", details.postcode)
        app.select("London borough where you are based", details.borough or "Select a borough")
        app.fill("Website (optional)", details.website).fill("Annual income (optional)", details.annual_income)
        return self

    def save_organisation(self, step: str) -> AppPage:
        return self.app.press("Save organisation details", step)

    def members(self) -> list[tuple[str, ...]]:
        """The organisation page's members: (name, email, role) for each."""
        rows = self.app.page.locator("main table tbody tr")
        return [
            tuple(" ".join(cell.split()) for cell in rows.nth(i).locator("td").all_inner_texts())
            for i in range(rows.count())
        ]

    # Emails ------------------------------------------------------------------------------------------------------

    def latest_email(self, address: str, subject: str) -> EmailMessage:
        found = [m for m in self.app.server.emails_to(address) if subject.lower() in str(m["Subject"]).lower()]
        assert found, f"no email to {address} about {subject!r}"
        return found[-1]

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None, "the email has no text part"
        return str(part.get_content())

    def open_link_in_email(self, message: EmailMessage, step: str) -> AppPage:
        """Open the email's link in this window (its host is the configured service address: keep the path)."""
        links = _LINK.findall(self.body(message))
        assert links, "the email has no link"
        return self.app.goto(urlsplit(links[0]).path, step)
