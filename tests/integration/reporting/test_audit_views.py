"""Reading the audit trail: the admin audit log with its filters, a person's events, an application's history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient

from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.extensions import db
from fundapp.reporting.audit_log import PAGE_SIZE
from tests.factories import (
    ApplicationFactory,
    AwardFactory,
    FundFactory,
    UserFactory,
    applicant_with_organisation,
    staff_user,
)
from tests.helpers import error_summary, isolated_client, page_title, sign_in


def _event(
    action: str,
    *,
    actor: Any = None,
    subject: Any = None,
    data: Any = None,
    when: datetime | None = None,
    ip: str = "203.0.113.9",
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        subject_type=type(subject).__name__ if subject else None,
        subject_id=subject.id if subject else None,
        data=data or {},
        ip_address=ip,
        occurred_at=when or datetime(2026, 6, 15, 11, 0, tzinfo=UTC),
    )
    db.session.add(event)
    db.session.flush()
    return event


def _admin(client: FlaskClient) -> Any:
    admin = staff_user(StaffRole.ADMIN)
    sign_in(client, admin)
    return admin


def test_the_audit_log_shows_who_did_what_to_what_with_the_changes_and_ip(client: FlaskClient, db_session: Any) -> None:
    _admin(client)
    person = UserFactory(full_name="Ada Lovelace", email="ada@example.org")
    _event("user.profile_updated", actor=person, subject=person, data={"changes": {"phone": ["0207", "0208"]}})
    _event("auth.sign_in_failed", data={"email": "someone@example.org"})

    page = client.get("/admin/audit").get_data(as_text=True)

    assert "Ada Lovelace" in page and "ada@example.org" in page
    assert "Profile changed" in page and "user.profile_updated" in page
    assert "phone: 0207 → 0208" in page
    assert "203.0.113.9" in page
    assert "15 June 2026 at midday" in page  # British Summer Time: 11:00 UTC is noon in London
    assert "Someone not signed in" in page
    assert 'class="app-table-scroll"' in page


def test_the_audit_log_filters_by_action_person_and_london_days(client: FlaskClient, db_session: Any) -> None:
    _admin(client)
    ada, bob = UserFactory(email="ada@example.org"), UserFactory(email="bob@example.org")
    # Each event marked by its IP address. 23:30 UTC on 14 June is 00:30 on 15 June in London.
    _event("fund.created", actor=ada, ip="10.0.0.1", when=datetime(2026, 6, 14, 23, 30, tzinfo=UTC))
    _event("fund.created", actor=bob, ip="10.0.0.2", when=datetime(2026, 6, 15, 10, 0, tzinfo=UTC))
    _event("round.created", actor=ada, ip="10.0.0.3", when=datetime(2026, 6, 16, 10, 0, tzinfo=UTC))

    def shown(**args: Any) -> set[str]:
        page = client.get("/admin/audit", query_string={"submit": "Filter", **args}).get_data(as_text=True)
        return {ip for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3") if ip in page}

    assert shown(action="fund.created") == {"10.0.0.1", "10.0.0.2"}
    assert shown(person="ADA@example.org ") == {"10.0.0.1", "10.0.0.3"}
    assert shown(date_from=["15", "6", "2026"], date_to=["15", "6", "2026"]) == {"10.0.0.1", "10.0.0.2"}
    assert shown() == {"10.0.0.1", "10.0.0.2", "10.0.0.3"}


def test_bad_filters_are_shown_at_their_fields_and_what_was_typed_stays(client: FlaskClient, db_session: Any) -> None:
    _admin(client)

    response = client.get(
        "/admin/audit",
        query_string={
            "submit": "Filter",
            "action": "no.such_action",
            "person": "not-an-email",
            "date_from": ["31", "2", "2026"],
            "date_to": ["1", "1", "2026"],
        },
    )
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert page_title(response).startswith("Error: Audit log")
    summary = error_summary(response)
    assert summary[:2] == [
        "Select an action from the list",
        "Enter an email address in the correct format, like name@example.com",
    ]
    assert len(summary) == 3 and "first day" in summary[2]
    assert 'value="not-an-email"' in page
    assert 'value="31"' in page and 'value="2026"' in page
    assert 'id="person-error"' in page


def test_an_unknown_person_and_days_the_wrong_way_round_are_field_errors(client: FlaskClient, db_session: Any) -> None:
    _admin(client)

    response = client.get(
        "/admin/audit",
        query_string={
            "submit": "Filter",
            "person": "nobody@example.org",
            "date_from": ["2", "6", "2026"],
            "date_to": ["1", "6", "2026"],
        },
    )

    assert error_summary(response) == [
        "There is no one with this email address",
        "The last day must be the same as or after the first day",
    ]
    assert 'value="nobody@example.org"' in response.get_data(as_text=True)


def test_the_audit_log_pages_fifty_at_a_time_newest_first(client: FlaskClient, db_session: Any) -> None:
    _admin(client)
    for n in range(PAGE_SIZE + 1):
        _event("fund.created", when=datetime(2026, 1, 1, 9, n, tzinfo=UTC))

    first = client.get("/admin/audit?submit=Filter&action=fund.created").get_data(as_text=True)
    second = client.get("/admin/audit?submit=Filter&action=fund.created&page=2").get_data(as_text=True)

    assert first.count("fund.created</code>") == PAGE_SIZE
    assert second.count("fund.created</code>") == 1
    assert "9:00am" in second  # the oldest is last
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_an_admin_sees_a_persons_events_as_actor_and_as_subject(client: FlaskClient, db_session: Any) -> None:
    admin = _admin(client)
    person = UserFactory(full_name="Grace Hopper")
    other = UserFactory()
    _event("user.profile_updated", actor=person, subject=person)
    _event("role.assigned", actor=admin, subject=person, data={"changes": {"roles": [[], ["assessor"]]}})
    _event("fund.created", actor=other)

    response = client.get(f"/admin/users/{person.id}/audit")
    page = response.get_data(as_text=True)

    assert page_title(response).startswith("Audit events: Grace Hopper")
    assert "Profile changed" in page and "Staff role given" in page
    assert "roles: – → assessor" in page
    assert "Fund created" not in page
    assert f"/admin/users/{person.id}/audit" in client.get(f"/admin/users/{person.id}").get_data(as_text=True)


def test_an_applications_history_lists_its_own_and_its_childrens_events(client: FlaskClient, db_session: Any) -> None:
    award = AwardFactory()
    application = award.application
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=application.round.fund_id)
    sign_in(client, manager)
    _event("application.submitted", actor=manager, subject=application, data={"from": "draft", "to": "submitted"})
    _event("award.offered", actor=manager, subject=award)
    _event("application.submitted", subject=ApplicationFactory(), data={"mark": "someone-else"})

    response = client.get(f"/staff/applications/{application.id}/history")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert page.count("application.submitted</code>") == 1
    assert "award.offered" in page and "Offer made" in page
    assert "status: draft → submitted" in page
    staff_page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert f"/staff/applications/{application.id}/history" in staff_page


def test_an_applications_history_is_hidden_from_other_funds_staff_and_applicants(
    client: FlaskClient, db_session: Any
) -> None:
    application = ApplicationFactory(submitted=True)
    other_manager = staff_user(StaffRole.FUND_MANAGER, fund_id=FundFactory().id)
    member, _org = applicant_with_organisation()

    sign_in(client, other_manager)
    assert client.get(f"/staff/applications/{application.id}/history").status_code == 404
    applicant_client = isolated_client(client.application)
    sign_in(applicant_client, member)
    assert applicant_client.get(f"/staff/applications/{application.id}/history").status_code == 404


def test_signed_in_people_who_are_not_admins_are_refused_the_audit_log(client: FlaskClient, db_session: Any) -> None:
    manager = staff_user(StaffRole.FUND_MANAGER)
    sign_in(client, manager)

    assert client.get("/admin/audit").status_code == 403
    assert client.get(f"/admin/users/{manager.id}/audit").status_code == 403
