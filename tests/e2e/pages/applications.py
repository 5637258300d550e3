"""An application form as an applicant meets it: the task list, a section's questions, its check-answers page, the
whole application's check-answers page and the confirmation.

Questions are found the way a person finds them: by their label, or by the legend of their group (dates, radios,
checkboxes, the budget table). The keyboard helpers move focus with Tab alone, so a section can be done without a
mouse.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, expect

from tests.e2e.pages.base import AppPage


class ApplicationPages:
    """One applicant's window on an application."""

    def __init__(self, app: AppPage) -> None:
        self.app = app

    # The task list -----------------------------------------------------------------------------------------------

    def task_statuses(self) -> dict[str, str]:
        """Each section's title and the status shown beside it on the task list."""
        items = self.app.page.locator(".govuk-task-list__item")
        statuses = {}
        for index in range(items.count()):
            item = items.nth(index)
            title = " ".join(item.locator(".govuk-task-list__name-and-hint").inner_text().split())
            statuses[title] = " ".join(item.locator(".govuk-task-list__status").inner_text().split())
        return statuses

    def open_section(self, title: str) -> AppPage:
        return self.app.follow(title, title, exact=True)

    # A section's questions ---------------------------------------------------------------------------------------

    def group(self, legend: str) -> Locator:
        return self.app.page.get_by_role("group", name=legend).first

    def answer(self, label: str, value: str) -> ApplicationPages:
        self.app.fill(label, value, exact=True)
        return self

    def pick(self, legend: str, *options: str) -> ApplicationPages:
        """Choose a radio, or tick each checkbox, under a question's legend."""
        for option in options:
            self.app.choose(option, within=legend)
        return self

    def untick_all(self, legend: str) -> ApplicationPages:
        for box in self.group(legend).get_by_role("checkbox").all():
            box.uncheck()
        return self

    def budget_line(self, number: int, *, category: str, description: str, amount: str) -> ApplicationPages:
        page = self.app.page
        page.get_by_label(f"Line {number} category", exact=True).select_option(label=category or "Choose")
        page.get_by_label(f"Line {number}: what the money is for", exact=True).fill(description)
        page.get_by_label(f"Line {number} amount in pounds", exact=True).fill(amount)
        return self

    def upload(self, label: str, file: Path) -> ApplicationPages:
        self.app.field(label).set_input_files(str(file))
        return self

    def value_of(self, label: str) -> str:
        return self.app.field(label, exact=True).input_value()

    def save_and_continue(self, step: str) -> AppPage:
        return self.app.press("Save and continue", step, exact=True)

    def save_for_later(self, step: str) -> AppPage:
        return self.app.press("Save and come back later", step, exact=True)

    # A section's check-answers page ------------------------------------------------------------------------------

    def answers_shown(self) -> dict[str, str]:
        """The summary list on a check-answers page: question -> answer as shown."""
        rows = self.app.page.locator(".govuk-summary-list__row")
        shown = {}
        for index in range(rows.count()):
            row = rows.nth(index)
            key = " ".join(row.locator(".govuk-summary-list__key").inner_text().split())
            shown[key] = " ".join(row.locator(".govuk-summary-list__value").inner_text().split())
        return shown

    def mark_completed(self, step: str) -> AppPage:
        self.app.choose("Yes, I’ve completed this section", within="Have you completed this section?")
        return self.app.press("Continue", step, exact=True)

    def enter(self, step: str) -> AppPage:
        """Press Enter on whatever has focus (a button, a link, a text field in a form) and check the next page."""
        return self.app.keyboard_submit("Enter", step)

    # The whole application --------------------------------------------------------------------------------------

    def submit(self, step: str) -> AppPage:
        return self.app.press("Submit application", step, exact=True)

    def reference(self) -> str:
        panel = self.app.page.locator(".govuk-panel")
        expect(panel).to_contain_text("Application submitted")
        match = re.search(r"[A-Z]+-\d+-\d{4}", panel.inner_text())
        assert match, f"no reference in {panel.inner_text()!r}"
        return match.group(0)
