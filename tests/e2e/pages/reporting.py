"""Page objects for monitoring: a grantee's report (its sections, evidence, check and submit), the fund manager's
review of it, and the staff dashboards, borough map and portfolio.

Each wraps one person's window (an AppPage) and acts as they would; every page reached goes through `arrived`."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, expect

from tests.e2e.pages.base import AppPage


class GranteeReport:
    """A grantee's report: the task list, a section's fields, the evidence page, and check and submit."""

    def __init__(self, window: AppPage) -> None:
        self.window = window
        self.page = window.page

    def open(self, label: str, reference: str) -> GranteeReport:
        """From the home page: 'See your grant reports', then the report in the list."""
        self.window.goto("/", "Home")
        self.window.follow("See your grant reports", "Your grant reports")
        self.window.follow(f"{label} for {reference}", f"{label} for {reference}")
        self.window.expect_heading(label)
        return self

    def statuses(self) -> list[str]:
        """The report's status tags under its heading ('Not started', 'Overdue' …)."""
        tags = self.page.locator("main p.govuk-body .govuk-tag").all_inner_texts()
        return [" ".join(tag.split()) for tag in tags]

    def task_status(self, task: str) -> str:
        item = self.page.locator(".govuk-task-list__item", has=self.page.get_by_role("link", name=task, exact=True))
        return " ".join(item.locator(".govuk-task-list__status").inner_text().split())

    def open_section(self, task: str) -> GranteeReport:
        self.window.follow(task, task, exact=True)
        self.window.expect_heading(task)
        return self

    def save_and_continue(self, step: str) -> GranteeReport:
        self.window.press("Save and continue", step, exact=True)
        return self

    def value(self, label: str) -> str:
        return self.window.field(label, exact=True).input_value()

    def upload(self, path: Path, step: str) -> GranteeReport:
        self.page.get_by_label("Upload a file").set_input_files(str(path))
        self.window.press("Upload file", step, exact=True)
        return self

    def uploaded_files(self) -> str:
        return " ".join(self.page.locator("main").inner_text().split())


class ReportReview:
    """A fund manager's pages for a call's reports: the list, one report, approving it or asking for changes."""

    def __init__(self, window: AppPage) -> None:
        self.window = window
        self.page = window.page

    def open_call_reports(self, call_code: str, call_name: str) -> ReportReview:
        """From the home page: the call, then its 'Reports' link."""
        self.window.goto("/", "Home")
        self.window.follow(call_name, f"Call {call_code}", exact=True)
        self.window.follow("monitoring reports to review", f"Reports of {call_code}")
        self.window.expect_heading("Monitoring reports")
        return self

    def open_report(self, verb: str, label: str, reference: str) -> ReportReview:
        """'Review interim report for SEF-5-0003' (or 'View …' once it is not waiting)."""
        self.window.follow(f"{verb} {label.lower()} for {reference}", f"{label} of {reference} for review")
        self.window.expect_heading(label)
        return self

    def status(self) -> str:
        return " ".join(self.page.locator("main p.govuk-body .govuk-tag").first.inner_text().split())

    def comments_box(self, form: str) -> Locator:
        return self.page.locator(f"#{form}-comments")

    def request_changes(self, comments: str, step: str) -> ReportReview:
        self.comments_box("changes").fill(comments)
        self.window.press("Request changes", step, exact=True)
        return self

    def approve(self, comments: str, step: str) -> ReportReview:
        self.comments_box("approve").fill(comments)
        self.window.press("Approve report", step, exact=True)
        return self

    def history(self) -> list[list[str]]:
        rows = self.page.locator("#history tbody tr")
        return [[" ".join(cell.split()) for cell in row.locator("th, td").all_inner_texts()] for row in rows.all()]


class Dashboards:
    """The staff pages about money and results: a call's dashboard, the borough map and the portfolio."""

    def __init__(self, window: AppPage) -> None:
        self.window = window
        self.page = window.page

    def table(self, caption: str) -> Locator:
        """A table by the start of its caption."""
        return self.page.locator("table", has=self.page.locator("caption", has_text=caption)).first

    def row(self, table: Locator, first_cell: str) -> list[str]:
        """The cells of the row whose header cell is this text."""
        row = table.locator("tbody tr", has=self.page.locator("th", has_text=first_cell)).first
        expect(row).to_be_visible()
        return [" ".join(cell.split()) for cell in row.locator("th, td").all_inner_texts()]

    def charts(self) -> int:
        """How many charts the page draws (each an SVG image named by its own title)."""
        return self.page.locator("svg[role='img']").count()
