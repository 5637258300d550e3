"""The page object every other builds on: how a person finds things on a fundapp page (by label, by role, by
link text), and the checks that run each time they arrive somewhere."""

from __future__ import annotations

import re
import time
from datetime import date

import pyotp
from playwright.sync_api import Locator, Page, expect

from fundapp.programmes.demo import demo_totp_secret
from tests.e2e.audit import Audit
from tests.e2e.server import LiveServer

DEMO_PASSWORD = "demo-password-2026"


class AppPage:
    """One person's browser tab on the app. Actions that load a page end with `arrived(step)`, which checks it."""

    def __init__(self, page: Page, server: LiveServer, audit: Audit) -> None:
        self.page = page
        self.server = server
        self.audit = audit

    # Getting somewhere ------------------------------------------------------------------------------------------

    def goto(self, path: str, step: str) -> AppPage:
        self.page.goto(self.server.url + path)
        return self.arrived(step)

    def arrived(self, step: str) -> AppPage:
        """Check the page now showing; fail with every problem found on it."""
        visit = self.audit.check(self.page, step)
        assert not visit.problems, f"{step} ({visit.url}) has problems:\n- " + "\n- ".join(visit.problems)
        return self

    def follow(self, link_text: str, step: str, *, exact: bool = False) -> AppPage:
        """Click the first link with this text, as a person scanning the page would."""
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=link_text, exact=exact).first.click()
        return self.arrived(step)

    def press(self, button_text: str, step: str, *, exact: bool = False) -> AppPage:
        """Click a button and check the page it leads to (waiting for the new page: a click only starts it)."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button_text, exact=exact).first.click()
        return self.arrived(step)

    def click(self, target: Locator, step: str) -> AppPage:
        """Click this link or button (one found inside a row, card or fieldset) and check the page it leads to."""
        with self.page.expect_navigation():
            target.click()
        return self.arrived(step)

    def press_enter_in(self, label: str, step: str) -> AppPage:
        """Submit the form from the keyboard: Enter in a text field."""
        with self.page.expect_navigation():
            self.field(label).press("Enter")
        return self.arrived(step)

    def keyboard_submit(self, key: str, step: str) -> AppPage:
        """Press a key on whatever has focus (Enter on a link or button, Space on a button) and check the new page."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        return self.arrived(step)

    # Finding things -----------------------------------------------------------------------------------------------

    def field(self, label: str, *, exact: bool = False) -> Locator:
        return self.page.get_by_label(label, exact=exact).first

    def fill(self, label: str, value: str, *, exact: bool = False) -> AppPage:
        self.field(label, exact=exact).fill(value)
        return self

    def type_in(self, label: str, value: str) -> AppPage:
        """Focus the field and type key by key, as with a keyboard."""
        box = self.field(label)
        box.click()
        box.press("Control+A")
        box.press_sequentially(value)
        return self

    def choose(self, option: str, *, within: str | None = None, exact: bool = True) -> AppPage:
        """Pick a radio (or tick a checkbox) by its label, optionally inside the fieldset with this legend."""
        scope = self.page.get_by_role("group", name=within) if within else self.page
        scope.get_by_label(option, exact=exact).first.check()
        return self

    def fill_date(self, legend: str, when: date | tuple[str, str, str] | None) -> AppPage:
        """Type a date into the GOV.UK date input under this legend: a date, the three boxes as typed (to make
        mistakes), or None to leave them blank."""
        parts = (
            ("", "", "")
            if when is None
            else when
            if isinstance(when, tuple)
            else (str(when.day), str(when.month), str(when.year))
        )
        group = self.page.get_by_role("group", name=legend).first
        for box, value in zip(("Day", "Month", "Year"), parts, strict=True):
            group.get_by_label(box, exact=True).fill(value)
        return self

    def date_typed(self, legend: str) -> str:
        """What the date boxes under this legend hold, as 'd m yyyy' (to check a page kept what was typed)."""
        group = self.page.get_by_role("group", name=legend).first
        return " ".join(group.get_by_label(box, exact=True).input_value() for box in ("Day", "Month", "Year"))

    def select(self, label: str, option: str) -> AppPage:
        self.field(label).select_option(label=option)
        return self

    def heading(self) -> str:
        return " ".join(self.page.locator("h1").first.inner_text().split())

    def expect_heading(self, text: str | re.Pattern[str]) -> AppPage:
        expect(self.page.locator("h1").first).to_contain_text(text)
        return self

    def expect_text(self, text: str | re.Pattern[str]) -> AppPage:
        expect(self.page.locator("main")).to_contain_text(text)
        return self

    def summary_value(self, key: str, *, within: str = "main") -> str:
        """The value beside this key in a summary list (the first list that has it)."""
        row = self.page.locator(f"{within} .govuk-summary-list__row").filter(
            has=self.page.locator(".govuk-summary-list__key", has_text=re.compile(f"^\\s*{re.escape(key)}\\s*$"))
        )
        return " ".join(row.first.locator(".govuk-summary-list__value").inner_text().split())

    def banner(self) -> str:
        """The text of the notification banner (what the service just told the person)."""
        return " ".join(self.page.locator(".govuk-notification-banner").first.inner_text().split())

    def errors(self) -> list[str]:
        """The messages in the error summary, in order."""
        return [" ".join(t.split()) for t in self.page.locator(".govuk-error-summary__list a").all_inner_texts()]

    def field_error(self, label: str, *, exact: bool = False) -> str:
        """The error message shown at a field (GOV.UK puts it between the label and the input)."""
        described = self.field(label, exact=exact).get_attribute("aria-describedby") or ""
        for id_ in described.split():
            message = self.page.locator(f"[id='{id_}'].govuk-error-message")
            if message.count():
                return " ".join(message.inner_text().removeprefix("Error:").split())
        return ""

    # By keyboard alone -------------------------------------------------------------------------------------------

    def focused(self) -> dict[str, str]:
        """The element that has focus: its id, tag and text (or value)."""
        return self.page.evaluate(
            "() => ({id: document.activeElement.id, tag: document.activeElement.tagName.toLowerCase(),"
            " text: (document.activeElement.innerText || document.activeElement.value || '').trim()})"
        )

    def tab_to(
        self,
        target: Locator | None = None,
        *,
        element_id: str = "",
        text: str = "",
        backwards: bool = False,
        most: int = 80,
    ) -> AppPage:
        """Press Tab (or Shift+Tab) until focus is on the target, the element with this id, or the control with this
        text, as a keyboard user moves through the page; fails if it never gets there."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(most):
            self.page.keyboard.press(key)
            if target is not None:
                if target.evaluate("element => element === document.activeElement"):
                    return self
                continue
            now = self.focused()
            if (element_id and now["id"] == element_id) or (text and now["text"] == text):
                return self
        raise AssertionError(f"Tab never reached {target or element_id or text!r}")

    def type_here(self, text: str) -> AppPage:
        """Replace what the focused field holds with text, typed key by key."""
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)
        return self

    # Signing in and out ------------------------------------------------------------------------------------------

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> AppPage:
        self.goto("/sign-in", "Sign in")
        self.fill("Email address", email).fill("Password", password)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()
        if self.page.url.endswith("/sign-in/code"):
            self.arrived(f"Two-factor code for {email}")
            self.give_code(email)
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()
        return self.arrived(f"Signed in as {email}")

    def give_code(self, email: str, *, keyboard: bool = False) -> AppPage:
        """Enter the demo person's current code on the code page, as their authenticator app shows it (typed and sent
        with Enter when keyboard). A code works once: if another sign-in used this 30-second window's code, wait for
        the next window and try again."""
        totp = pyotp.TOTP(demo_totp_secret(email))
        for _ in range(3):
            box = self.field("Code from your authenticator app")
            if keyboard:
                box.focus()
                self.page.keyboard.press("Control+A")
                self.page.keyboard.type(totp.now())
                with self.page.expect_navigation():
                    self.page.keyboard.press("Enter")
            else:
                box.fill(totp.now())
                with self.page.expect_navigation():
                    self.page.get_by_role("button", name="Continue").click()
            if not self.page.url.endswith("/sign-in/code"):
                return self
            self.page.wait_for_timeout((30 - time.time() % 30 + 0.5) * 1000)
        raise AssertionError(f"the code step for {email} refused three codes")

    def sign_out(self) -> AppPage:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign out").click()
        return self.arrived("Signed out")
