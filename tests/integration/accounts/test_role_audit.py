"""Role changes are audited with the roles held before and after."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fundapp.accounts import services
from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.extensions import db
from tests.factories import FundFactory, UserFactory, staff_user


def _last(action: str) -> AuditEvent:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()[
        -1
    ]


def test_giving_and_removing_a_role_records_the_roles_before_and_after(db_session: Any) -> None:
    admin = staff_user(StaffRole.ADMIN)
    person = staff_user(StaffRole.ASSESSOR)
    fund = FundFactory()

    assignment = services.assign_role(actor=admin, user=person, role=StaffRole.FUND_MANAGER, fund_id=fund.id)
    given = _last("role.assigned")
    services.remove_role(actor=admin, assignment=assignment)
    removed = _last("role.removed")

    manager = f"fund manager (fund {fund.id})"
    assert given.data["changes"] == {"roles": [["assessor"], sorted(["assessor", manager])]}
    assert removed.data["changes"] == {"roles": [sorted(["assessor", manager]), ["assessor"]]}
    assert (given.actor_id, given.subject_type, given.subject_id) == (admin.id, "User", person.id)


def test_a_first_role_is_recorded_as_given_from_none(db_session: Any) -> None:
    person = UserFactory()

    services.assign_role(actor=None, user=person, role=StaffRole.FINANCE_OFFICER)

    assert _last("role.assigned").data["changes"] == {"roles": [[], ["finance officer"]]}
