"""Deciding a call and making the offer, in the browser: the fund manager decides SEF-6 (assessed and moderated
through the services first, see arrange.py) and publishes the outcomes; finance completes due diligence on the
successful bid from Lewisham Young Voices; the fund manager issues the offer letter; the organisation's owner reads
the outcome, downloads the letter and accepts the grant.

The tests share one server and run in file order: each starts where the one before left off.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from tests.e2e.pages.awards import (
    ApplicantAward,
    AwardAdmin,
    Decisions,
)
from tests.e2e.pages.base import AppPage

ARRANGE = "sef6_moderated"

CALL = "Shared Endeavour Fund Call 6"
CALL_ID = 2
FUND_MANAGER = "fund.manager@example.org"
FINANCE = "finance@example.org"
LEWISHAM = "hello@lewisham-young-voices.example.org"
KINGSTON = "hello@kingston-refugee-welcome.example.org"
NEWHAM = "hello@newham-boxing.example.org"
POPLAR_OWNER = "applicant.cic@example.org"

CONDITION = "Before the first payment, confirm in writing that the six new schools have agreed to take part."
FEEDBACK = (
    "The panel liked the shared meals, but the bid scored below the minimum: it gave no outcomes about changed "
    "attitudes. We would welcome a new application that shows how you will measure them."
)


def subjects(window: AppPage, address: str) -> list[str]:
    return [str(message["Subject"]) for message in window.server.emails_to(address)]


def test_fund_manager_decides_each_application_and_publishes_the_outcomes(window: AppPage) -> None:
    window.sign_in(FUND_MANAGER)
    decisions = Decisions(window).open_from_call(CALL)
    assert decisions.figure("Left to commit") == "£875,000"
    assert decisions.figure("To decide") == "4"
    assert "Not decided" in decisions.decision_shown("SEF-6-0005")

    # Kingston scored below the minimum: rejected, but the feedback is forgotten first.
    decisions.open_application("SEF-6-0005")
    assert window.summary_value("Final score") == "52.0%"
    decisions.choose("Reject")
    window.fill("Reason for the record (optional)", "Below the 55% minimum fundable score.")
    decisions.save("Reject SEF-6-0005 without feedback")
    assert window.errors() == ["Enter feedback for the applicant: they will read it"]
    assert window.field_error("Feedback for the applicant") == "Enter feedback for the applicant: they will read it"
    expect(window.field("Reason for the record (optional)")).to_have_value("Below the 55% minimum fundable score.")
    expect(window.page.get_by_label("Reject", exact=True)).to_be_checked()
    window.fill("Feedback for the applicant", FEEDBACK)
    decisions.save("Rejected SEF-6-0005")
    assert window.banner() == (
        "Success SEF-6-0005 rejected. The applicant will read your feedback once the outcomes are published."
    )
    assert "Rejected" in decisions.decision_shown("SEF-6-0005")

    # Lewisham, top of the ranking: approved with a condition, after an amount more than they asked for.
    decisions.open_application("SEF-6-0003")
    decisions.approve("£30,000", conditions=CONDITION)
    decisions.save("Approve SEF-6-0003 for more than was asked")
    assert window.errors() == ["The award cannot be more than the £25,000 the applicant asked for"]
    assert window.field_error("Amount to award") == window.errors()[0]
    expect(window.field("Amount to award")).to_have_value("£30,000")
    expect(window.field("Conditions of the grant (optional)")).to_have_value(CONDITION)
    window.type_in("Amount to award", "25000")
    decisions.save("Approved SEF-6-0003")
    assert window.banner() == "Success SEF-6-0003 approved for £25,000. £850,000 of the budget is left to commit."
    assert decisions.figure("Committed") == "£25,000"

    # Newham, by keyboard alone: the panel wants the girls' session plan before funding it, so it waits in reserve.
    decisions.open_application("SEF-6-0004")
    keys = window.page.keyboard
    window.tab_to(window.page.get_by_label("Approve", exact=True))
    keys.press("ArrowDown")  # Reject
    keys.press("ArrowDown")  # Put it on the reserve list
    expect(window.page.get_by_label("Put it on the reserve list", exact=True)).to_be_checked()
    window.tab_to(window.field("Feedback for the applicant"))  # past the approval's amount and conditions
    keys.type("The panel would like to see a session plan for the online influences workshops.")
    keys.press("Tab")
    expect(window.field("Reason for the record (optional)")).to_be_focused()
    keys.type("Funded from the reserve list once the session plan is in.")
    window.tab_to(window.page.get_by_role("button", name="Save decision"))
    window.keyboard_submit("Enter", "SEF-6-0004 on the reserve list, by keyboard")
    assert window.banner() == "Success SEF-6-0004 is on the reserve list."

    # Poplar is all that is left above the funding line: approved in bulk at the amount it asked for.
    decisions.approve_above_line("Scored well above the line; the panel agreed to fund it in full.")
    assert window.summary_value("Applications") == "1"
    assert window.summary_value("Total to approve") == "£18,000"
    window.press("Approve 1 application", "Approved above the funding line")
    assert window.banner() == "Success Approved 1 application: £18,000 committed."
    assert decisions.figure("Committed") == "£43,000"
    assert decisions.figure("To decide") == "0"

    decisions.publish()
    assert window.summary_value("Total awarded") == "£43,000"
    window.press("Publish outcomes and email 4 applicants", "Outcomes published")
    assert window.banner() == "Success Outcomes published: 4 applicants emailed"
    assert "Your application SEF-6-0003 has been awarded a grant" in subjects(window, LEWISHAM)
    assert "The outcome of your application SEF-6-0005" in subjects(window, KINGSTON)
    assert "Your application SEF-6-0004 is on the reserve list" in subjects(window, NEWHAM)


def test_finance_checks_the_grantee_and_the_fund_manager_issues_the_offer_letter(
    open_browser: Callable[[], AppPage],
) -> None:
    applicant = open_browser()
    applicant.sign_in(LEWISHAM)
    outcome = ApplicantAward(applicant).open_outcome("SEF-6-0003")
    applicant.expect_heading("Grant awarded")
    applicant.expect_text("a grant of £25,000")
    assert applicant.page.locator("#conditions").inner_text() == CONDITION
    applicant.expect_text("Your offer letter is on its way")

    finance = open_browser()
    finance.sign_in(FINANCE)
    award = AwardAdmin(finance).open_from_call(CALL_ID, "SEF-6-0003")
    assert award.items_to_do() == [
        "Registration number checked against the register",
        "Bank details verified",
        "Safeguarding policy seen",
        "Governing document seen",
        "Conditions of the award met",
    ]
    # Finance reads the application and the call's screening queue: neither offers them an eligibility change
    # (only fund managers screen), then back to the award.
    finance.follow("Speak Up, Stand Together", "The application, as finance sees it")
    expect(finance.page.get_by_role("button", name="Change eligibility decision")).to_have_count(0)
    finance.follow("Eligibility screening", "Eligibility screening, as finance sees it", exact=True)
    expect(finance.page.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)
    award.open_from_call(CALL_ID, "SEF-6-0003")

    # The registration number is mistyped as a Scottish one, then put right.
    card = award.card("Registration number checked against the register")
    card.get_by_label("Charity Commission for England and Wales").check()
    card.get_by_label("Registration number", exact=True).fill("SC012345")
    award.check("Registration number checked against the register", "Registration number in the wrong format")
    message = (
        "Enter a number in the format the Charity Commission for England and Wales uses: 6 or 7 digits, like 1123456"
    )
    assert finance.errors() == [message]
    card = award.card("Registration number checked against the register")
    expect(card.get_by_label("Registration number", exact=True)).to_have_value("SC012345")
    card.get_by_label("Registration number", exact=True).fill("1192847")
    award.check("Registration number checked against the register", "Registration checked")
    for item, note in (
        ("Bank details verified", "Matched the bank statement to the account name."),
        ("Safeguarding policy seen", ""),
        ("Governing document seen", "CIO constitution, adopted 2021."),
        ("Conditions of the award met", "The six new schools confirmed by email on the head teachers' letterhead."),
    ):
        award.check(item, f"Checked: {item}", note=note)
    assert award.items_to_do() == []
    finance.expect_text("5 of 5 checked")

    manager = open_browser()
    manager.sign_in(FUND_MANAGER)
    AwardAdmin(manager).open_from_call(CALL_ID, "SEF-6-0003")
    manager.press("Issue the offer letter", "Offer letter issued")
    assert "letter" in manager.banner().lower()
    expect(manager.page.get_by_role("table", name="Every version issued")).to_contain_text("Marcus Bell")
    assert any("grant offer letter for SEF-6-0003" in s for s in subjects(manager, LEWISHAM))
    outcome.open_outcome("SEF-6-0003")
    applicant.expect_text("Your offer letter has been issued")


def test_the_grantee_reads_the_letter_and_accepts_the_grant(window: AppPage) -> None:
    window.sign_in(LEWISHAM)
    offer = ApplicantAward(window).open_outcome("SEF-6-0003")
    window.press("See your offer", "Your grant offer")
    window.expect_heading("Your grant offer")
    download = offer.download_letter()
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    window.fill("Your full name", "Chidi Okonkwo").fill("Your position in the organisation", "Chair of trustees")
    window.press("Accept the grant", "Accept without confirming")
    assert len(window.errors()) == 1
    assert offer.accept_form_kept() == ("Chidi Okonkwo", "Chair of trustees")
    window.page.get_by_role("checkbox", name=re.compile("^I confirm that I have read the grant offer letter")).check()
    window.press("Accept the grant", "Grant accepted")
    expect(window.page.locator(".govuk-panel__title")).to_have_text("Grant accepted")
    assert window.summary_value("Accepted by") == "Chidi Okonkwo, Chair of trustees"
    assert any("SEF-6-0003 accepted by Lewisham Young Voices" in s for s in subjects(window, FUND_MANAGER))
