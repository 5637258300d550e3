"""Page objects for decisions and awards: the fund manager's decisions pages (one application's decision, approving
everything above the funding line, publishing outcomes), an award's staff page (due diligence, the offer letter)
and the applicant's outcome and offer pages (the letter, accepting the grant).

Each wraps one person's window (an AppPage) and acts as they would: following links, choosing radios, typing into
labelled fields, pressing buttons. Every page reached goes through `arrived`, so it is audited."""

from __future__ import annotations

import re

from playwright.sync_api import Download, Locator, expect

from tests.e2e.pages.base import AppPage


class Decisions:
    """A fund manager deciding one call: the decisions page and what is linked from it."""

    def __init__(self, window: AppPage) -> None:
        self.window = window
        self.page = window.page

    def open_from_call(self, call_name: str) -> Decisions:
        """From the home page: the call, then its decisions."""
        self.window.goto("/", "Home")
        self.window.follow(call_name, f"{call_name}: the call's page", exact=True)
        self.window.follow("Decisions", "Decisions for the call", exact=True)
        self.window.expect_heading("Decisions")
        return self

    def row(self, reference: str) -> Locator:
        """The ranking's row for this application."""
        return self.page.locator("main table tbody tr").filter(has_text=reference).first

    def decision_shown(self, reference: str) -> str:
        """What the decisions table says about this application's decision (Not decided, Approved …)."""
        return " ".join(self.row(reference).inner_text().split())

    def figure(self, key: str) -> str:
        return self.window.summary_value(key)

    def open_application(self, reference: str) -> Decisions:
        link = self.row(reference).get_by_role("link", name=re.compile(f"Decide.*{reference}"))
        self.window.click(link, f"Decide {reference}")
        self.window.expect_heading(f"Decide {reference}")
        return self

    # One application's decision -------------------------------------------------------------------------------

    def choose(self, outcome: str) -> Decisions:
        self.window.choose(outcome, within="What is your decision?")
        return self

    def save(self, step: str) -> Decisions:
        self.window.press("Save decision", step)
        return self

    def approve(self, amount: str, *, conditions: str = "", reason: str = "") -> Decisions:
        self.choose("Approve")
        self.window.fill("Amount to award", amount)
        if conditions:
            self.window.fill("Conditions of the grant (optional)", conditions)
        if reason:
            self.window.fill("Reason for the record (optional)", reason)
        return self

    def budget_left_sentence(self) -> str:
        return " ".join(self.page.locator("main p", has_text="left to commit").first.inner_text().split())

    # Approving above the line, publishing ---------------------------------------------------------------------

    def approve_above_line(self, reason: str) -> Decisions:
        self.window.press("Approve everything above the funding line", "Approve everything above the funding line")
        self.window.expect_heading("Approve everything above the funding line")
        self.window.fill("Reason for the record (optional)", reason)
        return self

    def publish(self) -> Decisions:
        self.window.press("Publish outcomes", "Publish outcomes", exact=True)
        self.window.expect_heading("Publish outcomes")
        return self


class AwardAdmin:
    """Staff on one award's page: due diligence (finance officers, fund managers) and the offer letter."""

    def __init__(self, window: AppPage) -> None:
        self.window = window
        self.page = window.page

    def open_from_call(self, call_id: int, reference: str) -> AwardAdmin:
        self.window.goto(f"/staff/calls/{call_id}/awards", "Awards of the call")
        self.window.expect_heading("Awards")
        self.window.follow(reference, f"Award {reference}", exact=True)
        self.window.expect_heading(f"Award {reference}")
        return self

    def card(self, item: str) -> Locator:
        """The due-diligence card whose title is this item's label."""
        return self.page.locator(".govuk-summary-card").filter(
            has=self.page.locator(".govuk-summary-card__title", has_text=item)
        )

    def items_to_do(self) -> list[str]:
        cards = self.page.locator(".govuk-summary-card").filter(has=self.page.locator(".govuk-tag", has_text="To do"))
        return [" ".join(t.split()) for t in cards.locator(".govuk-summary-card__title").all_inner_texts()]

    def check(self, item: str, step: str, *, note: str = "") -> AwardAdmin:
        card = self.card(item)
        if note:
            card.get_by_label("Note").fill(note)
        self.window.click(card.get_by_role("button", name=f"Mark as checked: {item}"), step)
        return self


class ApplicantAward:
    """An applicant's pages about their decided application: the outcome, then the offer and its letter."""

    def __init__(self, window: AppPage) -> None:
        self.window = window
        self.page = window.page

    def open_outcome(self, reference: str) -> ApplicantAward:
        """From their applications: the row for this reference, then its outcome."""
        self.window.goto("/applications", "Your applications")
        row = self.page.locator("main table tbody tr").filter(has_text=reference).first
        self.window.click(row.get_by_role("link", name=re.compile("^See the outcome")), f"Outcome of {reference}")
        return self

    def download_letter(self) -> Download:
        with self.page.expect_download() as download:
            self.page.get_by_role("link", name=re.compile("^Download the offer letter")).click()
        return download.value

    def accept_form_kept(self) -> tuple[str, str]:
        return (
            self.window.field("Your full name").input_value(),
            self.window.field("Your position in the organisation").input_value(),
        )

    def expect_status(self, text: str) -> ApplicantAward:
        expect(self.page.locator("main .govuk-summary-list .govuk-tag").first).to_have_text(text)
        return self
