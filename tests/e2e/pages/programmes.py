"""Page objects for setting up calls (fund managers) and for the admin pages (users, staff roles, funds).

Each wraps one person's window (an AppPage) and acts as they would: following links, typing into labelled fields,
pressing buttons. Every page reached goes through `arrived`, so it is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from playwright.sync_api import Locator, expect

from tests.e2e.pages.base import AppPage


@dataclass
class NewCall:
    code: str
    name: str
    summary: str
    opens_on: date
    closes_on: date
    budget: str
    opens_time: str = "9am"
    closes_time: str = "midday"


class CallSetup:
    """A fund manager's pages for one call: its page, and each set-up page linked from it."""

    def __init__(self, window: AppPage) -> None:
        self.window = window
        self.page = window.page

    # Creating the call ------------------------------------------------------------------------------------------

    def start_new_call(self, fund_name: str) -> CallSetup:
        self.window.follow("Create a call", "Funds to create a call in", exact=True)
        self.window.expect_heading("Choose a fund")
        self.window.press(f"Create a call in {fund_name}", "Create a call")
        self.window.expect_heading("Create a call")
        return self

    def fill_call_details(self, call: NewCall) -> CallSetup:
        w = self.window
        w.fill("Call code", call.code).fill("Call name", call.name).fill("Summary (optional)", call.summary)
        w.fill_date("Opening date", call.opens_on)
        w.fill("Opening time", call.opens_time)
        w.fill_date("Closing date", call.closes_on)
        w.fill("Closing time", call.closes_time)
        w.fill("Budget", call.budget)
        return self

    def create(self, step: str) -> CallSetup:
        self.window.press("Create call", step)
        return self

    # The call's page ---------------------------------------------------------------------------------------------

    def open_call(self, step: str) -> CallSetup:
        self.window.press("Open call for applications", step)
        return self

    def status(self) -> str:
        return " ".join(self.page.locator("main .govuk-tag").first.inner_text().split())

    def copy_setup_from(self, call_label: str) -> CallSetup:
        self.window.follow("Copy set-up from another call", "Copy the set-up")
        self.window.expect_heading("Copy the set-up from another call")
        self.window.select("Call to copy from", call_label)
        self.window.press("Copy set-up", "Set-up copied")
        return self

    # Scoring criteria --------------------------------------------------------------------------------------------

    def criteria_rows(self) -> dict[str, str]:
        """Criterion name -> weight, as the criteria table shows them."""
        table = self.page.get_by_role("table", name="Scoring criteria of this call")
        rows: dict[str, str] = {}
        for row in table.locator("tbody tr").all():
            rows[" ".join(row.locator("th").inner_text().split())] = row.locator("td").first.inner_text().strip()
        return rows

    def criteria_total(self) -> str:
        return " ".join(self.page.locator("#criteria-total").inner_text().split())

    def remove_criterion(self, name: str) -> CallSetup:
        self.window.press(f"Remove {name}", f"Criterion {name} removed", exact=True)
        return self

    def add_criterion(self, name: str, weight: str, guidance: str, scale: str, step: str) -> CallSetup:
        w = self.window
        w.fill("Criterion", name, exact=True).fill("Guidance for assessors (optional)", guidance)
        w.fill("Weight", weight)
        w.choose(scale, within="Scale")
        w.press("Add criterion", step)
        return self

    # Payment schedule --------------------------------------------------------------------------------------------

    def payment(self, number: int) -> tuple[Locator, Locator, Locator]:
        """The name, share and 'when' fields of payment `number`."""
        w = self.window
        return (
            w.field(f"Name of payment {number}", exact=True),
            w.field(f"Share of the award for payment {number}", exact=True),
            w.field(f"When payment {number} is paid", exact=True),
        )

    def set_payment(self, number: int, name: str, share: str, when: str | None = None) -> CallSetup:
        name_box, share_box, when_box = self.payment(number)
        name_box.fill(name)
        share_box.fill(share)
        if when is not None:
            when_box.select_option(label=when)
        return self


class Admin:
    """The admin's pages: users and their staff roles, and creating a fund."""

    def __init__(self, window: AppPage) -> None:
        self.window = window
        self.page = window.page

    def search_users(self, text: str) -> Admin:
        self.window.type_in("Search by name or email address", text)
        self.window.press("Search", f"Users matching {text}", exact=True)
        return self

    def user_rows(self) -> list[str]:
        table = self.page.get_by_role("table", name="People with an account")
        return [" ".join(t.split()) for t in table.locator("tbody tr").all_inner_texts()]

    def roles_held(self) -> list[str]:
        """Each staff role row on a user's page, as 'Role | Covers'."""
        rows = self.page.locator("main table tbody tr").all()
        return [
            f"{r.locator('td').nth(0).inner_text().strip()} | {r.locator('td').nth(1).inner_text().strip()}"
            for r in rows
        ]

    def add_role(self, role: str, covers: str, step: str) -> Admin:
        self.window.choose(role, within="Role")
        self.window.select("Which funds or calls does it cover?", covers)
        self.window.press("Add role", step)
        return self

    def remove_role(self, role: str, covers: str) -> Admin:
        button = self.page.get_by_role("button", name=f"Remove {role.lower()} role for {covers}", exact=True)
        expect(button).to_have_count(1)
        self.window.press(f"Remove {role.lower()} role for {covers}", f"{role} role removed", exact=True)
        return self
