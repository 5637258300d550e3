"""The dashboards through the pages: a call's and a fund's money, payments and reports due, applications by status,
tier, theme and borough, scores and assessment progress, each chart with its table of the same numbers; where the
money goes across London (split equally across an award's boroughs); a fixed number of statements however many
applications; and who may see each page."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.applications.models import Application
from fundapp.applications.states import ApplicationStatus
from fundapp.awards import services as award_services
from fundapp.awards.models import Award
from fundapp.core.clock import to_london, utcnow
from fundapp.extensions import db
from fundapp.programmes.states import QuestionType
from fundapp.reporting import services as report_services
from fundapp.reporting.models import Report
from fundapp.reporting.states import ReportStatus
from tests.factories import (
    AnswerFactory,
    ApplicationFactory,
    AssessmentFactory,
    MembershipFactory,
    QuestionFactory,
    QuestionSetFactory,
    RoundFactory,
    SectionFactory,
    ThemeFactory,
    UserFactory,
    complete_due_diligence,
    fill_report,
    give_budget_and_targets,
    staff_user,
)
from tests.helpers import IsolatedClient, sign_in_as
from tests.integration.applications.test_query_counts import count_statements
from tests.integration.awards.conftest import DecisionSetup
from tests.integration.awards.decisions_setup import scored_decision_round
from tests.integration.awards.offers import Offer, accept, issue_test_letter

HACKNEY, TOWER_HAMLETS, CAMDEN = "E09000012", "E09000030", "E09000007"


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def _table(response: Any, table_id: str) -> dict[str, list[str]]:
    """The table's body rows as {row header: [cells]} (tags stripped)."""
    page = response.get_data(as_text=True)
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    assert match, f"no table {table_id}"
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(0), re.S):
        cells = [
            html.unescape(" ".join(re.sub(r"<[^>]+>", " ", c).split()))
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


@dataclass
class Call:
    setup: DecisionSetup
    awards: list[Award]

    @property
    def round_id(self) -> int:
        return self.setup.round.id


def _form_with_themes_and_boroughs(setup: DecisionSetup) -> tuple[str, str]:
    round_ = setup.round
    young, older = ThemeFactory(round=round_, name="Young people"), ThemeFactory(round=round_, name="Older people")
    section = SectionFactory(question_set=QuestionSetFactory(round=round_), key="project")
    QuestionFactory(section=section, key="themes", type=QuestionType.THEMES)
    QuestionFactory(section=section, key="boroughs", type=QuestionType.BOROUGHS)
    return str(young.id), str(older.id)


def _answer(application: Application, themes: list[str], boroughs: list[str]) -> None:
    AnswerFactory(application=application, question_key="themes", raw=themes, value=themes)
    AnswerFactory(application=application, question_key="boroughs", raw=boroughs, value=boroughs)


def _accept(award: Award, setup: DecisionSetup, owner: User) -> None:
    complete_due_diligence(award, by=setup.finance)
    issue_test_letter(award, by=setup.manager)
    accept(Offer(setup=setup, award=award, owner=owner))


def make_call() -> Call:
    """Three moderated applications of £20,000 scoring 100%, 80% and 60% (minimum fundable 50%, budget £50,000):
    the first works in Hackney and Tower Hamlets (young people), the second in Hackney (both themes), the third
    names neither. The first two are approved and the third rejected; both awards are accepted, the first's first
    payment is paid and the second's waits for approval. A draft and a withdrawn application too."""
    setup = scored_decision_round(scores=[5, 4, 3], budget_pence=5_000_000)
    young, older = _form_with_themes_and_boroughs(setup)
    first, second, third = setup.applications
    _answer(first, [young], [HACKNEY, TOWER_HAMLETS])
    _answer(second, [young, older], [HACKNEY])
    ApplicationFactory(round=setup.round, status=ApplicationStatus.DRAFT)
    ApplicationFactory(round=setup.round, withdrawn=True)
    now = utcnow()
    awards = [
        award_services.approve_application(
            actor=setup.manager, application=app, amount_pence=2_000_000, conditions="", reason="", now=now
        )
        for app in (first, second)
    ]
    award_services.reject_application(actor=setup.manager, application=third, feedback="Sorry", reason="", now=now)
    award_services.publish_outcomes(actor=setup.manager, round_=setup.round, now=now)
    for award, owner in zip(awards, setup.applicants, strict=False):
        give_budget_and_targets(award.application)
        _accept(award, setup, owner)
    paid = awards[0].payments[0]
    award_services.approve_payment(actor=setup.finance, payment=paid, now=now)
    award_services.record_payment_paid(
        actor=setup.finance, payment=paid, reference="BACS-1", paid_on=to_london(now).date(), now=now
    )
    db.session.flush()
    db.session.expire_all()
    return Call(setup=setup, awards=[db.session.get(Award, a.id) for a in awards])


@pytest.fixture()
def call(db_session: Any) -> Call:
    return make_call()


def test_the_call_dashboard_shows_the_money_at_a_glance_and_in_its_table(client: IsolatedClient, call: Call) -> None:
    first_payment = call.awards[0].payments[0].amount_pence
    second_due = call.awards[1].payments[0].amount_pence
    sign_in_as(client, call.setup.finance)
    response = client.get(f"/staff/calls/{call.round_id}/dashboard")
    assert response.status_code == 200
    text = _text(response)
    assert "Budget £50,000" in text
    assert "Committed £40,000 (£10,000 not yet committed)" in text
    assert f"Paid £{first_payment // 100:,}" in text
    assert f"Payments due 1 payment, £{second_due // 100:,}" in text
    money = _table(response, "money-table")
    name = call.setup.round.name
    assert money[name] == [
        "£50,000",
        "£40,000",
        f"£{first_payment // 100:,}",
        f"£{(4_000_000 - first_payment) // 100:,}",
        "£10,000",
    ]
    assert 'role="img"' in response.get_data(as_text=True)
    assert 'aria-labelledby="chart-money-title chart-money-desc"' in response.get_data(as_text=True)
    assert "Payments to approve and record" in text  # finance find their payments page from here


def test_the_call_dashboard_counts_applications_by_status_tier_theme_and_borough(
    client: IsolatedClient, call: Call
) -> None:
    sign_in_as(client, call.setup.manager)
    response = client.get(f"/staff/calls/{call.round_id}/dashboard")
    assert "3 applications submitted" in _text(response)
    assert _table(response, "chart-statuses-table") == {
        "Status": ["Applications"],
        "Approved": ["2"],
        "Draft": ["1"],
        "Rejected": ["1"],
        "Withdrawn": ["1"],
    }
    assert _table(response, "chart-tiers-table") == {"Tier": ["Applications"], "Tier 1": ["3"]}
    assert _table(response, "chart-themes-table") == {
        "Theme": ["Applications"],
        "Young people": ["2"],
        "No theme chosen": ["1"],
        "Older people": ["1"],
    }
    assert _table(response, "chart-boroughs-table") == {
        "Borough": ["Applications"],
        "Hackney": ["2"],
        "No borough given": ["1"],
        "Tower Hamlets": ["1"],
    }


def test_the_call_dashboard_shows_scores_in_bands_with_the_funding_line(client: IsolatedClient, call: Call) -> None:
    sign_in_as(client, call.setup.manager)
    response = client.get(f"/staff/calls/{call.round_id}/dashboard")
    bands = _table(response, "chart-scores-table")
    assert bands["90% to 100%"] == ["1"]
    assert bands["80% to 89%"] == ["1"]
    assert bands["60% to 69%"] == ["1"]
    assert bands["0% to 9%"] == ["0"]
    text = _text(response)
    assert "3 applications have a score" in text
    assert "2 applications are above the funding line; the lowest score above it is 80.0%." in text
    assert "Minimum fundable score: 50%" in response.get_data(as_text=True)  # the line across the chart


def test_the_call_dashboard_shows_assessment_progress_and_overdue_scorecards(
    client: IsolatedClient, call: Call
) -> None:
    round_ = call.setup.round
    round_.assessment_deadline = utcnow() - timedelta(days=1)
    AssessmentFactory(application=ApplicationFactory(round=round_, eligible=True), in_progress=True)
    db.session.flush()
    sign_in_as(client, call.setup.manager)
    response = client.get(f"/staff/calls/{call.round_id}/dashboard")
    assert _table(response, "chart-assessments-table") == {
        "Progress": ["Scorecards"],
        "Not started": ["0"],
        "In progress": ["1"],
        "Submitted": ["3"],
    }
    assert "1 scorecard is not submitted and past the assessment deadline." in _text(response)


def test_the_call_dashboard_counts_reports_overdue_due_soon_and_waiting(client: IsolatedClient, call: Call) -> None:
    today = to_london(utcnow()).date()
    first, second = (
        db.session.query(Report).filter(Report.award_id == award.id, Report.position == 1).one()
        for award in call.awards
    )
    first.due_on = today - timedelta(days=3)
    second.due_on = today + timedelta(days=10)
    fill_report(second).status = ReportStatus.DRAFT  # as the grantee left it, every section saved
    report_services.submit_report(actor=call.setup.applicants[1], report=second, version=second.version, now=utcnow())
    db.session.flush()
    assert second.status == ReportStatus.SUBMITTED
    sign_in_as(client, call.setup.manager)
    text = _text(client.get(f"/staff/calls/{call.round_id}/dashboard"))
    assert "Reports overdue 1 report" in text
    assert "Overdue 1 report Due in the next 30 days 0 reports Waiting for review 1 report" in text


def test_the_fund_dashboard_adds_up_every_call_and_links_to_each(client: IsolatedClient, call: Call) -> None:
    other = RoundFactory(fund=call.setup.round.fund, budget_pence=3_000_000, name="Second call")
    sign_in_as(client, call.setup.finance)
    response = client.get(f"/staff/funds/{call.setup.round.fund_id}/dashboard")
    assert response.status_code == 200
    money = _table(response, "money-table")
    assert money["Second call"][:3] == ["£30,000", "£0", "£0"]
    assert money["Total"][:2] == ["£80,000", "£40,000"]
    assert f'href="/staff/calls/{other.id}/dashboard"' in response.get_data(as_text=True)
    assert "funding line" not in _text(response)  # each call has its own line: the fund view does not draw one


def test_where_the_money_goes_splits_an_award_equally_across_its_boroughs(client: IsolatedClient, call: Call) -> None:
    first_payment = call.awards[0].payments[0].amount_pence
    sign_in_as(client, call.setup.manager)
    response = client.get(f"/staff/calls/{call.round_id}/boroughs")
    assert response.status_code == 200
    table = _table(response, "borough-table")
    # The first award (£20,000, paid its first tranche) names Hackney and Tower Hamlets; the second (£20,000)
    # Hackney only.
    assert table["Hackney"] == ["2", "£30,000", f"£{first_payment // 200:,}", "None reported"]
    assert table["Tower Hamlets"] == ["1", "£10,000", f"£{first_payment // 200:,}", "None reported"]
    assert table["Camden"] == ["0", "£0", "£0", "None reported"]
    assert table["Total (2 awards)"] == ["2", "£40,000", f"£{first_payment // 100:,}", "0"]
    assert len([name for name in table if name not in ("Borough", "Total (2 awards)")]) == 33
    text = _text(response)
    assert "1 award names more than one borough: its money" in text
    page = response.get_data(as_text=True)
    assert 'data-borough="E09000012" data-step="5"' in page  # Hackney has the most money: the darkest step
    assert 'data-borough="E09000007" data-step="0"' in page  # Camden has none


def test_londoners_reached_come_from_the_latest_approved_report(client: IsolatedClient, call: Call) -> None:
    report = db.session.query(Report).filter(Report.award_id == call.awards[1].id, Report.position == 1).one()
    fill_report(report).status = ReportStatus.DRAFT
    report_services.submit_report(actor=call.setup.applicants[1], report=report, version=report.version, now=utcnow())
    report_services.approve_report(actor=call.setup.manager, report=report, comments="", now=utcnow())
    reached = report.values["metrics"]["londoners_reached"]
    sign_in_as(client, call.setup.manager)
    table = _table(client.get(f"/staff/calls/{call.round_id}/boroughs"), "borough-table")
    assert table["Hackney"][3] == f"{reached:,}"
    assert table["Tower Hamlets"][3] == "None reported"


def test_an_empty_call_shows_its_dashboard_and_map_without_numbers(client: IsolatedClient, db_session: Any) -> None:
    round_ = RoundFactory()
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=round_.fund_id)
    sign_in_as(client, manager)
    response = client.get(f"/staff/calls/{round_.id}/dashboard")
    assert response.status_code == 200
    text = _text(response)
    assert "There are no applications yet." in text
    assert "No application has a score yet." in text
    boroughs = client.get(f"/staff/calls/{round_.id}/boroughs")
    assert boroughs.status_code == 200
    assert "No money has been committed yet." in _text(boroughs)


# --- statements ----------------------------------------------------------------------------------------------


def _statements(client: IsolatedClient, url: str) -> int:
    client.get(url)
    with count_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize("page", ["dashboard", "boroughs"])
def test_the_dashboards_run_the_same_statements_for_3_and_12_applications(
    client: IsolatedClient, db_session: Any, page: str
) -> None:
    few = scored_decision_round(scores=[5, 4, 3], budget_pence=10_000_000)
    many = scored_decision_round(scores=[5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4], budget_pence=50_000_000)
    for setup in (few, many):
        _form_with_themes_and_boroughs(setup)
        for application in setup.applications:
            _answer(application, [], [HACKNEY])
            award_services.approve_application(
                actor=setup.manager,
                application=application,
                amount_pence=2_000_000,
                conditions="",
                reason="",
                now=utcnow(),
            )
    db.session.flush()
    sign_in_as(client, few.manager)
    few_count = _statements(client, f"/staff/calls/{few.round.id}/{page}")
    sign_in_as(client, many.manager)
    many_count = _statements(client, f"/staff/calls/{many.round.id}/{page}")
    print(f"call {page} statements (3, 12 applications):", few_count, many_count)
    assert few_count == many_count
    RoundFactory(fund=many.round.fund)  # a second call in the fund: still the same statements
    sign_in_as(client, staff_user(StaffRole.ADMIN))
    fund_few = _statements(client, f"/staff/funds/{few.round.fund_id}/{page}")
    fund_many = _statements(client, f"/staff/funds/{many.round.fund_id}/{page}")
    print(f"fund {page} statements (1 call of 3, 2 calls and 12 applications):", fund_few, fund_many)
    assert fund_few == fund_many


# --- who may see them ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/staff/calls/{round_id}/dashboard",
        "/staff/calls/{round_id}/boroughs",
        "/staff/funds/{fund_id}/dashboard",
        "/staff/funds/{fund_id}/boroughs",
    ],
)
def test_who_may_see_the_dashboards(client: IsolatedClient, db_session: Any, path: str) -> None:
    round_ = RoundFactory()
    url = path.format(round_id=round_.id, fund_id=round_.fund_id)
    allowed = [
        staff_user(StaffRole.FUND_MANAGER, fund_id=round_.fund_id),
        staff_user(StaffRole.FINANCE_OFFICER, fund_id=round_.fund_id),
        staff_user(StaffRole.ADMIN),
    ]
    refused = [
        staff_user(StaffRole.FUND_MANAGER, fund_id=RoundFactory().fund_id),  # another fund's
        staff_user(StaffRole.ASSESSOR, round_id=round_.id),
    ]
    for user in allowed:
        sign_in_as(client, user)
        assert client.get(url).status_code == 200, (user, url)
    for user in refused:
        sign_in_as(client, user)
        assert client.get(url).status_code == 403, (user, url)
    applicant = MembershipFactory().user
    sign_in_as(client, applicant)
    assert client.get(url).status_code == 404
    sign_in_as(client, UserFactory())
    assert client.get(url).status_code == 404
    client.get("/sign-out")


def test_a_call_only_role_sees_the_call_dashboard_but_not_the_fund_one(client: IsolatedClient, db_session: Any) -> None:
    round_ = RoundFactory()
    manager = staff_user(StaffRole.FUND_MANAGER, round_id=round_.id)
    sign_in_as(client, manager)
    assert client.get(f"/staff/calls/{round_.id}/dashboard").status_code == 200
    assert client.get(f"/staff/funds/{round_.fund_id}/dashboard").status_code == 403
    assert client.get(f"/staff/funds/{round_.fund_id}/boroughs").status_code == 403


def test_a_missing_call_or_fund_is_not_found(client: IsolatedClient, db_session: Any) -> None:
    sign_in_as(client, staff_user(StaffRole.ADMIN))
    assert client.get("/staff/calls/999999/dashboard").status_code == 404
    assert client.get("/staff/funds/999999/boroughs").status_code == 404


# --- the links staff follow -----------------------------------------------------------------------------------


def test_the_call_page_links_to_its_dashboards_reports_and_exports_and_managers_to_its_settings(
    client: IsolatedClient, db_session: Any
) -> None:
    round_ = RoundFactory()
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=round_.fund_id)
    finance = staff_user(StaffRole.FINANCE_OFFICER, fund_id=round_.fund_id)
    links = [
        f"/staff/calls/{round_.id}/dashboard",
        f"/staff/calls/{round_.id}/boroughs",
        f"/staff/calls/{round_.id}/reports",
        f"/staff/calls/{round_.id}/portfolio",
        "/staff/exports",
    ]
    sign_in_as(client, manager)
    page = client.get(f"/staff/calls/{round_.id}").get_data(as_text=True)
    for link in [*links, f"/staff/calls/{round_.id}/monitoring"]:
        assert f'href="{link}"' in page, link
    sign_in_as(client, finance)
    page = client.get(f"/staff/calls/{round_.id}").get_data(as_text=True)
    for link in links:
        assert f'href="{link}"' in page, link
    assert f'href="/staff/calls/{round_.id}/monitoring"' not in page


def test_the_home_page_links_fund_wide_staff_to_each_funds_dashboards_and_everyone_to_exports(
    client: IsolatedClient, db_session: Any
) -> None:
    round_ = RoundFactory()
    fund_finance = staff_user(StaffRole.FINANCE_OFFICER, fund_id=round_.fund_id)
    call_manager = staff_user(StaffRole.FUND_MANAGER, round_id=round_.id)
    fund_links = [f"/staff/funds/{round_.fund_id}/{page}" for page in ("dashboard", "boroughs", "portfolio")]
    sign_in_as(client, fund_finance)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/staff/exports"' in page
    for link in fund_links:
        assert f'href="{link}"' in page, link
    sign_in_as(client, call_manager)  # a role on one call only: that call's pages, not the fund's
    page = client.get("/").get_data(as_text=True)
    assert 'href="/staff/exports"' in page
    assert not any(f'href="{link}"' in page for link in fund_links)
