"""Monitoring, money and exports after a call is decided (SEF-5 in the demo).

1. A grantee (Croydon Digital Futures, SEF-5-0003, interim report overdue) fills in the report with mistakes ("1,2x",
   "-4", a blank) that are shown at their fields with what was typed kept, fixes them, does the spending section by
   keyboard alone, uploads a PDF as evidence, checks and submits. The fund manager asks for changes (forgetting the
   comments first), the grantee changes the report and submits it again, and the manager approves it: the second
   payment becomes due for finance.
2. Finance approves that payment and records it as paid (a missing then a bad payment reference and a date in the
   future first); the grantee sees it paid on their grant page.
3. Finance exports the SEF-5 register as CSV and as an Excel workbook, and the 360Giving data as JSON, each waited
   for on its page and downloaded.
4. The fund manager looks at the call's dashboard, the borough map and the portfolio, which show the payment and
   the report.
The tests share one server and run in this order: each starts where the one before left the demo.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from fundapp.core.clock import london_today
from tests.e2e.pages.base import AppPage
from tests.e2e.pages.finance import Exports, Payments
from tests.e2e.pages.reporting import Dashboards, GranteeReport, ReportReview
from tests.sample_files import pdf_bytes

GRANTEE = "hello@croydon-digital-futures.example.org"
MANAGER = "fund.manager@example.org"
FINANCE = "finance@example.org"
AWARD = "SEF-5-0003"
REPORT = "Interim report"
CALL = "Shared Endeavour Fund Call 5"
SEF5_AWARDS = {"SEF-5-0001", "SEF-5-0002", "SEF-5-0003", "SEF-5-0005", "SEF-5-0008"}
SPENDING = {
    "Staff salaries: Digital educator, part time": "£10,500",
    "Freelance or sessional workers: Youth content creators": "2750",
    "Materials and equipment: Laptops and software licences": "5,500.00",
    "Publicity and communications: Campaign materials": "0",
    "Monitoring and evaluation: Pre- and post-course survey analysis": "1200",
}
CHANGES = "Please say how many of the 312 Londoners reached were under 18, and what the survey found so far."


def _tiny_pdf(folder: Path) -> Path:
    """A small, well-formed one-page PDF (what a grantee's scanned register would be, in miniature)."""
    path = folder / "attendance-register-autumn.pdf"
    path.write_bytes(pdf_bytes("Attendance register, autumn"))
    return path


def _results_with_mistakes(grantee: AppPage, report: GranteeReport) -> None:
    report.open_section("Results")
    grantee.type_in("Londoners reached", "1,2x")
    grantee.type_in("Sessions delivered", "-4")
    grantee.fill("Participants reporting a change", "150")
    report.save_and_continue("Results with mistakes")
    assert grantee.errors() == [
        "Londoners reached must be a whole number, like 120",
        "Sessions delivered cannot be negative; enter 0 if there were none",
        "Enter the number of volunteers involved, or 0 if there were none",
    ]
    assert grantee.field_error("Londoners reached") == "Londoners reached must be a whole number, like 120"
    assert report.value("Londoners reached") == "1,2x"  # what was typed is kept
    assert report.value("Sessions delivered") == "-4"
    assert report.value("Participants reporting a change") == "150"

    grantee.type_in("Londoners reached", "312")
    grantee.type_in("Sessions delivered", "24")
    grantee.type_in("Volunteers involved", "6")
    report.save_and_continue("Results saved")
    grantee.expect_heading("What you delivered")


def _delivery(grantee: AppPage, report: GranteeReport, delivered: str) -> None:
    grantee.fill("What has your project delivered?", delivered)
    grantee.fill(
        "What changed from your plan, or went wrong?",
        "Two schools joined late, so the spring sessions start a month later than planned.",
    )
    report.save_and_continue("What you delivered saved")
    grantee.expect_heading("Spending")


def _spending_by_keyboard(grantee: AppPage) -> None:
    """The spending section with the keyboard alone: Tab from the top of the page into each box, then Enter on the
    'Save and continue' button."""
    keys = grantee.page.keyboard
    grantee.page.locator("#main-content").focus()
    for label, amount in SPENDING.items():
        grantee.tab_to(grantee.field(label, exact=True), most=30)
        keys.type(amount)
    keys.press("Tab")
    assert grantee.page.evaluate("document.activeElement.textContent.trim()") == "Save and continue"
    grantee.keyboard_submit("Enter", "Spending saved by keyboard")
    grantee.expect_heading("Where you worked")


def _places_and_evidence(grantee: AppPage, report: GranteeReport, evidence: Path) -> None:
    # The boroughs named in the application are ticked already: Croydon.
    expect(grantee.page.get_by_label("Croydon", exact=True)).to_be_checked()
    report.save_and_continue("Where you worked saved")
    grantee.expect_heading("Evidence")
    report.upload(evidence, "Evidence uploaded")
    assert grantee.banner() == f"Success {evidence.name} has been uploaded."
    expect(grantee.page.locator("main")).to_contain_text(evidence.name)
    grantee.press("Continue", "Report with every section done", exact=True)


def _submit(grantee: AppPage, step: str) -> None:
    grantee.press("Check and submit your report", "Check your report")
    grantee.expect_heading("Check your report before you submit it")
    grantee.press("Submit report", step, exact=True)
    assert grantee.banner().startswith("Success Report submitted.")


def test_a_grantee_reports_and_the_fund_manager_asks_for_changes_then_approves(
    open_browser: Callable[[], AppPage], tmp_path: Path
) -> None:
    grantee, manager = open_browser(), open_browser()
    grantee.sign_in(GRANTEE)
    report = GranteeReport(grantee).open(REPORT, AWARD)
    assert report.statuses() == ["Not started", "Overdue"]
    assert report.task_status("Results") == "Not started"

    _results_with_mistakes(grantee, report)
    _delivery(grantee, report, "Eighteen digital literacy workshops in six Croydon schools, and six for parents.")
    _spending_by_keyboard(grantee)
    _places_and_evidence(grantee, report, _tiny_pdf(tmp_path))
    for task in ("Results", "What you delivered", "Spending", "Where you worked", "Evidence"):
        assert report.task_status(task) == "Completed", task
    _submit(grantee, "Report submitted")
    assert report.statuses()[0] == "Submitted"

    # The fund manager reads it and sends it back, forgetting the comments at first.
    manager.sign_in(MANAGER)
    review = ReportReview(manager).open_call_reports("SEF-5", CALL)
    review.open_report("Review", REPORT, AWARD)
    assert review.status() == "Waiting for review"
    expect(manager.page.locator("main")).to_contain_text("attendance-register-autumn.pdf")
    review.request_changes("", "Changes asked for without comments")
    assert manager.errors() == ["Say what the grantee needs to change"]
    assert manager.field_error("What does the grantee need to change?") == "Say what the grantee needs to change"
    review.request_changes(CHANGES, "Changes requested")
    assert manager.banner().startswith("Success Changes requested. We have emailed Croydon Digital Futures CIC")
    assert any("change" in str(m["Subject"]).lower() for m in grantee.server.emails_to(GRANTEE))

    # The grantee sees the comments, changes what they delivered and submits again.
    report.open(REPORT, AWARD)
    assert report.statuses()[0] == "Changes requested"
    expect(grantee.page.locator(".govuk-notification-banner")).to_contain_text(CHANGES)
    report.open_section("What you delivered")
    _delivery(
        grantee,
        report,
        "Eighteen workshops in six Croydon schools: 201 of the 312 Londoners were under 18. "
        "The first survey: 7 in 10 now check where a post comes from before sharing it.",
    )
    grantee.follow("Back to your report", "Report after the changes")
    _submit(grantee, "Report submitted again")

    # The manager approves the second submission: the second payment becomes due for finance.
    review.open_call_reports("SEF-5", CALL).open_report("Review", REPORT, AWARD)
    expect(manager.page.locator("#releases")).to_contain_text("second payment (£15,400.00)")
    review.approve("Thank you: a clear report.", "Report approved")
    assert manager.banner() == (
        "Success Interim report approved. The second payment of £15,400.00 is now due for finance."
    )
    assert [row[2] for row in review.history()] == ["Approved", "Changes requested"]
    report.open(REPORT, AWARD)
    assert report.statuses()[0] == "Approved"


def test_finance_approves_the_payment_and_records_it_as_paid(open_browser: Callable[[], AppPage]) -> None:
    finance, grantee = open_browser(), open_browser()
    finance.sign_in(FINANCE)
    payments = Payments(finance).open_from_home()
    assert payments.summary()["To approve"] == "1 payment, £15,400"
    expect(payments.row("To approve", AWARD)).to_contain_text("Second payment (40%)")
    payments.approve("Second payment", AWARD, "Payment approved")
    assert finance.banner() == f"Success Second payment of {AWARD} has been approved. It is now waiting to be paid."
    expect(payments.row("To pay", AWARD)).to_contain_text("Approved by Grace Adeyemi")

    payments.start_recording("Second payment", AWARD)
    tomorrow = london_today() + timedelta(days=1)
    payments.record_paid("", tomorrow, "Paid without a reference, tomorrow")
    assert finance.errors() == ["Enter the payment reference", "The date paid must be today or in the past"]
    assert finance.field_error("Payment reference") == "Enter the payment reference"
    assert finance.date_typed("Date paid") == f"{tomorrow.day} {tomorrow.month} {tomorrow.year}"
    expect(finance.page.get_by_label("Paid: the money has left our account")).to_be_checked()

    payments.record_paid("BACS#2026:0003", london_today(), "Paid with a bad reference")
    assert finance.errors() == [
        "The payment reference must only include letters, numbers, spaces, hyphens, full stops, slashes and ampersands"
    ]
    assert finance.field("Payment reference").input_value() == "BACS#2026:0003"

    paid_on = london_today()
    payments.record_paid("BACS-2026-0003-2", paid_on, "Payment recorded as paid")
    assert finance.banner() == f"Success Second payment of {AWARD} has been recorded as paid."
    paid = payments.row("Paid in the last 30 days", AWARD)
    expect(paid).to_contain_text("BACS-2026-0003-2")
    expect(paid).to_contain_text("by Grace Adeyemi")
    assert payments.summary()["To pay"] == "0 payments, £0"

    # The grantee sees the payment on their grant page.
    grantee.sign_in(GRANTEE)
    grantee.follow("See your applications", "Your applications")
    grantee.follow("See the outcome", "Outcome of SEF-5-0003")
    grantee.press("See your offer", "Your grant: SEF-5-0003")
    schedule = grantee.page.get_by_role("table", name="Payment schedule")
    second = schedule.locator("tr", has=grantee.page.get_by_text("Second payment", exact=True))
    expect(second).to_contain_text(f"Paid on {paid_on.day} {paid_on:%B %Y}")


def test_finance_exports_the_register_and_the_360giving_data(window: AppPage, tmp_path: Path) -> None:
    window.sign_in(FINANCE)
    exports = Exports(window).open_from_home()

    # A date range without its dates first.
    exports.ask("Awards made between two dates", "CSV (opens in Excel)", "Date range without dates")
    assert window.errors() == ["Enter the first day", "Enter the last day"]
    expect(window.page.get_by_label("Awards made between two dates", exact=True)).to_be_checked()

    exports.ask(f"{CALL} (SEF-5)", "CSV (opens in Excel)", "SEF-5 as CSV")
    window.expect_heading("Award register as CSV (opens in Excel)")
    assert exports.wait_until_finished() == "Ready to download"
    csv_file = exports.download(tmp_path)
    assert csv_file.name.endswith(".csv") and "SEF-5" in csv_file.name
    assert csv_file.body.startswith(b"\xef\xbb\xbfGrant reference,")  # Excel reads the BOM as UTF-8
    rows = list(csv.DictReader(io.StringIO(csv_file.body.decode("utf-8-sig"))))
    assert {row["Grant reference"] for row in rows} == SEF5_AWARDS
    croydon = next(row for row in rows if row["Grant reference"] == AWARD)
    assert "BACS-2026-0003-2" in " ".join(croydon.values())  # the payment recorded in the journey before

    exports.open_from_home()
    exports.ask(f"{CALL} (SEF-5)", "Excel workbook (XLSX)", "SEF-5 as XLSX")
    assert exports.wait_until_finished() == "Ready to download"
    xlsx_file = exports.download(tmp_path)
    assert xlsx_file.name.endswith(".xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx_file.body)).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "Grant reference"
    references = {row[0] for row in sheet[1:] if row[0]}
    assert references == SEF5_AWARDS

    exports.open_from_home()
    exports.ask(f"{CALL} (SEF-5)", "360Giving data package (JSON)", "SEF-5 as 360Giving JSON")
    assert exports.wait_until_finished() == "Ready to download"
    package = json.loads(exports.download(tmp_path).body)
    ids = [grant["id"] for grant in package["grants"]]
    assert ids and all(grant_id.startswith("360G-") for grant_id in ids)
    assert any(grant_id.endswith(AWARD) for grant_id in ids)

    # The three exports are listed on the exports page, newest first.
    exports.open_from_home()
    recent = window.page.get_by_role("table", name="Your 3 most recent exports, newest first")
    expect(recent.locator("tbody tr")).to_have_count(3)


def test_the_fund_manager_sees_the_money_and_the_results(window: AppPage) -> None:
    window.sign_in(MANAGER)
    window.goto("/", "Home")
    window.follow(CALL, "Call SEF-5", exact=True)
    window.follow("Dashboard: money", f"Dashboard: {CALL}")
    window.expect_heading(f"Dashboard: {CALL}")
    board = Dashboards(window)
    glance = " ".join(window.page.locator("main").inner_text().split())
    assert "Paid £136,650" in glance  # £121,250 in the demo and the £15,400 paid in the journey before
    assert "Payments due 0 payments, £0" in glance
    assert board.charts() > 5

    window.follow("Where the money goes across London", f"Where the money goes: {CALL}")
    window.expect_heading("Where the money goes across London")
    croydon = board.row(window.page.get_by_role("table", name="Money by borough"), "Croydon")
    assert croydon[1:] == ["1", "£38,500", "£34,650", "312"]  # paid, and the Londoners from the approved report
    window.goto("/", "Home again")
    window.follow(CALL, "Call SEF-5 again", exact=True)

    window.follow("Portfolio: results against targets", f"Portfolio: {CALL}")
    window.expect_heading("Portfolio")
    assert " ".join(window.page.locator("main").inner_text().split()).count("With an approved report 2") == 1
    londoners = board.row(window.page.get_by_role("table", name="Results against targets"), "Londoners reached")
    assert londoners[2:] == ["1,732", "36%", "2 of 4"]  # 1,420 from Enfield and 312 from Croydon
