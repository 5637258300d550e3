"""Page objects for finance: the payments page (approving a due payment, recording it as paid) and the exports of the
award register (asking for one, waiting on its page, downloading the file).

Each wraps one person's window (an AppPage) and acts as they would; every page reached goes through `arrived`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from playwright.sync_api import Locator, expect

from tests.e2e.pages.base import AppPage


class Payments:
    """Finance's payments page: to approve, to pay, paid in the last 30 days; and recording one payment."""

    def __init__(self, window: AppPage) -> None:
        self.window = window
        self.page = window.page

    def open_from_home(self) -> Payments:
        self.window.goto("/", "Home")
        self.window.follow("Payments to approve and record", "Payments")
        self.window.expect_heading("Payments")
        return self

    def table(self, group: str) -> Locator:
        """The table of one group ('To approve', 'To pay', 'Paid in the last 30 days'), by its caption."""
        return self.page.locator(f"table:has(caption:text-matches('^{group}:'))")

    def row(self, group: str, reference: str) -> Locator:
        return self.table(group).locator("tr", has=self.page.get_by_role("link", name=reference, exact=True))

    def summary(self) -> dict[str, str]:
        """The summary list at the top: group -> 'N payments, £total'."""
        rows = self.page.locator(".govuk-summary-list__row")
        return {
            " ".join(row.locator("dt").inner_text().split()): " ".join(row.locator("dd").inner_text().split())
            for row in rows.all()
        }

    def approve(self, payment: str, reference: str, step: str) -> Payments:
        self.window.press(f"Approve {payment} of {reference}", step, exact=True)
        return self

    def start_recording(self, payment: str, reference: str) -> Payments:
        self.window.follow(f"Record payment for {payment} of {reference}", f"Record {payment} of {reference}")
        self.window.expect_heading(f"Record payment: {payment}")
        return self

    def record_paid(self, reference: str, paid_on: date | None, step: str) -> Payments:
        self.window.choose("Paid: the money has left our account", within="Was the payment made?")
        self.window.fill("Payment reference", reference)
        self.window.fill_date("Date paid", paid_on)
        self.window.press("Save", step, exact=True)
        return self


@dataclass
class Download:
    name: str
    body: bytes


class Exports:
    """The exports page: what to export and in which format, then the export's own page and its file."""

    def __init__(self, window: AppPage) -> None:
        self.window = window
        self.page = window.page

    def open_from_home(self) -> Exports:
        self.window.goto("/", "Home")
        self.window.follow("Export the award register", "Export the award register")
        self.window.expect_heading("Export the award register")
        return self

    def ask(self, what: str, file_format: str, step: str) -> Exports:
        self.window.choose(what, within="What do you want to export?")
        self.window.choose(file_format, within="Format")
        self.window.press("Export", step, exact=True)
        return self

    def wait_until_finished(self) -> str:
        """The export's status once it has finished. Jobs run inline in the browser tests' server, so it is usually
        finished on arrival; otherwise follow 'Refresh' as a person would, a few times."""
        for attempt in range(10):
            status = self.status()
            if status not in ("Waiting to start", "Being prepared"):
                return status
            self.page.wait_for_timeout(500)
            self.window.follow("Refresh", f"Export page, refreshed {attempt + 1}", exact=True)
        return self.status()

    def status(self) -> str:
        row = self.page.locator(".govuk-summary-list__row", has=self.page.locator("dt", has_text="Status"))
        return " ".join(row.locator("dd").inner_text().split())

    def download(self, folder: Path) -> Download:
        """Press the download button and keep the file the browser saves."""
        button = self.page.locator("#export-download")
        expect(button).to_be_visible()
        with self.page.expect_download() as info:
            button.click()
        download = info.value
        path = folder / download.suggested_filename
        download.save_as(path)
        return Download(download.suggested_filename, path.read_bytes())
