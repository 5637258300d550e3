"""An applicant's journeys, by mouse and keyboard, with the mistakes people make on the way.

1. Someone new creates an account, adds their organisation, applies to the open call SEF-6 (every section, one of
   them by keyboard alone), leaves half-way, comes back to find everything saved, checks their answers and submits.
2. Someone who has forgotten their password resets it from the emailed link and signs in with the new one.
3. A member invites someone to their organisation; the invitee creates an account from the emailed link and joins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from fundapp.core.clock import london_today
from tests.e2e.pages.accounts import AccountPages, OrganisationDetails
from tests.e2e.pages.applications import ApplicationPages
from tests.e2e.pages.base import AppPage
from tests.sample_files import pdf_bytes

NEW_APPLICANT = "amina.yusuf@peckham-kitchen.example.org"
NEW_PASSWORD = "ladder copper meadow 42"
CALL = "SEF-6"
SECTIONS = [
    "Your organisation",
    "About your project",
    "Need and evidence",
    "Activities and outputs",
    "Who will benefit and where",
    "Priority themes",
    "Outcomes and how you will measure them",
    "Safeguarding",
    "Budget and match funding",
    "Risks",
    "Declarations and signatory",
]
ORGANISATION = OrganisationDetails(
    name="Peckham Community Kitchen",
    legal_type="Charitable incorporated organisation (CIO)",
    charity_number="1 190 246",
    address_line_1="The Arches, 7 Rye Lane",
    town="London",
    postcode="se15 5ew",
    borough="Southwark",
    website="www.example.org/peckham-kitchen",
    annual_income="£62,400",
)


def words(count: int, text: str = "young people cook together and talk about what divides and unites them") -> str:
    """A long answer of exactly `count` words."""
    pool = text.split()
    return " ".join(pool[i % len(pool)] for i in range(count))


def project_dates() -> tuple[date, date]:
    """A year-long project starting on the first of a month well inside the call's project window."""
    soon = london_today() + timedelta(days=110)
    start = date(soon.year + soon.month // 12, soon.month % 12 + 1, 1)
    return start, start.replace(year=start.year + 1) - timedelta(days=1)


@pytest.fixture()
def policy_pdf(tmp_path: Path) -> Path:
    """A small real PDF, as an applicant's safeguarding policy would be."""
    path = tmp_path / "Peckham Community Kitchen safeguarding policy.pdf"
    path.write_bytes(pdf_bytes("Safeguarding policy"))
    return path


# --- Journey 1: a new applicant applies ---------------------------------------------------------------------------


def test_a_new_applicant_registers_adds_their_organisation_and_applies(
    open_browser: Callable[[], AppPage], policy_pdf: Path
) -> None:
    window = open_browser()
    accounts = AccountPages(window)
    form = ApplicationPages(window)

    create_an_account(window, accounts)
    sign_in_again(window)
    add_the_organisation(window, accounts)

    window.expect_heading("Apply to Shared Endeavour Fund Call 6")
    window.expect_text("You are applying for Peckham Community Kitchen")
    window.press("Start application", "Application started")
    assert "Your application has been started" in window.banner()
    application_path = urlsplit(window.page.url).path
    assert form.task_statuses() == dict.fromkeys(SECTIONS, "Not yet started")

    confirm_the_organisation(window, form)
    describe_the_project(window, form)
    explain_the_need(window, form)
    plan_the_activities_by_keyboard(window, form)
    start_on_who_benefits_and_leave(window, form)

    # Half-way: sign out, come back, everything is where it was left.
    window.sign_out()
    window.sign_in(NEW_APPLICANT, NEW_PASSWORD)
    window.follow("Your applications", "Your applications")
    window.follow("Cook up: young Londoners against hate", "Back to the application")
    assert urlsplit(window.page.url).path == application_path
    statuses = form.task_statuses()
    assert [statuses[s] for s in SECTIONS[:4]] == ["Completed"] * 4
    assert statuses["Who will benefit and where"] == "In progress"
    window.expect_text("You have completed 4 of 11 sections")
    look_at_the_answers_so_far(window, form)

    finish_who_benefits(window, form)
    choose_the_themes(window, form)
    describe_the_outcomes(window, form)
    explain_safeguarding(window, form, policy_pdf)
    set_out_the_budget(window, form)
    name_the_risks(window, form)
    sign_the_declarations(window, form)
    assert set(form.task_statuses().values()) == {"Completed"}

    check_and_submit(window, form, open_browser, application_path)


def create_an_account(window: AppPage, accounts: AccountPages) -> None:
    window.goto("/", "Home page")
    window.follow("Create an account", "Create an account")
    accounts.fill_registration(full_name="Amina Yusuf", email="amina.yusuf@peckham-kitchen", password="kitchen1")
    accounts.create_account("Account with mistakes")
    assert window.errors() == [
        "Enter an email address in the correct format, like name@example.com",
        "Password must be 12 characters or more",
    ]
    assert window.field_error("Create a password") == "Password must be 12 characters or more"
    assert window.field("Full name").input_value() == "Amina Yusuf"
    assert window.field("Email address").input_value() == "amina.yusuf@peckham-kitchen"
    assert window.field("Create a password").input_value() == ""

    # A person who already has an account is told so, not given a second one.
    accounts.fill_registration(full_name="Amina Yusuf", email="applicant@example.org", password=NEW_PASSWORD)
    accounts.create_account("Account for an email already registered")
    assert window.errors()[0].startswith("An account already exists with this email address")

    accounts.fill_registration(full_name="Amina Yusuf", email=NEW_APPLICANT, password=NEW_PASSWORD)
    accounts.create_account("Account created")
    assert window.banner().endswith("Your account has been created. Next, tell us about your organisation.")
    window.expect_heading("Tell us about your organisation")


def sign_in_again(window: AppPage) -> None:
    """She signs out to finish later, then signs in (getting the password wrong once)."""
    window.sign_out()
    assert "You have signed out" in window.banner()
    window.fill("Email address", NEW_APPLICANT).fill("Password", "ladder copper meadow")
    window.press("Sign in", "Sign in with the wrong password", exact=True)
    assert set(window.errors()) == {"Enter a correct email address and password"}
    assert window.field("Email address").input_value() == NEW_APPLICANT
    window.fill("Password", NEW_PASSWORD)
    window.press_enter_in("Password", "Signed in")
    window.follow("funding calls", "Funding calls")
    window.follow("Shared Endeavour Fund Call 6", "The open call")
    window.press("Start an application", "Apply to the call")
    window.expect_text("Before you apply, tell us about your organisation")
    window.press("Add your organisation", "Tell us about your organisation")


def add_the_organisation(window: AppPage, accounts: AccountPages) -> None:
    typo = OrganisationDetails(
        name=ORGANISATION.name,
        legal_type=ORGANISATION.legal_type,
        charity_number="12AB",
        address_line_1=ORGANISATION.address_line_1,
        town=ORGANISATION.town,
        postcode="SE15",
        annual_income="about 60k",
    )
    accounts.fill_organisation(typo).save_organisation("Organisation with mistakes")
    assert window.errors() == [
        "Enter a charity number in the right format, like 1234567 (England and Wales), SC012345 (Scotland) "
        "or NIC100123 (Northern Ireland)",
        "Enter a real postcode, like SE1 2AA",
        "Select the London borough where your organisation is based",
        "Enter annual income as an amount in pounds, like 45000 or £45,000",
    ]
    assert window.field_error("Postcode") == "Enter a real postcode, like SE1 2AA"
    assert window.field("Charity number").input_value() == "12AB"
    assert window.field("Organisation name").input_value() == ORGANISATION.name

    accounts.fill_organisation(ORGANISATION).save_organisation("Organisation added")
    assert "Peckham Community Kitchen has been added" in window.banner()


def confirm_the_organisation(window: AppPage, form: ApplicationPages) -> None:
    form.open_section("Your organisation")
    window.expect_text("SE15 5EW")  # the postcode as the service stored it
    window.expect_text("1190246")
    form.save_and_continue("Organisation not confirmed")
    assert window.errors() == ["Confirm your organisation's details are correct, or change them first"]
    form.pick("Confirm your organisation’s details", "These details are correct")
    form.save_and_continue("Check the organisation section")
    form.mark_completed("Organisation section completed")
    assert form.task_statuses()["Your organisation"] == "Completed"


def describe_the_project(window: AppPage, form: ApplicationPages) -> None:
    start, end = project_dates()
    form.open_section("About your project")
    form.answer("What is your project called?", "Cook up: young Londoners against hate")
    form.answer("Summarise your project", words(163))
    form.app.fill_date("When will your project start?", start)
    form.app.fill_date("When will your project end?", start - timedelta(days=7))  # before it starts
    form.answer("How much money are you asking for?", "£1,2x")
    form.save_and_continue("Project with mistakes")
    errors = window.errors()
    assert errors[0] == "Your answer must be 150 words or fewer (it has 163)"
    assert len(errors) == 3
    assert errors[1] == "The date your project will end must be after the date your project will start"
    assert window.field_error("How much money are you asking for?") == errors[2]
    assert form.value_of("How much money are you asking for?") == "£1,2x"
    assert form.value_of("Summarise your project") == words(163)

    form.answer("Summarise your project", words(140))
    form.app.fill_date("When will your project end?", end)
    form.answer("How much money are you asking for?", "£20,000")
    form.save_and_continue("Check the project section")
    assert form.answers_shown()["How much money are you asking for?"] == "£20,000"
    form.mark_completed("Project section completed")


def explain_the_need(window: AppPage, form: ApplicationPages) -> None:
    form.open_section("Need and evidence")
    form.answer("What problem will your project tackle?", words(120, "hate crime against young people rose"))
    form.save_and_continue("Need with an answer missing")
    assert window.errors() == [window.field_error("How do you know your project is needed?")]
    assert window.field("What problem will your project tackle?").input_value().startswith("hate crime")
    form.answer("How do you know your project is needed?", words(90, "our youth survey of 212 young people"))
    form.save_and_continue("Check the need section")
    form.mark_completed("Need section completed")


def plan_the_activities_by_keyboard(window: AppPage, form: ApplicationPages) -> None:
    """The whole section without the mouse: Tab to each question, type, Space to choose, Enter to save."""
    form.app.tab_to(text="Activities and outputs")
    form.enter("Activities and outputs (keyboard)")
    form.app.tab_to(element_id="activities_description")
    form.app.type_here("Weekly cooking sessions where young people from different estates plan, cook and share a meal.")
    form.app.tab_to(element_id="delivery_mode")  # the first radio of the group
    window.page.keyboard.press("Space")
    form.app.tab_to(element_id="milestones")
    form.app.type_here("Recruit in March, run sessions April to December, celebration meal in January.")
    window.page.keyboard.press("Tab")
    form.app.type_here("about forty")
    window.page.keyboard.press("Tab")
    form.app.type_here("6")
    form.app.tab_to(text="Save and continue")
    form.enter("Activities with a mistake (keyboard)")

    assert window.errors() == [window.field_error("How many sessions or events will you run?")]
    # From the error summary (which has focus) to the field by its link, then fix it and press Enter to save.
    form.app.tab_to(text=window.errors()[0])
    window.page.keyboard.press("Enter")
    assert form.app.focused()["id"] == "sessions_planned"
    form.app.type_here("40")
    form.enter("Check the activities section (keyboard)")
    shown = form.answers_shown()
    assert shown["How will you mostly run your activities?"] == "In person"
    assert shown["How many sessions or events will you run?"] == "40"

    form.app.tab_to(element_id="completed")
    window.page.keyboard.press("Space")
    form.app.tab_to(text="Continue")
    form.enter("Activities section completed (keyboard)")
    assert form.task_statuses()["Activities and outputs"] == "Completed"


def start_on_who_benefits_and_leave(window: AppPage, form: ApplicationPages) -> None:
    form.open_section("Who will benefit and where")
    form.pick("Which London boroughs will your project work in?", "Southwark", "Lambeth")
    form.answer("How many Londoners will take part in your project?", "120")
    form.save_for_later("Saved for later")
    assert "Your answers have been saved" in window.banner()


def look_at_the_answers_so_far(window: AppPage, form: ApplicationPages) -> None:
    """Before the rest: the saved answers are back on the section page, and check-answers says what is left."""
    form.open_section("Who will benefit and where")
    group = form.group("Which London boroughs will your project work in?")
    expect(group.get_by_label("Southwark", exact=True)).to_be_checked()
    expect(group.get_by_label("Lambeth", exact=True)).to_be_checked()
    assert form.value_of("How many Londoners will take part in your project?") == "120"
    window.follow("Back to your application", "Back to the task list")
    window.follow("See all your answers so far", "Answers so far")
    assert window.page.locator(".govuk-error-summary").count() == 0
    unfinished = window.page.locator(".app-unfinished-sections a").all_inner_texts()
    assert [" ".join(t.split()) for t in unfinished] == [
        "Who will benefit and where: 2 answers need attention",
        *(f"{s}: not started" for s in SECTIONS[5:]),
    ]
    expect(window.page.get_by_role("button", name="Submit application")).to_have_count(0)
    window.follow("Who will benefit and where: 2 answers need attention", "Back to who will benefit")


def finish_who_benefits(window: AppPage, form: ApplicationPages) -> None:
    form.untick_all("Which London boroughs will your project work in?")
    form.answer("Tell us more about the people you will work with", words(60, "young people aged 14 to 19"))
    form.save_and_continue("Who benefits with answers missing")
    assert window.errors() == [
        "Select the boroughs your project will work in",
        "Select who your project is mainly for",
    ]
    assert form.value_of("How many Londoners will take part in your project?") == "120"
    form.pick("Which London boroughs will your project work in?", "Southwark")
    form.pick("Who is your project mainly for?", "Young people aged 11 to 17", "Young adults aged 18 to 25")
    form.save_and_continue("Check who benefits")
    form.mark_completed("Who benefits completed")


def choose_the_themes(window: AppPage, form: ApplicationPages) -> None:
    form.open_section("Priority themes")
    form.pick("Which of this call's priority themes will your project work on?", "Promoting prosocial behaviours")
    form.answer("How will your project work on the themes you chose?", words(80, "sharing food builds trust"))
    form.save_and_continue("Check the themes")
    form.mark_completed("Themes completed")


def describe_the_outcomes(window: AppPage, form: ApplicationPages) -> None:
    form.open_section("Outcomes and how you will measure them")
    form.answer("What will change because of your project?", words(100, "young people will trust each other more"))
    form.answer("How will you measure these changes?", words(80, "a survey at the start and end"))
    form.answer("How many people do you expect to say the project made a positive difference to them?", "500")
    form.save_and_continue("Outcomes more than the people reached")
    assert window.errors() == [
        "The number of people you expect to report a positive difference cannot be more than the number of "
        "Londoners who will take part (120)"
    ]
    form.answer("How many people do you expect to say the project made a positive difference to them?", "90")
    form.save_and_continue("Check the outcomes")
    form.mark_completed("Outcomes completed")


def explain_safeguarding(window: AppPage, form: ApplicationPages, policy: Path) -> None:
    form.open_section("Safeguarding")
    form.pick("Does your organisation have a written safeguarding policy?", "Yes")
    form.upload("Upload your safeguarding policy", policy)
    form.answer("Who is your designated safeguarding lead?", "Tomasz Nowak")
    form.answer("What is your safeguarding lead's email address?", "tomasz@peckham-kitchen")
    form.pick("Will everyone who works directly with children or adults at risk have an up-to-date DBS check?", "Yes")
    form.save_and_continue("Safeguarding with a bad email")
    assert window.errors() == [window.field_error("What is your safeguarding lead's email address?")]
    window.expect_text(policy.name)  # the file was kept although the page had a mistake
    form.answer("What is your safeguarding lead's email address?", "tomasz@peckham-kitchen.example.org")
    form.save_and_continue("Check safeguarding")
    assert policy.name in form.answers_shown()["Upload your safeguarding policy"]
    form.mark_completed("Safeguarding completed")


def set_out_the_budget(window: AppPage, form: ApplicationPages) -> None:
    form.open_section("Budget and match funding")
    form.budget_line(1, category="Freelance or sessional workers", description="Two chefs, 40 sessions", amount="12000")
    form.budget_line(2, category="", description="Ingredients", amount="£4,500")
    form.save_and_continue("Budget with a line missing its category")
    assert window.errors() == ["Line 2: select a category"]
    assert window.page.get_by_label("Line 2: what the money is for", exact=True).input_value() == "Ingredients"
    form.budget_line(2, category="Food and refreshments", description="Ingredients", amount="£4,500")
    form.save_and_continue("Budget that does not add up")
    assert window.errors() == [
        "Your budget adds up to £16,500 but the amount you are asking for is £20,000: they must be the same"
    ]
    form.budget_line(3, category="Venue hire", description="Kitchen hire, 40 sessions", amount="3,500")
    form.save_and_continue("Check the budget")
    window.expect_text("£20,000")
    form.mark_completed("Budget completed")


def name_the_risks(window: AppPage, form: ApplicationPages) -> None:
    form.open_section("Risks")
    form.answer("What could stop your project going well, and what will you do about it?", words(301))
    form.save_and_continue("Risks over the word limit")
    assert window.errors() == ["Your answer must be 300 words or fewer (it has 301)"]
    form.answer("What could stop your project going well, and what will you do about it?", words(200))
    form.save_and_continue("Check the risks")
    form.mark_completed("Risks completed")


def sign_the_declarations(window: AppPage, form: ApplicationPages) -> None:
    form.open_section("Declarations and signatory")
    for legend in (
        "Is the information in this application true and complete, as far as you know?",
        "Has your organisation agreed that you can make this application for it?",
        "Can you confirm the project will not promote a political party",
        "Do you agree that we can use this information to assess your application",
    ):
        form.app.page.get_by_role("group", name=re.compile(re.escape(legend))).get_by_label("Yes", exact=True).check()
    form.answer("Full name of the person signing for your organisation", "Amina Yusuf")
    form.answer("Their position in the organisation", "Chair of trustees")
    form.answer("Their email address", NEW_APPLICANT)
    form.answer("Their telephone number", "020 7946")
    form.save_and_continue("Declarations with a short phone number")
    assert window.errors() == [window.field_error("Their telephone number")]
    form.answer("Their telephone number", "020 7946 0123")
    form.save_and_continue("Check the declarations")
    form.mark_completed("Declarations completed")


def check_and_submit(
    window: AppPage, form: ApplicationPages, open_browser: Callable[[], AppPage], application_path: str
) -> None:
    window.press("Check your answers and submit", "Check your answers before submitting")
    shown = form.answers_shown()
    assert shown["What is your project called?"] == "Cook up: young Londoners against hate"
    assert shown["Their telephone number"] == "020 7946 0123"

    # Meanwhile, in another tab, she reopens a section; submitting this page must say why it cannot be sent.
    other = open_browser()
    other.sign_in(NEW_APPLICANT, NEW_PASSWORD)
    other.goto(f"{application_path}/sections/risks/check", "Check the risks in another tab")
    other.choose("No, I’ll come back to it later", within="Have you completed this section?")
    other.press("Continue", "Risks reopened in another tab", exact=True)

    form.submit("Submit with a section reopened")
    assert window.errors() == ["Risks: not marked as completed"]
    window.page.get_by_role("link", name="Risks: not marked as completed").click()
    assert form.app.focused() == {"id": "section-risks", "tag": "h2", "text": "Risks"}
    window.follow("complete this section (Risks)", "Risks again")
    form.save_and_continue("Check the risks again")
    form.mark_completed("Risks completed again")
    window.press("Check your answers and submit", "Check your answers again")

    form.submit("Application submitted")
    reference = form.reference()
    assert re.fullmatch(r"SEF-6-\d{4}", reference)
    window.expect_text(f"We have sent a confirmation email to {NEW_APPLICANT}")
    [email] = [m for m in window.server.emails_to(NEW_APPLICANT) if reference in str(m["Subject"])]
    assert str(email["Subject"]) == f"Application {reference} received"
    assert reference in AccountPages.body(email)
    window.follow("Go to your applications", "Your applications after submitting")
    row = window.page.get_by_role("row").filter(has_text="Cook up: young Londoners against hate")
    expect(row).to_contain_text(reference)


# --- Journey 2: a forgotten password ------------------------------------------------------------------------------

FORGETFUL = "applicant.group@example.org"


def test_someone_who_forgot_their_password_resets_it_from_the_email(window: AppPage) -> None:
    person = window
    accounts = AccountPages(person)
    person.goto("/sign-in", "Sign in before the reset")
    person.follow("I have forgotten my password", "Reset your password")
    person.fill("Email address", "applicant.group@example")
    person.press("Send reset link", "Reset with a bad email")
    assert person.errors() == ["Enter an email address in the correct format, like name@example.com"]
    person.fill("Email address", FORGETFUL)
    person.press("Send reset link", "Check your email")
    person.expect_heading("Check your email").expect_text(FORGETFUL)

    email = accounts.latest_email(FORGETFUL, "Reset your password")
    assert "Dear Kelly Turner" in accounts.body(email)
    accounts.open_link_in_email(email, "Choose a new password")

    # By keyboard: Tab to the field, type a password that is too short, Enter; then the right one.
    form = ApplicationPages(person)
    form.app.tab_to(element_id="password")
    form.app.type_here("riverside")
    form.enter("New password too short")
    assert person.errors() == ["Password must be 12 characters or more"]
    assert person.field_error("New password") == "Password must be 12 characters or more"
    form.app.tab_to(text="Password must be 12 characters or more")
    person.page.keyboard.press("Enter")
    assert form.app.focused()["id"] == "password"
    form.app.type_here("riverside parents network 7")
    form.enter("Password changed")
    assert "Your password has been changed" in person.banner()

    # The link works once; the old password no longer works; the new one does.
    accounts.open_link_in_email(email, "The reset link again")
    person.expect_heading("Link expired")
    person.sign_out()  # the reset signed her in
    person.goto("/sign-in", "Sign in with the old password")
    person.fill("Email address", FORGETFUL).fill("Password", "demo-password-2026")
    person.press("Sign in", "Old password refused", exact=True)
    assert person.errors()[0] == "Enter a correct email address and password"
    person.sign_in(FORGETFUL, "riverside parents network 7")
    person.expect_text("Barking Riverside Parents Network")


# --- Journey 3: an invitation to join an organisation -------------------------------------------------------------

MEMBER = "applicant@example.org"
INVITEE = "joel.mensah@example.org"


def test_a_member_invites_someone_who_joins_from_the_email(open_browser: Callable[[], AppPage]) -> None:
    member = open_browser()
    member.sign_in(MEMBER)
    member.follow("Your account", "Your account")
    member.follow("Brixton Bridges Youth Trust", "Your organisation")
    member.press("Invite someone", "Invite someone to Brixton Bridges Youth Trust")
    member.expect_heading("Invite someone to Brixton Bridges Youth Trust")
    member.fill("Email address of the person to invite", MEMBER)
    member.press("Send invitation", "Invite someone already a member")
    assert member.errors() == ["This person is already a member of your organisation"]
    member.fill("Email address of the person to invite", "joel.mensah@example")
    member.press("Send invitation", "Invite with a bad email")
    assert member.errors() == ["Enter an email address in the correct format, like name@example.com"]
    assert member.field("Email address of the person to invite").input_value() == "joel.mensah@example"
    member.fill("Email address of the person to invite", INVITEE)
    member.press("Send invitation", "Invitation sent")
    assert f"We have emailed an invitation to {INVITEE}" in member.banner()
    member.expect_text("Invitations waiting to be accepted").expect_text(INVITEE)

    invitee = open_browser()
    accounts = AccountPages(invitee)
    email = accounts.latest_email(INVITEE, "")
    assert "Brixton Bridges Youth Trust" in accounts.body(email)
    accounts.open_link_in_email(email, "Join Brixton Bridges Youth Trust")
    invitee.expect_text("To accept, sign in or create an account")
    invitee.press("Create an account", "Create an account to join")
    accounts.fill_registration(full_name="Joel Mensah", email=INVITEE, password="short")
    accounts.create_account("Invitee account with a short password")
    assert invitee.errors() == ["Password must be 12 characters or more"]
    accounts.fill_registration(full_name="Joel Mensah", email=INVITEE, password="bridges not walls 2027")
    accounts.create_account("Back to the invitation")
    invitee.expect_heading("Join Brixton Bridges Youth Trust").expect_text(f"You are signed in as {INVITEE}")

    # By keyboard: Tab to the button and press Enter.
    form = ApplicationPages(invitee)
    form.app.tab_to(text="Join organisation")
    form.enter("Joined the organisation")
    assert "You are now a member of Brixton Bridges Youth Trust" in invitee.banner()
    assert ("Joel Mensah", INVITEE, "Member") in accounts.members()

    member.goto(urlsplit(member.page.url).path, "The organisation after the invitation was accepted")
    assert ("Joel Mensah", INVITEE, "Member") in AccountPages(member).members()
    expect(member.page.get_by_text("Invitations waiting to be accepted")).to_have_count(0)
