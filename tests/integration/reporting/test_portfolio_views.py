"""The portfolio through the pages: a call's and a fund's reported results against targets, in total, by theme, by
borough and call by call, from each grant's most recent approved report; and who may see them."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from fundapp.accounts.states import StaffRole
from fundapp.applications.models import Application
from fundapp.core.clock import utcnow
from fundapp.programmes.models import Round, Theme
from fundapp.programmes.states import QuestionType
from fundapp.reporting import queries, services
from fundapp.reporting.states import ReportStatus
from tests.factories import (
    AnswerFactory,
    AwardFactory,
    MembershipFactory,
    QuestionFactory,
    ReportFactory,
    RoundFactory,
    SectionFactory,
    ThemeFactory,
    UserFactory,
    give_budget_and_targets,
    staff_user,
)
from tests.helpers import IsolatedClient, page_title, sign_in_as
from tests.integration.applications.test_query_counts import count_statements
from tests.integration.awards.offers import Offer
from tests.integration.reporting.conftest import accepted_offer
from tests.integration.reporting.test_review_views import submit


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def _table(response: Any, table_id: str) -> str:
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', response.get_data(as_text=True), re.S)
    assert match is not None, f"no table {table_id}"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()))


def _choose_themes(application: Application, *themes: Theme) -> None:
    """The application chose these themes (the call's form gets a themes question if it has none)."""
    round_ = application.round
    question_set = round_.question_set
    if not any(q.type == QuestionType.THEMES for s in question_set.sections for q in s.questions):
        QuestionFactory(section=SectionFactory(question_set=question_set), key="themes", type=QuestionType.THEMES)
    AnswerFactory(application=application, question_key="themes", raw=[], value=[str(t.id) for t in themes])


def _another_grant(round_: Round, *, targets: dict[str, int], reported: dict[str, int] | None, **values: Any) -> Any:
    """Another accepted grant of the call, with these targets and (unless None) an approved report saying this."""
    award = AwardFactory(accepted=True, application__round=round_)
    give_budget_and_targets(award.application, targets=targets)
    if reported is not None:
        ReportFactory(
            award=award,
            status=ReportStatus.APPROVED,
            values={"metrics": reported, **values},
            approved_at=utcnow(),
        )
    return award


@pytest.fixture()
def offer(db_session: Any) -> Offer:
    """A call with two themes and two accepted grants: the first (targets 400, 24, 6, 250) has its interim report
    approved (10, 20, 30 and 40 in Barking and Dagenham and Tower Hamlets); the second (targets 100, 6, 2, 50) has
    reported nothing yet."""
    offer = accepted_offer()
    round_ = offer.award.round
    prevention = ThemeFactory(round=round_, name="Prevention", position=1)
    awareness = ThemeFactory(round=round_, name="Awareness raising", position=0)
    _choose_themes(offer.award.application, prevention, awareness)
    interim = submit(offer, queries.list_award_reports(offer.award.id)[0])
    services.approve_report(actor=offer.manager, report=interim, comments="", now=utcnow())
    second = _another_grant(
        round_,
        targets={
            "londoners_reached": 100,
            "sessions_planned": 6,
            "volunteers_involved": 2,
            "participants_reporting_change": 50,
        },
        reported=None,
    )
    _choose_themes(second.application, prevention)
    return offer


def test_the_calls_portfolio_adds_up_targets_and_the_latest_approved_numbers(
    client: IsolatedClient, offer: Offer
) -> None:
    sign_in_as(client, offer.manager)
    response = client.get(f"/staff/calls/{offer.award.round_id}/portfolio")
    assert response.status_code == 200
    assert page_title(response).startswith(f"Portfolio: {offer.award.round.name}")
    text = _text(response)
    assert "Accepted grants 2" in text and "With an approved report 1" in text
    assert "most recent approved report" in text and "each theme its application chose" in text
    totals = _table(response, "totals")
    assert "Londoners reached 500 10 2% 1 of 2" in totals
    assert "Sessions delivered 30 20 67% 1 of 2" in totals
    assert "Volunteers involved 8 30 375% 1 of 2" in totals
    assert "Participants reporting a change 300 40 13% 1 of 2" in totals


def test_the_calls_portfolio_by_theme_counts_a_grant_under_each_theme_it_chose(
    client: IsolatedClient, offer: Offer
) -> None:
    sign_in_as(client, offer.manager)
    themes = _table(client.get(f"/staff/calls/{offer.award.round_id}/portfolio"), "themes")
    # The call's order: Awareness raising (position 0) first.
    assert themes.index("Awareness raising") < themes.index("Prevention")
    assert "Awareness raising 1 of 1 10 of 400 3% 20 of 24 83%" in themes
    assert "Prevention 1 of 2 10 of 500 2% 20 of 30 67%" in themes


def test_the_calls_portfolio_by_borough_uses_the_boroughs_the_report_reached(
    client: IsolatedClient, offer: Offer
) -> None:
    _another_grant(
        offer.award.round,
        targets={"londoners_reached": 50},
        reported={"londoners_reached": 70},
        boroughs=["E09000030"],
    )
    sign_in_as(client, offer.manager)
    boroughs = _table(client.get(f"/staff/calls/{offer.award.round_id}/portfolio"), "boroughs")
    assert boroughs.index("Barking and Dagenham") < boroughs.index("Tower Hamlets")
    assert "Barking and Dagenham 1 of 1 10 of 400 3%" in boroughs
    assert "Tower Hamlets 2 of 2 80 of 450 18%" in boroughs
    assert "City of London" not in boroughs


def test_a_call_without_accepted_grants_says_there_is_nothing_to_report(client: IsolatedClient) -> None:
    round_ = RoundFactory()
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, fund_id=round_.fund_id))
    response = client.get(f"/staff/calls/{round_.id}/portfolio")
    assert response.status_code == 200
    assert "No grant in this call has been accepted yet" in _text(response)


def test_the_funds_portfolio_has_a_table_per_metric_with_a_row_per_call_and_a_total(
    client: IsolatedClient, offer: Offer
) -> None:
    first = offer.award.round
    later = RoundFactory(
        fund=first.fund, name="Later call", opens_at=first.opens_at.replace(year=first.opens_at.year + 1)
    )
    _another_grant(later, targets={"londoners_reached": 1000}, reported={"londoners_reached": 990})
    renamed = RoundFactory(
        fund=first.fund,
        name="Renamed call",
        opens_at=first.opens_at.replace(year=first.opens_at.year + 2),
        report_metrics=[{"key": "londoners_reached", "label": "Young Londoners reached", "target_question": ""}],
    )
    _another_grant(renamed, targets={}, reported={"londoners_reached": 5})
    sign_in_as(client, offer.finance)
    response = client.get(f"/staff/funds/{first.fund_id}/portfolio")
    assert response.status_code == 200
    assert page_title(response).startswith(f"Portfolio: {first.fund.name}")
    text = _text(response)
    assert "Accepted grants 4" in text and "With an approved report 3" in text
    reached = _table(response, "metric-1")
    assert reached.startswith("Londoners reached by call")
    assert f"{first.name} 500 10 2% 1 of 2" in reached and "Later call 1,000 990 99% 1 of 1" in reached
    assert "Renamed call" not in reached
    assert "All calls 1,500 1,000 67% 2 of 3" in reached
    # The renamed metric is another metric: its own table, without a target.
    renamed_table = _table(response, "metric-5")
    assert renamed_table.startswith("Young Londoners reached by call")
    assert "Renamed call 0 5 No target 1 of 1" in renamed_table


def test_the_portfolio_reads_a_fixed_number_of_statements_however_many_grants(
    client: IsolatedClient, offer: Offer
) -> None:
    sign_in_as(client, offer.manager)
    url = f"/staff/calls/{offer.award.round_id}/portfolio"
    client.get(url)
    with count_statements() as few:
        client.get(url)
    for _ in range(3):
        _another_grant(offer.award.round, targets={"londoners_reached": 5}, reported={"londoners_reached": 5})
    with count_statements() as more:
        client.get(url)
    assert len(more) == len(few)


# --- who may see it ------------------------------------------------------------------------------------------


def test_finance_of_the_fund_sees_both_portfolios(client: IsolatedClient, offer: Offer) -> None:
    sign_in_as(client, offer.finance)
    assert client.get(f"/staff/calls/{offer.award.round_id}/portfolio").status_code == 200
    assert client.get(f"/staff/funds/{offer.award.round.fund_id}/portfolio").status_code == 200


@pytest.mark.parametrize(
    ("who", "call", "fund"),
    [
        ("other_fund_manager", 403, 403),
        ("assessor", 403, 403),
        ("call_finance", 200, 403),  # a role on one call shows that call, not the whole fund
        ("grantee_member", 404, 404),
        ("stranger", 404, 404),
    ],
)
def test_people_without_a_say_are_refused(client: IsolatedClient, offer: Offer, who: str, call: int, fund: int) -> None:
    round_ = offer.award.round
    users = {
        "other_fund_manager": lambda: staff_user(StaffRole.FUND_MANAGER, fund_id=RoundFactory().fund_id),
        "assessor": lambda: staff_user(StaffRole.ASSESSOR, fund_id=round_.fund_id),
        "call_finance": lambda: staff_user(StaffRole.FINANCE_OFFICER, round_id=round_.id),
        "grantee_member": lambda: MembershipFactory(organisation=offer.award.organisation).user,
        "stranger": lambda: UserFactory(),
    }
    sign_in_as(client, users[who]())
    assert client.get(f"/staff/calls/{round_.id}/portfolio").status_code == call
    assert client.get(f"/staff/funds/{round_.fund_id}/portfolio").status_code == fund
