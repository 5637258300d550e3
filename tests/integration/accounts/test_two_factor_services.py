"""Two-factor rules against the real database: codes once only, recovery codes, turning it off, admin reset."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.accounts import two_factor
from fundapp.accounts.models import RecoveryCode, User
from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.errors import NotAllowed
from fundapp.core.mail.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD, UserFactory, staff_user


@pytest.fixture(autouse=True)
def in_request(app: Flask, db_session: Any) -> Iterator[None]:
    with app.test_request_context(method="POST", environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        yield


def _code(secret: str, steps_ahead: int = 0) -> str:
    counter = int(utcnow().timestamp()) // 30 + steps_ahead
    return pyotp.TOTP(secret).generate_otp(counter)


def _actions(db_session: Any, user: User) -> list[str]:
    return list(
        db_session.scalars(sa.select(AuditEvent.action).where(AuditEvent.subject_id == user.id).order_by(AuditEvent.id))
    )


def _enrolled(db_session: Any) -> tuple[User, list[str]]:
    user = UserFactory()
    secret = two_factor.new_secret()
    codes = two_factor.enable(user=user, secret=secret, code=_code(secret, -1))
    return user, codes


def test_enabling_needs_a_right_code_and_gives_ten_recovery_codes_stored_as_hashes(db_session: Any) -> None:
    user = UserFactory()
    secret = two_factor.new_secret()
    with pytest.raises(two_factor.InvalidCode) as excinfo:
        two_factor.enable(user=user, secret=secret, code="000000" if _code(secret) != "000000" else "111111")
    assert excinfo.value.field == "code"
    assert not two_factor.is_enabled(user)

    codes = two_factor.enable(user=user, secret=secret, code=_code(secret))

    assert two_factor.is_enabled(user)
    assert len(codes) == 10 == len(set(codes))
    stored = set(db_session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert len(stored) == 10
    assert not any(code.replace("-", "") in h for code in codes for h in stored)
    assert all(h.startswith("$argon2id$") for h in stored)  # salted and slow: the codes hold only 50 bits
    assert "auth.two_factor_enabled" in _actions(db_session, user)


def test_a_code_is_accepted_once_and_an_earlier_one_never_after_it(db_session: Any) -> None:
    user, _ = _enrolled(db_session)  # enrolled with the previous step's code

    assert two_factor.verify_second_factor(user=user, code=_code(user.totp_secret or ""))
    assert not two_factor.verify_second_factor(user=user, code=_code(user.totp_secret or ""))
    assert not two_factor.verify_second_factor(user=user, code=_code(user.totp_secret or "", -1))
    assert two_factor.verify_second_factor(user=user, code=_code(user.totp_secret or "", 1))
    assert _actions(db_session, user).count("auth.two_factor_failed") == 2


def test_a_code_from_too_far_away_is_refused(db_session: Any) -> None:
    user, _ = _enrolled(db_session)
    assert not two_factor.verify_second_factor(user=user, code=_code(user.totp_secret or "", 3))
    assert not two_factor.verify_second_factor(user=user, code="not a code")


def test_a_recovery_code_works_once_whatever_its_case_spaces_or_dashes(db_session: Any) -> None:
    user, codes = _enrolled(db_session)
    sloppy = " " + codes[0].lower().replace("-", " ") + " "

    assert two_factor.verify_second_factor(user=user, code=sloppy)
    assert not two_factor.verify_second_factor(user=user, code=codes[0])
    assert two_factor.recovery_codes_left(user) == 9
    used = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.recovery_code_used", AuditEvent.subject_id == user.id)
    ).one()
    assert used.data == {"left": 9}


def test_someone_else_s_recovery_code_is_refused(db_session: Any) -> None:
    user, _ = _enrolled(db_session)
    _, others = _enrolled(db_session)
    assert not two_factor.verify_second_factor(user=user, code=others[0])


def test_nothing_is_accepted_from_someone_without_two_factor(db_session: Any) -> None:
    user = UserFactory()
    assert not two_factor.verify_second_factor(user=user, code="123456")


def test_an_applicant_turns_it_off_only_with_password_and_code(db_session: Any) -> None:
    user, _ = _enrolled(db_session)
    secret = user.totp_secret or ""
    with pytest.raises(two_factor.WrongPassword) as wrong_password:
        two_factor.disable(user=user, password="not my password", code=_code(secret))
    assert wrong_password.value.field == "password"
    with pytest.raises(two_factor.InvalidCode) as wrong_code:
        two_factor.disable(user=user, password=DEFAULT_PASSWORD, code="12345")
    assert wrong_code.value.field == "code"
    assert two_factor.is_enabled(user)

    two_factor.disable(user=user, password=DEFAULT_PASSWORD, code=_code(secret))

    assert not two_factor.is_enabled(user)
    assert user.totp_secret is None
    assert two_factor.recovery_codes_left(user) == 0
    assert "auth.two_factor_disabled" in _actions(db_session, user)


def test_staff_cannot_turn_it_off(db_session: Any) -> None:
    user = staff_user(StaffRole.ASSESSOR)
    assert two_factor.required(user)
    with pytest.raises(NotAllowed):
        two_factor.disable(user=user, password=DEFAULT_PASSWORD, code=_code(user.totp_secret or ""))


def test_regenerating_recovery_codes_replaces_them_all(db_session: Any) -> None:
    user, old = _enrolled(db_session)

    new = two_factor.regenerate_recovery_codes(user=user, password=DEFAULT_PASSWORD, code=_code(user.totp_secret or ""))

    assert set(new).isdisjoint(old)
    assert not two_factor.verify_second_factor(user=user, code=old[1])
    assert two_factor.verify_second_factor(user=user, code=new[1])
    assert "auth.recovery_codes_regenerated" in _actions(db_session, user)


def test_an_admin_reset_clears_the_set_up_ends_sessions_and_emails_the_person(db_session: Any) -> None:
    admin = staff_user(StaffRole.ADMIN)
    person = staff_user(StaffRole.FINANCE_OFFICER)
    token = person.session_token

    two_factor.reset(actor=admin, user=person)

    assert two_factor.must_set_up(person)
    assert person.session_token != token
    assert two_factor.recovery_codes_left(person) == 0
    event = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.two_factor_reset", AuditEvent.subject_id == person.id)
    ).one()
    assert event.actor_id == admin.id
    message = db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == person.email)).one()
    assert "set up two-factor authentication again" in message.body_text


def test_provisioning_uri_names_the_service_and_the_person(app: Flask, db_session: Any) -> None:
    user = UserFactory(email="sam@example.org")
    uri = two_factor.provisioning_uri(user=user, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert uri.startswith("otpauth://totp/")
    assert "sam%40example.org" in uri
    assert "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in uri
    assert "issuer=" in uri
    assert two_factor.grouped_secret("JBSWY3DPEHPK3PXP") == "JBSW Y3DP EHPK 3PXP"
