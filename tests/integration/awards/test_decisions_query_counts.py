"""The decisions page runs a fixed number of SQL statements, however many applications the call has: the ranking,
the decisions (with who made them) and the awards are each read in bulk, never row by row."""

from __future__ import annotations

import re
from typing import Any

from fundapp.awards import services
from fundapp.core.clock import utcnow
from fundapp.extensions import db
from fundapp.programmes.models import Round
from tests.helpers import IsolatedClient, sign_in_as
from tests.integration.applications.test_query_counts import count_statements
from tests.integration.awards.conftest import DecisionSetup
from tests.integration.awards.decisions_setup import scored_decision_round


def _call_with(applications: int) -> DecisionSetup:
    """A call of moderated applications, a third approved, a third rejected, a third waiting (budget for all)."""
    setup = scored_decision_round(
        scores=[1 + number % 5 for number in range(applications)], budget_pence=2_000_000 * applications
    )
    now = utcnow()
    for number, application in enumerate(setup.applications):
        if number % 3 == 0:
            services.approve_application(
                actor=setup.manager,
                application=application,
                amount_pence=1_500_000,
                conditions="",
                reason="",
                now=now,
            )
        elif number % 3 == 1:
            services.reject_application(
                actor=setup.manager, application=application, feedback="Sorry", reason="", now=now
            )
    db.session.flush()
    db.session.expire_all()
    return setup


def _statements_for(client: IsolatedClient, url: str) -> int:
    client.get(url)  # warm up caches (templates, compiled queries)
    with count_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_the_decisions_page_runs_the_same_statements_for_3_and_30_applications(
    client: IsolatedClient, db_session: Any
) -> None:
    few, many = _call_with(3), _call_with(30)
    sign_in_as(client, few.manager)
    few_count = _statements_for(client, f"/staff/calls/{few.round.id}/decisions")
    sign_in_as(client, many.manager)
    many_count = _statements_for(client, f"/staff/calls/{many.round.id}/decisions")
    print("decisions page statements (3, 30 applications):", few_count, many_count)
    assert few_count == many_count
    page = client.get(f"/staff/calls/{many.round.id}/decisions").get_data(as_text=True)
    assert len(re.findall(rf'href="/staff/calls/{many.round.id}/decisions/\d+"', page)) == 30  # every row is there
    assert db.session.get(Round, many.round.id).committed_pence == 10 * 1_500_000
