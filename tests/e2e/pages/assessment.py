"""Page objects for assessment: the fund manager running a call's assessment (close, assign, moderate, rank) and an
assessor's own pages (their assessments, the conflict-of-interest check, the scorecard)."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Locator, expect

from tests.e2e.pages.base import AppPage

# The demo call's criteria, in page order (programmes.demo): each is scored 1 to 5.
CRITERIA = (
    "Need and evidence",
    "Project design and delivery",
    "Outcomes and measurement",
    "Organisational capacity and safeguarding",
    "Value for money",
)
SCALE = {5: "5 – Strong", 4: "4 – Good", 3: "3 – Satisfactory", 2: "2 – Partial", 1: "1 – Poor"}


@dataclass(frozen=True)
class Mark:
    score: int | None
    reason: str


def legend(criterion: str) -> str:
    """The start of a criterion's fieldset legend ('Need and evidence (25% of the score)')."""
    return f"{criterion} ("


def reason_label(criterion: str) -> str:
    return f"Why did you give this score for {criterion}?"


class AssessorPages:
    """An assessor in their own browser window."""

    def __init__(self, app: AppPage) -> None:
        self.app = app

    def open_assessments(self) -> AssessorPages:
        """From the home page (or a page with the back link), as an assessor finds their list."""
        back = self.app.page.locator(".govuk-back-link", has_text="Your assessments")
        if back.count():
            back.click()
            self.app.arrived("Your assessments")
        else:
            self.app.follow("See the applications you have been given to assess", "Your assessments")
        self.app.expect_heading("Your assessments")
        return self

    def row(self, reference: str) -> Locator:
        return self.app.page.locator("tr", has=self.app.page.get_by_text(reference, exact=True)).first

    def status_of(self, reference: str) -> str:
        return " ".join(self.row(reference).locator(".govuk-tag").inner_text().split())

    def to_do(self) -> list[str]:
        """References of the applications still to check for conflicts, in the order listed."""
        links = self.app.page.get_by_role("link", name="Check for conflicts for ").all_inner_texts()
        return [" ".join(text.split()).removeprefix("Check for conflicts for ") for text in links]

    def check_for_conflicts(self, reference: str) -> AssessorPages:
        self.app.page.get_by_role("link", name=f"Check for conflicts for {reference}").click()
        self.app.arrived(f"Check for conflicts of interest: {reference}")
        self.app.expect_heading("Check for conflicts of interest")
        return self

    def declare_no_conflict(self, reference: str) -> AssessorPages:
        self.app.choose("I have no conflict of interest")
        self.app.press("Continue", f"Scorecard for {reference}")
        self.app.expect_heading(reference)
        return self

    def choose_score(self, criterion: str, score: int) -> AssessorPages:
        group = self.app.page.get_by_role("group", name=legend(criterion))
        group.get_by_label(SCALE[score], exact=True).check()
        return self

    def fill_scorecard(self, marks: dict[str, Mark], recommendation: str | None, comment: str = "") -> AssessorPages:
        for criterion, mark in marks.items():
            if mark.score is not None:
                self.choose_score(criterion, mark.score)
            self.app.fill(reason_label(criterion), mark.reason)
        if recommendation:
            self.app.choose(recommendation, within="What is your overall recommendation?")
        if comment:
            self.app.fill("Comments for the fund manager (optional)", comment)
        return self

    def submit_scorecard(self, step: str) -> AssessorPages:
        self.app.press("Submit scorecard", step)
        return self

    def score_and_submit(self, reference: str, marks: dict[str, Mark], recommendation: str) -> AssessorPages:
        """Check for conflicts (none), score every criterion and submit, from the assessor's list."""
        self.check_for_conflicts(reference).declare_no_conflict(reference)
        self.fill_scorecard(marks, recommendation).submit_scorecard(f"Scorecard for {reference} submitted")
        assert self.app.banner() == "Success Scorecard submitted", self.app.banner()
        return self


class FundManagerPages:
    """The fund manager running a call's assessment."""

    def __init__(self, app: AppPage, call_id: int) -> None:
        self.app = app
        self.call = f"/staff/calls/{call_id}"

    def open_call(self, name: str) -> FundManagerPages:
        self.app.goto(self.call, f"Call page: {name}")
        self.app.expect_heading(name)
        return self

    def back(self, step: str) -> FundManagerPages:
        """The back link at the top of the page."""
        self.app.page.locator(".govuk-back-link").first.click()
        self.app.arrived(step)
        return self

    def table_value(self, caption: str, row_header: str) -> str:
        table = self.app.page.locator("table", has=self.app.page.locator("caption", has_text=caption)).first
        row = table.locator("tr", has=self.app.page.get_by_text(row_header, exact=True)).first
        return " ".join(row.locator("td").last.inner_text().split())

    def expect_row(self, reference: str, *texts: str) -> Locator:
        row = self.app.page.locator("main tbody tr").filter(has_text=reference).first
        for text in texts:
            expect(row).to_contain_text(text)
        return row
