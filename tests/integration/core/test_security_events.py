"""Security events in the audit trail: a signed-in person refused a page (403) is recorded with the path."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from fundapp.core.audit import AuditEvent
from fundapp.extensions import db
from tests.factories import applicant_with_organisation
from tests.helpers import csrf_token, sign_in


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_a_signed_in_person_refused_a_page_is_recorded_with_the_path(client: FlaskClient, db_session: Any) -> None:
    applicant, _organisation = applicant_with_organisation()
    sign_in(client, applicant)

    response = client.get("/admin/users?q=x")

    assert response.status_code == 403
    [event] = _events("auth.access_denied")
    assert (event.actor_id, event.data) == (applicant.id, {"method": "GET", "path": "/admin/users"})
    assert event.ip_address == "127.0.0.1"


def test_a_refused_post_keeps_nothing_but_the_record_of_the_refusal(client: FlaskClient, db_session: Any) -> None:
    applicant, _organisation = applicant_with_organisation()
    sign_in(client, applicant)

    token = csrf_token(client, "/account/password")  # one token serves every form of the session

    response = client.post("/admin/funds/new", data={"csrf_token": token, "name": "Sneaky fund", "code": "SNK"})

    assert response.status_code == 403
    assert [e.data for e in _events("auth.access_denied")] == [{"method": "POST", "path": "/admin/funds/new"}]
    assert _events("fund.created") == []


def test_someone_not_signed_in_is_sent_to_sign_in_and_nothing_is_recorded(client: FlaskClient, db_session: Any) -> None:
    response = client.get("/admin/users")

    assert response.status_code == 302
    assert _events("auth.access_denied") == []
