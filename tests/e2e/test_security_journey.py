"""Security in a real browser: after an admin resets a staff member's two-factor authentication, they set it up again
at their next sign-in (a wrong code first); an applicant turns two-factor on and off from Your account; an admin
disables and re-enables an account, and removes an organisation's personal data once its retention period has
passed (0 years on this server, so organisations without a running award are due)."""

from __future__ import annotations

import re
import time

import pyotp
from playwright.sync_api import expect

from tests.e2e.pages.base import AppPage
from tests.e2e.pages.programmes import Admin

SERVER_ENV = {"PERSONAL_DATA_RETENTION_YEARS": "0"}


def _key_on_page(window: AppPage) -> pyotp.TOTP:
    """What a person's authenticator app learns from the set-up page (the key shown as text beside the QR code)."""
    key = window.page.locator("#two-factor-key").inner_text()
    return pyotp.TOTP("".join(key.split()))


def _open_user(admin: AppPage, search: str, name: str) -> None:
    admin.goto("/admin/users", "Users and staff roles")
    Admin(admin).search_users(search)
    admin.follow(name, f"{name}'s page", exact=True)


def test_a_staff_member_whose_two_factor_was_reset_sets_it_up_again(open_browser) -> None:
    admin = open_browser()
    admin.sign_in("admin@example.org")
    _open_user(admin, "assessor.three", "Kwame Asante")
    admin.click(admin.page.get_by_role("link", name="Reset two-factor authentication"), "Reset two-factor")
    admin.press("Reset two-factor authentication", "Two-factor reset")
    assert "two-factor" in admin.banner().lower()

    kwame = open_browser()
    kwame.goto("/sign-in", "Sign in")
    kwame.fill("Email address", "assessor.three@example.org").fill("Password", "demo-password-2026")
    kwame.press("Sign in", "Set up two-factor authentication")
    kwame.expect_heading("Set up two-factor authentication")
    expect(kwame.page.locator("main svg").first).to_be_visible()  # the QR code
    totp = _key_on_page(kwame)
    wrong = "000000" if totp.now() != "000000" else "111111"
    kwame.fill("Code from your authenticator app", wrong)
    kwame.press("Turn on two-factor authentication", "A wrong code")
    assert kwame.field_error("Code from your authenticator app").startswith("Enter the 6-digit code")
    kwame.fill("Code from your authenticator app", totp.now())
    kwame.press("Turn on two-factor authentication", "Recovery codes")
    kwame.expect_heading("Save your recovery codes")
    codes = kwame.page.get_by_role("list", name="Your recovery codes").locator("li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code) for code in codes)
    kwame.press("I have saved my recovery codes", "Signed in with two-factor")
    expect(kwame.page.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_applicant_turns_two_factor_on_and_off_from_their_account(window: AppPage) -> None:
    window.sign_in("applicant@example.org")
    window.goto("/account/two-factor", "Two-factor authentication")
    window.press("Turn on two-factor authentication", "Turn on two-factor authentication")
    totp = _key_on_page(window)
    window.fill("Your password", "demo-password-2026").fill("Code from your authenticator app", totp.now())
    window.press("Turn on two-factor authentication", "Recovery codes shown once")
    window.expect_heading("Save your recovery codes")
    window.press("I have saved my recovery codes", "Two-factor is on")

    window.follow("Turn off two-factor authentication", "Turn off two-factor authentication")
    window.fill("Your password", "not my password").fill("Code from your authenticator app, or a recovery code", "1")
    window.press("Turn off two-factor authentication", "Wrong password")
    assert window.field_error("Your password") == "Your password is not correct"
    # The code of the 30-second step after the one used to turn it on (each step's code works once).
    later = totp.at(int(time.time()) + 30)
    window.fill("Your password", "demo-password-2026").fill(
        "Code from your authenticator app, or a recovery code", later
    )
    window.press("Turn off two-factor authentication", "Two-factor is off")
    assert "Two-factor authentication is off" in window.banner()


def test_an_admin_disables_and_re_enables_an_account(window: AppPage) -> None:
    window.sign_in("admin@example.org")
    _open_user(window, "new.applicant", "Tomasz Nowak")
    window.click(window.page.get_by_role("link", name="Disable account"), "Disable an account")
    window.press("Disable account", "No reason given")
    assert window.field_error("Reason") == "Enter the reason"
    window.fill("Reason", "Reported as a shared login")
    window.press("Disable account", "Account disabled")
    assert "signed out everywhere" in window.banner()
    assert window.summary_value("Account").startswith("Disabled")

    window.click(window.page.get_by_role("link", name="Re-enable account"), "Re-enable an account")
    window.fill("Reason", "Checked with the organisation")
    window.press("Re-enable account", "Account re-enabled")
    assert window.summary_value("Account").startswith("Active")


def test_an_admin_removes_an_organisations_personal_data_after_its_retention_period(window: AppPage) -> None:
    window.sign_in("admin@example.org")
    window.goto("/admin/personal-data", "Personal data past its retention period")
    row = window.page.get_by_role("table", name="Organisations past their retention period").locator("tbody tr").first
    organisation = " ".join(row.locator("td").first.inner_text().split())
    assert organisation
    window.click(row.get_by_role("link", name=f"Remove personal data of {organisation}"), "Remove personal data")
    window.expect_heading(f"Remove the personal data of {organisation}")
    window.press("Remove personal data", "No reason given")
    assert window.field_error("Why are you removing this personal data?") != ""
    window.fill("Why are you removing this personal data?", "Retention period passed; reviewed with the DPO")
    window.press("Remove personal data", "Personal data removed")
    assert f"The personal data of {organisation} has been removed" in window.banner()
