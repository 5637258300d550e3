"""Setting up a call, and the admin pages.

1. The fund manager creates Call 7 of the Shared Endeavour Fund (with mistakes on the way), copies its set-up from
   SEF-6, changes the scoring criteria, adds a theme by keyboard alone, chooses who can apply, sets the payment
   schedule and looks at the monitoring settings, then opens it; an anonymous visitor reads the public call page.
2. The admin gives a person a staff role (after trying one they already hold), removes a role and creates a fund.
"""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from fundapp.core.clock import london_today
from tests.e2e.pages.base import AppPage
from tests.e2e.pages.programmes import Admin, CallSetup, NewCall

TODAY = london_today()
CALL = NewCall(
    code="SEF-7",
    name="Shared Endeavour Fund Call 7",
    summary="Grants for London projects that build resilience to hate and extremism.",
    opens_on=TODAY - timedelta(days=1),
    closes_on=TODAY + timedelta(days=60),
    budget="£500,000",
)


def _create_the_call(window: AppPage, setup: CallSetup) -> None:
    """Create the call: forget its name and put the closing date before the opening date first."""
    setup.start_new_call("Shared Endeavour Fund")
    setup.fill_call_details(CALL)
    window.fill("Call name", "")
    window.fill_date("Closing date", CALL.opens_on - timedelta(days=7))
    setup.create("Call without a name")
    assert window.errors() == ["Enter the call's name"]
    assert window.field_error("Call name") == "Enter the call's name"
    assert window.field("Call code").input_value() == CALL.code  # what was typed is kept
    assert window.field("Budget").input_value() == CALL.budget

    window.fill("Call name", CALL.name)
    setup.create("Call closing before it opens")
    assert window.errors() == ["The closing date must be after the opening date"]
    before = CALL.opens_on - timedelta(days=7)
    assert window.date_typed("Closing date") == f"{before.day} {before.month} {before.year}"

    window.fill_date("Closing date", CALL.closes_on)
    setup.create("Call created")
    assert f"{CALL.name} ({CALL.code}) has been created as a draft" in window.banner()
    window.expect_heading(CALL.name)
    assert setup.status() == "Draft"


def _criteria_that_add_up(window: AppPage, setup: CallSetup) -> None:
    """Swap 'Value for money' for a new criterion: too heavy first (the weights pass 100), then right."""
    window.follow("Change scoring criteria", "Scoring criteria")
    assert setup.criteria_total() == "Weights add up to 100 of 100"
    setup.remove_criterion("Value for money")
    assert window.banner() == "Success Value for money has been removed."
    assert setup.criteria_total() == "Weights add up to 85 of 100"
    guidance = "Does the project reach people in the boroughs where the need is greatest?"
    setup.add_criterion("Reach across London", "25", guidance, "1 to 5", "Criterion too heavy")
    assert window.errors() == [window.field_error("Weight")]
    assert window.field_error("Weight").startswith("The weights would add up to 110.")
    assert window.field("Weight").input_value() == "25"
    assert window.field("Criterion", exact=True).input_value() == "Reach across London"

    window.fill("Weight", "15%")
    window.press("Add criterion", "Criterion added")
    assert window.banner() == "Success Reach across London has been added."
    assert setup.criteria_rows()["Reach across London"] == "15%"
    assert setup.criteria_total() == "Weights add up to 100 of 100"

    # Then a second look at the new criterion: its name rubbed out by mistake, put back with sharper guidance.
    window.follow("Change Reach across London", "Change a criterion", exact=True)
    window.fill("Criterion", "", exact=True)
    window.press("Save criterion", "Criterion without a name")
    assert window.errors() == [window.field_error("Criterion", exact=True)] == ["Enter a name for the criterion"]
    window.fill("Criterion", "Reach across London", exact=True)
    window.fill("Guidance for assessors (optional)", guidance + " Count only the boroughs named in the application.")
    window.press("Save criterion", "Criterion changed")
    assert setup.criteria_rows()["Reach across London"] == "15%"
    assert setup.criteria_total() == "Weights add up to 100 of 100"
    window.follow("Back to the call", "Call after the criteria", exact=True)


def _theme_by_keyboard(window: AppPage) -> None:
    """Add a theme with the keyboard alone: submit it empty, follow the error to the field, then fill it in."""
    window.follow("Change themes", "Themes")
    keys = window.page.keyboard
    window.tab_to(element_id="name")
    window.tab_to(element_id="submit")
    window.keyboard_submit("Enter", "Theme without a name")
    assert window.errors() == ["Enter the theme"]
    window.tab_to(text="Enter the theme")  # the link in the error summary
    keys.press("Enter")
    assert window.page.evaluate("document.activeElement.id") == "name"
    keys.type("Safer online spaces")
    keys.press("Tab")
    keys.type("Helping young people recognise and challenge hateful content online.")
    window.tab_to(element_id="submit")
    window.keyboard_submit("Enter", "Theme added by keyboard")
    assert window.banner() == "Success Safer online spaces has been added."
    expect(window.page.get_by_role("table", name="Themes of this call")).to_contain_text("Safer online spaces")
    window.follow("Back to the call", "Call after the themes", exact=True)


def _who_can_apply(window: AppPage, setup: CallSetup) -> None:
    window.follow("Change who can apply", "Who can apply")
    group = window.page.get_by_role("group", name="Which types of organisation can apply?")
    for box in group.get_by_role("checkbox").all():
        box.uncheck()
    window.press("Save eligibility", "No type of organisation chosen")
    assert window.errors() == ["Select at least one type of organisation that can apply"]
    for kind in ("Registered charity (unincorporated or trust)", "Community interest company (CIC)"):
        group.get_by_label(kind, exact=True).check()
    window.press("Save eligibility", "Who can apply saved")
    assert "Who can apply and the documents they must send have been saved" in window.banner()
    assert (
        setup.window.summary_value("Who can apply")
        == "Registered charity (unincorporated or trust) Community interest company (CIC)"
    )


def _payment_schedule(window: AppPage, setup: CallSetup) -> None:
    """Shares that add up to 110% are refused; 50/50 is saved."""
    window.follow("Change payment schedule", "Payment schedule")
    setup.set_payment(1, "On acceptance", "60", "On acceptance of the grant")
    setup.set_payment(2, "After the final report", "50", "On approval of the final report")
    for number in range(3, 5):
        if window.field(f"Name of payment {number}", exact=True).count():
            setup.set_payment(number, "", "")
    window.press("Save payment schedule", "Payment shares over 100%")
    assert any("100%" in error for error in window.errors()), window.errors()
    assert setup.payment(1)[1].input_value() == "60"

    setup.set_payment(1, "On acceptance", "50")
    window.press("Save payment schedule", "Payment schedule saved")
    assert "The payment schedule has been saved" in window.banner()
    expect(window.page.get_by_role("table", name="Payments each award is made in")).to_contain_text("On acceptance")


def test_fund_manager_sets_up_and_opens_a_call(open_browser) -> None:
    window = open_browser()
    setup = CallSetup(window)
    window.sign_in("fund.manager@example.org")
    _create_the_call(window, setup)

    # Opening a call with nothing set up is refused, with a list of what is missing.
    setup.open_call("Call not ready to open")
    assert window.errors() == [
        "Add scoring criteria with weights that add up to 100",
        "Add at least one tier (grant size)",
        "Add an application form (question set)",
    ]
    window.expect_text("This call cannot open yet")
    assert setup.status() == "Draft"

    setup.copy_setup_from("Shared Endeavour Fund Call 6 (SEF-6)")
    assert "The set-up of Shared Endeavour Fund Call 6 (SEF-6) has been copied" in window.banner()
    expect(window.page.get_by_role("table", name="Grant sizes applicants can ask for")).to_contain_text("Tier 3")

    _criteria_that_add_up(window, setup)
    _theme_by_keyboard(window)
    _who_can_apply(window, setup)
    _payment_schedule(window, setup)

    window.follow("Change call details", "Change the call's details")
    window.expect_heading("Change the call's details")
    window.fill("Description (optional)", "We fund community-led projects across London.")
    window.press("Save changes", "Call details saved")
    assert window.banner() == "Success The call's details have been saved."

    window.follow("Monitoring settings: what grantees report and when", "Monitoring settings")
    window.expect_heading("Monitoring settings")
    window.follow(CALL.name, "Back from the monitoring settings", exact=True)

    setup.open_call("Call opened")
    assert window.banner() == f"Success {CALL.name} is open for applications."
    assert setup.status() == "Open for applications"

    visitor = open_browser()
    visitor.goto(f"/calls/{CALL.code}", "Public call page")
    visitor.expect_heading(CALL.name)
    status = visitor.page.locator("#call-status").inner_text()
    assert status.startswith("Open – closes"), status
    visitor.expect_text(CALL.summary)
    visitor.expect_text("There is £500,000 in total for this call.")
    visitor.expect_text("Safer online spaces")
    visitor.expect_text("Reach across London (15%)")
    visitor.expect_text("Community interest company (CIC)")
    expect(visitor.page.get_by_role("button", name="Start an application")).to_be_visible()


def test_admin_gives_and_removes_staff_roles_and_creates_a_fund(window: AppPage) -> None:
    admin = Admin(window)
    window.sign_in("admin@example.org")
    window.follow("Users and staff roles", "Users and staff roles", exact=True)
    admin.search_users("price")
    assert len(admin.user_rows()) == 1
    assert admin.user_rows()[0].startswith("Owen Price assessor.two@example.org")
    window.follow("Owen Price", "Owen Price", exact=True)
    assert "Assessor | Shared Endeavour Fund (every call)" in admin.roles_held()

    admin.add_role("Assessor", "Shared Endeavour Fund (every call)", "Role already held")
    assert window.errors() == ["Owen Price already has this role"]
    admin.add_role("Fund manager", "Shared Endeavour Fund Call 6 (SEF-6)", "Fund manager role given")
    assert window.banner() == "Success Owen Price has been given the fund manager role."
    assert "Fund manager | Shared Endeavour Fund Call 6 (SEF-6)" in admin.roles_held()

    admin.remove_role("Fund manager", "Shared Endeavour Fund Call 6 (SEF-6)")
    assert window.banner() == "Success The fund manager role has been removed from Owen Price."
    assert not any(row.startswith("Fund manager") for row in admin.roles_held())

    window.goto("/", "Admin home")
    window.follow("Create a fund", "Create a fund", exact=True)
    window.fill("Fund code", "SEF").fill("Fund name", "")
    window.press("Create fund", "Fund without a name")
    assert window.errors() == ["Enter the fund's name"]
    window.fill("Fund name", "Young Londoners Fund")
    window.press("Create fund", "Fund code taken")
    assert window.errors() == ["There is already a fund with the code SEF"]
    assert window.field("Fund name").input_value() == "Young Londoners Fund"
    window.fill("Fund code", "YLF")
    window.press("Create fund", "Fund created")
    assert window.banner().startswith("Success Young Londoners Fund (YLF) has been created.")
    window.expect_heading("Users and staff roles")
