"""The session timeout warning in a real browser, with a one-minute idle timeout: the dialog opens with the focus in
it and passes axe, "Stay signed in" keeps a half-filled form as it was, and waiting past the end signs out."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.checks import axe_violations
from tests.e2e.pages.base import AppPage

IDLE_SECONDS = 60
WARNING_SECONDS = 45  # the dialog opens 15 seconds after a page loads
SERVER_ENV = {
    "SESSION_IDLE_TIMEOUT_SECONDS": str(IDLE_SECONDS),
    "SESSION_TIMEOUT_WARNING_SECONDS": str(WARNING_SECONDS),
}
WAIT_MS = (IDLE_SECONDS - WARNING_SECONDS + 20) * 1000


def test_the_warning_lets_a_person_stay_signed_in_without_losing_their_form_then_signs_them_out(
    window: AppPage,
) -> None:
    window.sign_in("applicant@example.org")
    window.goto("/account/email", "Change your email address")
    window.fill("New email address", "half.typed@exam")
    dialog = window.page.get_by_role("dialog", name="You’re about to be signed out")

    expect(dialog).to_be_visible(timeout=WAIT_MS)
    expect(dialog).to_contain_text("we will sign you out in")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert window.page.evaluate("document.activeElement.closest('dialog') !== null")
    assert axe_violations(window.page) == []
    folder = window.audit.folder / window.audit.test
    folder.mkdir(parents=True, exist_ok=True)
    window.page.screenshot(path=str(folder / "session-timeout-warning.png"))

    url = window.page.url
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    assert window.page.url == url  # no reload
    assert window.field("New email address").input_value() == "half.typed@exam"
    expect(window.field("New email address")).to_be_focused()  # back where they were

    # Escape means "Stay signed in" too.
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    window.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert window.field("New email address").input_value() == "half.typed@exam"

    # Left alone: the dialog comes back, then the page goes to sign in, saying why, and comes back after.
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    window.page.wait_for_url(re.compile(r"/sign-in\?next="), timeout=(IDLE_SECONDS + 20) * 1000)
    window.arrived("Signed out after a minute doing nothing")
    assert "You were signed out because you had not done anything for 1 minute" in window.banner()
    window.fill("Email address", "applicant@example.org").fill("Password", "demo-password-2026")
    window.press("Sign in", "Back where they were")
    window.expect_heading("Change your email address")
