"""Assessing a call, in the browser: the fund manager closes SEF-6 and gives its bids to assessors; an assessor
declares a conflict on one bid and scores another (with mistakes, one criterion by keyboard alone); the other
assessors score so that one bid's scores differ enough to be flagged; the fund manager moderates it and the
ranking shows the result.

The tests share one server and run in file order: each picks up where the one before left the call.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.e2e.pages.assessment import CRITERIA, AssessorPages, FundManagerPages, Mark, legend, reason_label
from tests.e2e.pages.base import AppPage

CALL = "Shared Endeavour Fund Call 6"
CALL_ID = 2
MANAGER = "fund.manager@example.org"
AISHA = "assessor.one@example.org"  # Aisha Rahman
OWEN = "assessor.two@example.org"  # Owen Price (a standing connection with Newham Boxing: never gets SEF-6-0004)
KWAME = "assessor.three@example.org"  # Kwame Asante
ELIGIBLE = ("SEF-6-0001", "SEF-6-0003", "SEF-6-0004", "SEF-6-0005")
CONFLICTED = "SEF-6-0001"  # Aisha declares a conflict: the fund manager gives it to Kwame
DISPUTED = "SEF-6-0003"  # Aisha scores its need 4, the other assessor 2: flagged for moderation


def marks(*scores: int, why: str = "The application") -> dict[str, Mark]:
    return {
        criterion: Mark(
            score,
            f"{why} is {['', 'poor', 'partial', 'satisfactory', 'good', 'strong'][score]} on "
            f"{criterion.lower()}: the evidence in the answers supports this score.",
        )
        for criterion, score in zip(CRITERIA, scores, strict=True)
    }


# What the other assessors give each bid: close to Aisha's except on the disputed bid's need (2 against her 4).
OTHER_SCORES = {
    "SEF-6-0001": marks(4, 4, 3, 4, 4),
    "SEF-6-0003": marks(2, 4, 4, 3, 4),
    "SEF-6-0004": marks(4, 4, 4, 4, 3),
    "SEF-6-0005": marks(3, 3, 4, 4, 3),
}


def test_fund_manager_closes_the_call_and_gives_the_bids_to_assessors(window: AppPage) -> None:
    manager = FundManagerPages(window.sign_in(MANAGER), CALL_ID)
    manager.open_call(CALL)
    assert manager.app.summary_value("Status") == "Open for applications"

    window.press("Close call", "Call closed")
    assert window.banner() == f"Success {CALL} is closed to new applications."
    assert manager.app.summary_value("Status") == "Closed"

    window.follow("Submitted applications and eligibility screening", "Eligibility screening")
    window.expect_heading("Eligibility screening")
    manager.expect_row("SEF-6-0002", "Ineligible")
    for reference in ELIGIBLE:
        manager.expect_row(reference, "Eligible")
    manager.back("Call page again")

    window.follow("Assessment: progress, assessors and assignment", "Assessment of the call")
    window.expect_heading("Assessment")
    assert manager.table_value("Applications", "To assess") == "4"

    window.follow("Manage assessors", "Assessors in the pool")
    for name in ("Aisha Rahman", "Owen Price", "Kwame Asante"):
        expect(window.page.locator("main table")).to_contain_text(name)
    # A slip: the address is typed without its domain's ending. What was typed is kept, and the field says why.
    window.fill("Email address", "assessor.one@example")
    window.press("Add assessor", "Add assessor: not an email address")
    assert window.errors() == [window.field_error("Email address")]
    assert window.field("Email address").input_value() == "assessor.one@example"
    window.fill("Email address", AISHA)
    window.press("Add assessor", "Add assessor: already in the pool")
    assert "already" in window.field_error("Email address"), window.field_error("Email address")
    manager.back("Assessment of the call again")

    # Auto-assign from the keyboard: Tab to the button, Enter.
    window.tab_to(window.page.get_by_role("button", name="Auto-assign applications"))
    window.keyboard_submit("Enter", "Auto-assigned")
    assert window.banner() == "Success Assigned 8 scorecards to 3 assessors. Each has been emailed."
    assert manager.table_value("Applications", "With all their assessors") == "4"
    assert manager.table_value("Scorecards", "Not started") == "8"
    for email in (AISHA, OWEN, KWAME):
        assert window.server.emails_to(email), f"no allocation email to {email}"


def test_assessor_declares_a_conflict_and_scores_a_bid(window: AppPage) -> None:
    assessor = AssessorPages(window.sign_in(AISHA))
    assessor.open_assessments()
    for reference in (CONFLICTED, DISPUTED, "SEF-6-0004"):
        assert assessor.status_of(reference) == "Not started"

    # A conflict of interest, declared first without saying what it is.
    assessor.check_for_conflicts(CONFLICTED)
    window.press("Continue", "Conflict check: no answer")
    assert window.errors() == ["Select whether you have a conflict of interest"]
    window.choose("I have a conflict of interest")
    window.press("Continue", "Your conflict of interest")
    window.expect_heading("Your conflict of interest")
    window.press("Declare conflict of interest", "Conflict of interest: nothing said about it")
    assert window.errors() == ["Select how you are connected to the organisation", "Describe your conflict of interest"]
    assert window.field_error("Describe your conflict of interest") == "Describe your conflict of interest"
    window.choose("Another connection", within="How are you connected to the organisation?")
    window.type_in("Describe your conflict of interest", "My sister runs the sewing circle Poplar Threads grew out of.")
    window.press("Declare conflict of interest", "Conflict of interest declared")
    window.expect_heading("Your assessments")
    assert window.banner().startswith(f"Success You have been removed from {CONFLICTED}: Threads that bind")
    expect(window.page.get_by_role("link", name=f"Check for conflicts for {CONFLICTED}")).to_have_count(0)

    # The disputed bid: no conflict, then a scorecard with mistakes.
    assessor.check_for_conflicts(DISPUTED).declare_no_conflict(DISPUTED)
    mine = marks(4, 4, 4, 4, 4, why="The bid")
    first_go = dict(mine)
    first_go["Organisational capacity and safeguarding"] = Mark(None, "")  # forgotten
    first_go["Value for money"] = Mark(4, "Costs are reasonable. " * 250)  # pasted twice over: 5,500 characters
    assessor.fill_scorecard(first_go, "Fund")
    assessor.submit_scorecard("Scorecard with mistakes")
    assert window.errors() == [
        "Choose a score for Organisational capacity and safeguarding",
        "Explain your score for Organisational capacity and safeguarding",
        "The justification for Value for money must be 5,000 characters or fewer",
    ]
    expect(window.page.locator(".govuk-error-summary")).to_contain_text("Everything else you entered has been saved")
    assert window.field_error(reason_label("Value for money")).startswith("The justification for Value for money")
    kept = window.field(reason_label("Need and evidence")).input_value()
    assert kept == mine["Need and evidence"].reason
    group = window.page.get_by_role("group", name=legend("Need and evidence"))
    expect(group.get_by_label("4 – Good", exact=True)).to_be_checked()

    # Fix the forgotten criterion by keyboard alone: Tab from the reason above into its radios, arrows, Tab on.
    window.field(reason_label("Outcomes and measurement")).focus()
    window.page.keyboard.press("Tab")
    capacity = window.page.get_by_role("group", name=legend("Organisational capacity and safeguarding"))
    expect(capacity.get_by_label("5 – Strong", exact=True)).to_be_focused()
    window.page.keyboard.press("Space")
    window.page.keyboard.press("ArrowDown")
    expect(capacity.get_by_label("4 – Good", exact=True)).to_be_checked()
    window.page.keyboard.press("Tab")
    expect(window.field(reason_label("Organisational capacity and safeguarding"))).to_be_focused()
    window.page.keyboard.type(mine["Organisational capacity and safeguarding"].reason)
    window.fill(reason_label("Value for money"), mine["Value for money"].reason)
    # Then save a draft from the keyboard: Tab on to the button, Enter.
    window.tab_to(window.page.get_by_role("button", name="Save as draft"))
    window.keyboard_submit("Enter", "Draft saved")
    assert window.banner() == "Success Draft saved"
    expect(window.page.locator("#score-so-far")).to_contain_text("Your score so far: 80.0%")

    assessor.open_assessments()
    assert assessor.status_of(DISPUTED) == "In progress"
    window.follow(f"Score {DISPUTED}", "Back to the draft scorecard")
    expect(capacity.get_by_label("4 – Good", exact=True)).to_be_checked()
    assessor.submit_scorecard("Scorecard submitted")
    assert window.banner() == "Success Scorecard submitted"
    expect(window.page.locator("#other-scores")).to_be_visible()
    expect(window.page.get_by_role("button", name="Reopen scorecard")).to_be_visible()

    # Her third bid, straight through.
    assessor.open_assessments()
    assessor.score_and_submit("SEF-6-0004", OTHER_SCORES["SEF-6-0004"], "Fund with conditions")
    assessor.open_assessments()
    assert assessor.status_of(DISPUTED) == "Submitted"
    assert assessor.status_of("SEF-6-0004") == "Submitted"


def test_fund_manager_gives_the_conflicted_bid_to_another_assessor(window: AppPage) -> None:
    manager = FundManagerPages(window.sign_in(MANAGER), CALL_ID)
    manager.open_call(CALL)
    window.follow("Assessment: progress, assessors and assignment", "Assessment: a conflict declared")
    assert manager.table_value("Scorecards", "Conflicts of interest declared") == "1"
    manager.expect_row(CONFLICTED, "1 of 2")
    window.follow(CONFLICTED, f"Assessors and scores: {CONFLICTED}")
    manager.expect_row("Aisha Rahman", "Conflict declared")

    window.press("Assign assessor", "Assign assessor: nobody chosen")
    assert window.errors() == ["Select the assessor to give this application to"]
    window.choose("Kwame Asante", within="Who should assess this application?")
    window.press("Assign assessor", "Assessor assigned")
    assert window.banner() == f"Success Kwame Asante has been given {CONFLICTED} and emailed."
    manager.expect_row("Kwame Asante", "Not started")
    latest = window.server.emails_to(KWAME)[-1].get_body(("plain",))
    assert latest is not None
    assert f"You have been given 1 application to assess for {CALL}." in " ".join(latest.get_content().split())


def test_the_other_assessors_score_their_bids(open_browser: Callable[[], AppPage]) -> None:
    scored: dict[str, int] = {}
    for email in (OWEN, KWAME):
        assessor = AssessorPages(open_browser().sign_in(email))
        assessor.open_assessments()
        references = assessor.to_do()
        assert references, f"{email} has nothing to assess"
        for reference in references:
            assessor.score_and_submit(reference, OTHER_SCORES[reference], "Fund")
            scored[reference] = scored.get(reference, 0) + 1
            assessor.open_assessments()
        assert assessor.to_do() == []
    # With Aisha's two, every bid has its two scorecards.
    assert scored == {CONFLICTED: 2, DISPUTED: 1, "SEF-6-0004": 1, "SEF-6-0005": 2}


def test_fund_manager_moderates_the_flagged_bid_and_sees_the_ranking(window: AppPage) -> None:
    manager = FundManagerPages(window.sign_in(MANAGER), CALL_ID)
    manager.open_call(CALL)
    window.follow("Assessment: progress, assessors and assignment", "Assessment: every scorecard in")
    assert manager.table_value("Applications", "Assessed (every scorecard in)") == "4"
    assert manager.table_value("Scorecards", "Submitted") == "8"
    manager.back("Call page before moderation")

    window.follow("Moderation", "Moderation not started", exact=True)
    window.press("Start moderation", "Moderation started")
    assert window.banner().startswith("Success Moderation has started.")
    first = window.page.locator("main table tbody tr").first
    expect(first).to_contain_text(DISPUTED)
    expect(first).to_contain_text("Flagged")
    expect(first).to_contain_text("Assessors differ by 2 points on Need and evidence")

    window.follow(f"{DISPUTED} (moderate)", f"Moderate {DISPUTED}")
    window.expect_heading("Moderate: Speak Up, Stand Together")
    expect(window.page.locator("main")).to_contain_text("Flagged for moderation")
    # A moderated score without its reason.
    window.select("Moderated score for Need and evidence", "4 – Good")
    window.press("Resolve moderation", f"Moderate {DISPUTED}: no reason given")
    assert window.errors() == ["Give the reason for the moderated score on Need and evidence"]
    assert window.field_error("Reason for the moderated score on Need and evidence") == window.errors()[0]
    chosen = window.field("Moderated score for Need and evidence").evaluate("s => s.options[s.selectedIndex].text")
    assert chosen == "4 – Good"  # kept
    window.type_in(
        "Reason for the moderated score on Need and evidence",
        "The bid cites the schools' own incident logs and a borough survey: good evidence, as Assessor 1 found.",
    )
    window.fill("Moderation note", "Assessor 2 missed the survey in the appendix.")
    window.press("Resolve moderation", "Moderation resolved")
    banner = window.banner()
    assert banner.startswith(f"Success {DISPUTED} has been moderated. Its final score is "), banner
    final = banner.removeprefix(f"Success {DISPUTED} has been moderated. Its final score is ").removesuffix(".")
    manager.expect_row(DISPUTED, "Moderated", final)

    window.press("Confirm the mean score of every unflagged application (3)", "Unflagged scores confirmed")
    assert window.banner() == "Success Confirmed 3 applications"
    expect(window.page.locator("main")).to_contain_text("No unflagged application is waiting")

    window.follow("See the ranking and the funding line", "Ranking")
    window.expect_heading("Ranking")
    assert manager.app.summary_value("Applications ranked") == "4"
    row = manager.expect_row(DISPUTED, final)
    ranked = [" ".join(t.split()) for t in window.page.locator("main table tbody tr td:nth-child(2)").all_inner_texts()]
    assert ranked == [DISPUTED, "SEF-6-0004", CONFLICTED, "SEF-6-0005"], ranked  # moderated up to first place
    expect(row).to_contain_text("Above the line")
