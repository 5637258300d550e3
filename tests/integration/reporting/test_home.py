"""The signed-in home page offers each person the work their roles give them."""

from __future__ import annotations

from typing import Any

from fundapp.accounts.states import StaffRole
from tests.factories import UserFactory, staff_user
from tests.helpers import sign_in_as


def test_finance_officers_are_offered_the_payments_to_approve_and_record(client: Any) -> None:
    sign_in_as(client, staff_user(StaffRole.FINANCE_OFFICER))

    page = client.get("/").get_data(as_text=True)

    assert "Payments to approve and record" in page
    assert 'href="/staff/payments"' in page


def test_applicants_are_not_offered_payments(client: Any) -> None:
    sign_in_as(client, UserFactory())

    page = client.get("/").get_data(as_text=True)

    assert "Payments to approve and record" not in page
