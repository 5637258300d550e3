"""Pages anyone can meet outside the main journeys: signing in with a mistake, error pages, and checking that a
grant offer letter is genuine (as a bank or another funder would, with the code printed on the letter)."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.e2e.pages.base import DEMO_PASSWORD, AppPage


def test_sign_in_with_a_wrong_password_then_the_right_one_by_keyboard(window: AppPage) -> None:
    window.goto("/sign-in", "Sign in")
    window.fill("Email address", "fund.manager@example.org").fill("Password", "not-my-password")
    window.press("Sign in", "Wrong password", exact=True)
    assert len(window.errors()) == 1
    assert window.field("Email address").input_value() == "fund.manager@example.org"

    # Again with the keyboard alone: the error summary has focus; Tab on to the password, type, Enter.
    window.field("Password").focus()
    window.page.keyboard.press("Control+A")
    window.page.keyboard.type(DEMO_PASSWORD)
    window.keyboard_submit("Enter", "Two-factor code page")
    window.give_code("fund.manager@example.org", keyboard=True)
    expect(window.page.get_by_role("button", name="Sign out")).to_be_visible()
    window.arrived("Signed in by keyboard")


def test_a_page_that_does_not_exist_and_a_page_for_staff_only(open_browser: Callable[[], AppPage]) -> None:
    visitor = open_browser()
    response = visitor.page.goto(visitor.server.url + "/no-such-page")
    assert response is not None and response.status == 404
    visitor.arrived("Page not found")
    visitor.expect_heading("Page not found")

    applicant = open_browser().sign_in("applicant@example.org")
    response = applicant.page.goto(applicant.server.url + "/staff/payments")
    assert response is not None and response.status in (403, 404)
    applicant.arrived("A staff page, as an applicant")


def test_checking_an_award_letter_is_genuine(open_browser: Callable[[], AppPage]) -> None:
    staff = open_browser().sign_in("fund.manager@example.org")
    staff.goto("/staff/awards/1", "An award, as staff")
    code = staff.page.locator(".govuk-summary-list__row", has_text="Verification code").locator("dd").first
    printed = code.inner_text().strip()

    bank = open_browser()
    bank.goto("/verify", "Check a grant offer letter")
    bank.press("Check the code", "No code typed")
    assert bank.field_error("Verification code") == "Enter the verification code from the letter"
    bank.fill("Verification code", "ZZZZ-ZZZZ-ZZ").press("Check the code", "A code no letter has")
    bank.expect_heading("not found")
    bank.goto("/verify", "Check a grant offer letter again")
    # Typed as people copy it from paper: lower case, without the dashes.
    bank.fill("Verification code", printed.replace("-", "").lower()).press_enter_in("Verification code", "Genuine")
    bank.expect_text(printed)
    bank.expect_text("genuine")
