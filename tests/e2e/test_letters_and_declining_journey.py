"""The conditional SEF-5 offer (Newham, SEF-5-0005) from its last checks to a decision by the grantee: finance
finishes the due diligence, the fund manager issues the call's letters in bulk and watches the run, and the
organisation declines the offer (after a mistake), which the fund's staff then see."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.e2e.pages.awards import AwardAdmin
from tests.e2e.pages.base import AppPage

NEWHAM = "hello@newham-boxing.example.org"
SEF_5 = 1
REASON = "Our lead coach has moved away and we cannot run the sessions this year. We hope to apply again."


def test_finance_finishes_the_checks_and_the_letters_go_out_in_bulk(open_browser: Callable[[], AppPage]) -> None:
    finance = open_browser().sign_in("finance@example.org")
    award = AwardAdmin(finance).open_from_call(SEF_5, "SEF-5-0005")
    to_do = award.items_to_do()
    assert to_do == ["Governing document seen", "Conditions of the award met"]
    for item in to_do:
        award.check(item, f"Checked: {item}", note="Seen on the call with the chair.")
    assert award.items_to_do() == []

    manager = open_browser().sign_in("fund.manager@example.org")
    manager.goto(f"/staff/calls/{SEF_5}", "The call, after its outcomes")
    manager.follow("Letters: issue the offer letters in bulk", "Letters in bulk")
    assert manager.summary_value("Ready for a letter") == "1"
    manager.press("Issue 1 letter", "The letter run")
    # Jobs run inline in the browser tests' server, so the run is finished when its page first loads.
    manager.expect_text("1 of 1 letter issued")
    expect(manager.page.locator("#batch-zip-link")).to_be_visible()
    assert any("offer" in str(m["Subject"]).lower() for m in manager.server.emails_to(NEWHAM))


def test_the_organisation_declines_the_offer(open_browser: Callable[[], AppPage]) -> None:
    grantee = open_browser().sign_in(NEWHAM)
    grantee.goto("/awards/5", "The offer")
    grantee.expect_text("SEF-5-0005")
    grantee.follow("Decline this offer", "Decline your grant offer")
    grantee.press("Decline the grant", "Declining without a reason")
    assert grantee.errors() == ["Enter why the organisation is declining the grant"]
    grantee.fill("Why is the organisation declining the grant?", REASON)
    grantee.press("Decline the grant", "Offer declined")
    grantee.expect_text("Offer declined")
    grantee.expect_text(REASON)

    manager = open_browser().sign_in("fund.manager@example.org")
    award = AwardAdmin(manager).open_from_call(SEF_5, "SEF-5-0005")
    manager.expect_text("Declined")
    assert award.items_to_do() == []
