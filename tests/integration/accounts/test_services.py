"""Account services against the real database and a real SMTP sink: people, resets, organisations, roles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.accounts import services
from fundapp.accounts.models import Invitation, Membership, PasswordResetToken, User
from fundapp.accounts.passwords import verify_password
from fundapp.accounts.states import LegalType, MemberRole, StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError, NotAllowed
from fundapp.core.transactions import commit_unit_of_work
from tests.factories import (
    DEFAULT_PASSWORD,
    FundFactory,
    MembershipFactory,
    UserFactory,
    applicant_with_organisation,
    staff_user,
)
from tests.smtp import SMTPSink

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(autouse=True)
def in_request(app: Flask, db_session: Any) -> Iterator[None]:
    """Services run while a view handles a POST, as they do in the app."""
    with app.test_request_context(method="POST", environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        yield


def _events(db_session: Any, action: str) -> list[AuditEvent]:
    return list(db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _link_path(mail: SMTPSink, to: str) -> str:
    [message] = mail.to(to)
    match = re.search(r"http://localhost(/\S+)", message.get_content())
    assert match is not None, message.get_content()
    return match.group(1)


def _organisation_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Peckham Youth Boxing",
        "legal_type": LegalType.CIO,
        "charity_number": "1234567",
        "company_number": None,
        "address_line_1": "1 High Street",
        "address_line_2": None,
        "town": "London",
        "postcode": "SE15 5AB",
        "borough_gss": "E09000028",
        "website": None,
        "annual_income_pence": 4_500_000,
    }
    return {**values, **changes}


def _details(**changes: Any) -> services.OrganisationDetails:
    return services.OrganisationDetails(**_organisation_values(**changes))


# --- registering and signing in ---------------------------------------------------------------------------


def test_register_stores_a_lowercase_email_and_only_a_hash_of_the_password(db_session: Any) -> None:
    user = services.register_user(email="  Ada@Example.ORG ", full_name=" Ada Lovelace ", password=NEW_PASSWORD)

    assert (user.email, user.full_name) == ("ada@example.org", "Ada Lovelace")
    assert NEW_PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert user.password_changed_at is not None
    [event] = _events(db_session, "user.registered")
    assert (event.actor_id, event.subject_id, event.ip_address) == (user.id, user.id, "203.0.113.7")


@pytest.mark.parametrize("again", ["ada@example.org", "ADA@EXAMPLE.ORG", " Ada@example.org "])
def test_register_refuses_an_email_that_already_has_an_account_in_any_case(again: str) -> None:
    services.register_user(email="Ada@Example.org", full_name="Ada", password=NEW_PASSWORD)

    with pytest.raises(services.EmailAlreadyRegistered) as caught:
        services.register_user(email=again, full_name="Someone else", password=NEW_PASSWORD)
    assert caught.value.field == "email"


def test_register_refuses_a_short_password_at_the_password_field(db_session: Any) -> None:
    with pytest.raises(services.InvalidPassword) as caught:
        services.register_user(email="ada@example.org", full_name="Ada", password="short")

    assert (caught.value.field, caught.value.message) == ("password", "Password must be 12 characters or more")
    assert db_session.scalar(sa.select(User).where(User.email == "ada@example.org")) is None


def test_authenticate_with_the_right_password_is_not_yet_a_sign_in(db_session: Any) -> None:
    user = UserFactory()

    assert services.authenticate(email=user.email.upper(), password=DEFAULT_PASSWORD) is user

    assert user.last_signed_in_at is None
    assert _events(db_session, "auth.signed_in") == []


def test_recording_a_completed_sign_in_notes_the_time_and_audits_it(db_session: Any) -> None:
    user = UserFactory()

    services.record_signed_in(user=user)

    assert user.last_signed_in_at is not None
    [event] = _events(db_session, "auth.signed_in")
    assert (event.actor_id, event.subject_type, event.subject_id) == (user.id, "User", user.id)


def test_authenticate_with_a_wrong_password_records_a_failed_attempt(db_session: Any) -> None:
    user = UserFactory()

    assert services.authenticate(email=user.email, password="not my password") is None

    [event] = _events(db_session, "auth.sign_in_failed")
    assert (event.actor_id, event.subject_id, event.data) == (None, user.id, {"email": user.email})
    assert _events(db_session, "auth.signed_in") == []


def test_authenticate_with_an_unknown_email_records_a_failed_attempt_against_nobody(db_session: Any) -> None:
    assert services.authenticate(email="Nobody@Example.org", password=DEFAULT_PASSWORD) is None

    [event] = _events(db_session, "auth.sign_in_failed")
    assert (event.actor_id, event.subject_id, event.data) == (None, None, {"email": "nobody@example.org"})


def test_a_disabled_account_cannot_sign_in_even_with_the_right_password(db_session: Any) -> None:
    user = UserFactory(disabled=True)

    assert services.authenticate(email=user.email, password=DEFAULT_PASSWORD) is None
    assert len(_events(db_session, "auth.sign_in_failed")) == 1


def test_update_profile_changes_name_and_phone(db_session: Any) -> None:
    user = UserFactory()

    services.update_profile(user=user, full_name="  Grace Hopper ", phone="020 7946 0000")

    db_session.refresh(user)
    assert (user.full_name, user.phone) == ("Grace Hopper", "020 7946 0000")
    assert len(_events(db_session, "user.profile_updated")) == 1


# --- changing and resetting passwords -------------------------------------------------------------------


def test_change_password_with_a_wrong_current_password_is_a_field_error() -> None:
    user = UserFactory()
    before = user.password_hash

    with pytest.raises(services.InvalidPassword) as caught:
        services.change_password(user=user, current_password="wrong", new_password=NEW_PASSWORD)

    assert (caught.value.field, caught.value.message) == ("current_password", "Your current password is not correct")
    assert user.password_hash == before


def test_change_password_refuses_a_short_new_password_at_its_field() -> None:
    user = UserFactory()

    with pytest.raises(services.InvalidPassword) as caught:
        services.change_password(user=user, current_password=DEFAULT_PASSWORD, new_password="short")

    assert caught.value.field == "new_password"


def test_change_password_sets_the_new_one_and_ends_other_sessions(db_session: Any) -> None:
    user = UserFactory()
    old_token = user.session_token

    services.change_password(user=user, current_password=DEFAULT_PASSWORD, new_password=NEW_PASSWORD)

    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert not verify_password(user.password_hash, DEFAULT_PASSWORD)
    assert user.session_token != old_token
    assert user.password_changed_at is not None
    assert len(_events(db_session, "user.password_changed")) == 1


def _request_reset_link(mail: SMTPSink, user: User) -> str:
    services.request_password_reset(email=user.email)
    commit_unit_of_work()
    path = _link_path(mail, user.email)
    assert path.startswith("/reset-password/")
    return path.removeprefix("/reset-password/")


def test_a_reset_request_emails_a_link_that_identifies_the_account(app: Flask, db_session: Any, mail: SMTPSink) -> None:
    user = UserFactory(full_name="Ada Lovelace")

    services.request_password_reset(email=user.email.upper())
    commit_unit_of_work()

    [message] = mail.to(user.email)
    assert message["Subject"] == "Reset your password"
    body = message.get_content()
    assert "Dear Ada Lovelace," in body
    assert "stops working after 60 minutes" in body
    token = _link_path(mail, user.email).removeprefix("/reset-password/")
    assert services.check_reset_token(token) == user
    [row] = db_session.scalars(sa.select(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    assert token not in row.token_hash  # only a hash is stored
    ttl = timedelta(seconds=app.config["PASSWORD_RESET_TTL_SECONDS"])
    assert utcnow() + ttl - timedelta(minutes=1) < row.expires_at <= utcnow() + ttl


def test_a_reset_request_for_an_unknown_email_sends_nothing_and_says_nothing(db_session: Any, mail: SMTPSink) -> None:
    services.request_password_reset(email="Nobody@Example.org")
    commit_unit_of_work()

    assert mail.messages == []
    assert db_session.scalars(sa.select(PasswordResetToken)).all() == []
    [event] = _events(db_session, "auth.password_reset_requested_unknown")
    assert event.data == {"email": "nobody@example.org"}


def test_a_disabled_account_is_sent_no_reset_link(mail: SMTPSink) -> None:
    user = UserFactory(disabled=True)

    services.request_password_reset(email=user.email)
    commit_unit_of_work()

    assert mail.messages == []


def test_a_reset_link_works_once(db_session: Any, mail: SMTPSink) -> None:
    user = UserFactory()
    token = _request_reset_link(mail, user)

    assert services.reset_password(token=token, new_password=NEW_PASSWORD) == user
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert len(_events(db_session, "auth.password_reset")) == 1

    with pytest.raises(services.InvalidToken):
        services.check_reset_token(token)
    with pytest.raises(services.InvalidToken):
        services.reset_password(token=token, new_password="another new passphrase")
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_a_reset_link_expires_after_its_ttl(db_session: Any, mail: SMTPSink) -> None:
    user = UserFactory()
    token = _request_reset_link(mail, user)
    row = db_session.scalars(sa.select(PasswordResetToken).where(PasswordResetToken.user_id == user.id)).one()

    row.expires_at = utcnow() - timedelta(seconds=1)
    db_session.flush()

    with pytest.raises(services.InvalidToken, match="expired or has already been used"):
        services.check_reset_token(token)
    with pytest.raises(services.InvalidToken):
        services.reset_password(token=token, new_password=NEW_PASSWORD)
    assert verify_password(user.password_hash, DEFAULT_PASSWORD)


def test_an_unknown_reset_token_is_refused() -> None:
    with pytest.raises(services.InvalidToken):
        services.check_reset_token("made-up-token")


def test_resetting_a_password_signs_the_account_out_everywhere(mail: SMTPSink) -> None:
    user = UserFactory()
    old_token = user.session_token
    token = _request_reset_link(mail, user)

    services.reset_password(token=token, new_password=NEW_PASSWORD)

    assert user.session_token != old_token


def test_using_one_reset_link_cancels_every_other_outstanding_link(mail: SMTPSink) -> None:
    user = UserFactory()
    services.request_password_reset(email=user.email)
    services.request_password_reset(email=user.email)
    commit_unit_of_work()
    first, second = (
        re.search(r"/reset-password/(\S+)", m.get_content()).group(1)  # type: ignore[union-attr]
        for m in mail.to(user.email)
    )

    services.reset_password(token=second, new_password=NEW_PASSWORD)

    with pytest.raises(services.InvalidToken):
        services.check_reset_token(first)


def test_a_short_password_on_reset_is_refused_and_the_link_still_works(mail: SMTPSink) -> None:
    user = UserFactory()
    token = _request_reset_link(mail, user)

    with pytest.raises(services.InvalidPassword) as caught:
        services.reset_password(token=token, new_password="short")

    assert caught.value.field == "password"
    assert services.check_reset_token(token) == user


# --- organisations ----------------------------------------------------------------------------------------


def test_create_organisation_makes_the_creator_its_owner_and_audits_it(db_session: Any) -> None:
    user = UserFactory()

    organisation = services.create_organisation(
        actor=user, details=_details(name="  Peckham Youth Boxing ", address_line_2="  ")
    )

    assert organisation.name == "Peckham Youth Boxing"
    assert organisation.address_line_2 is None
    assert [(m.user_id, m.role) for m in organisation.memberships] == [(user.id, MemberRole.OWNER)]
    [event] = _events(db_session, "organisation.created")
    assert (event.actor_id, event.subject_id) == (user.id, organisation.id)
    assert event.data == {"name": "Peckham Youth Boxing"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"legal_type": LegalType.CIO, "charity_number": None}, "charity_number"),
        ({"legal_type": LegalType.CIC, "charity_number": None, "company_number": None}, "company_number"),
        ({"borough_gss": "E08000001"}, "borough_gss"),
    ],
)
def test_create_organisation_enforces_its_business_rules_at_the_right_field(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        services.create_organisation(actor=UserFactory(), details=_details(**changes))

    assert caught.value.field == field


def test_update_organisation_records_which_fields_changed(db_session: Any) -> None:
    user, organisation = applicant_with_organisation()
    values = {key: getattr(organisation, key) for key in _organisation_values() if key not in {"name", "postcode"}}

    services.update_organisation(
        actor=user, organisation=organisation, details=_details(name="A New Name", postcode="E1 6AN", **values)
    )

    assert (organisation.name, organisation.postcode) == ("A New Name", "E1 6AN")
    [event] = _events(db_session, "organisation.updated")
    assert event.data == {"changed": ["name", "postcode"]}


def test_an_update_that_changes_nothing_records_nothing(db_session: Any) -> None:
    user, organisation = applicant_with_organisation()
    values = {key: getattr(organisation, key) for key in _organisation_values()}

    services.update_organisation(actor=user, organisation=organisation, details=_details(**values))

    assert _events(db_session, "organisation.updated") == []


def test_only_members_may_update_an_organisation() -> None:
    _, organisation = applicant_with_organisation()
    values = {key: getattr(organisation, key) for key in _organisation_values()}

    with pytest.raises(NotAllowed):
        services.update_organisation(
            actor=staff_user(StaffRole.ADMIN), organisation=organisation, details=_details(**values)
        )


# --- invitations ------------------------------------------------------------------------------------------


def _invite(mail: SMTPSink, email: str = "Invitee@Example.org") -> tuple[User, Any, str]:
    owner, organisation = applicant_with_organisation()
    services.invite_member(actor=owner, organisation=organisation, email=email)
    commit_unit_of_work()
    path = _link_path(mail, email.strip().lower())
    assert path.startswith("/invitations/")
    return owner, organisation, path.removeprefix("/invitations/")


def test_invite_emails_a_link_to_join(db_session: Any, mail: SMTPSink) -> None:
    owner, organisation, token = _invite(mail)

    [message] = mail.to("invitee@example.org")
    assert message["Subject"] == f"{owner.full_name} invited you to join {organisation.name}"
    assert f"{owner.full_name} has invited you to join {organisation.name}" in message.get_content()
    invitation = services.find_open_invitation(token)
    assert (invitation.email, invitation.organisation_id) == ("invitee@example.org", organisation.id)
    [event] = _events(db_session, "organisation.member_invited")
    assert event.data == {"email": "invitee@example.org"}


def test_accepting_an_invitation_joins_the_organisation_as_a_member(db_session: Any, mail: SMTPSink) -> None:
    _, organisation, token = _invite(mail)
    invitee = UserFactory(email="someone-else@example.org")  # may accept with a different email

    assert services.accept_invitation(user=invitee, token=token) == organisation

    membership = db_session.scalars(
        sa.select(Membership).where(Membership.user_id == invitee.id, Membership.organisation_id == organisation.id)
    ).one()
    assert membership.role == MemberRole.MEMBER
    invitation = db_session.scalars(sa.select(Invitation)).one()
    assert (invitation.accepted_by_id, invitation.accepted_at is not None) == (invitee.id, True)
    assert len(_events(db_session, "organisation.member_joined")) == 1


def test_an_invitation_link_cannot_be_used_twice(mail: SMTPSink) -> None:
    _, _, token = _invite(mail)
    services.accept_invitation(user=UserFactory(), token=token)

    with pytest.raises(services.InvalidToken, match="expired or has already been used"):
        services.accept_invitation(user=UserFactory(), token=token)


def test_an_expired_invitation_is_refused(db_session: Any, mail: SMTPSink) -> None:
    _, organisation, token = _invite(mail)
    invitation = db_session.scalars(sa.select(Invitation)).one()
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db_session.flush()
    invitee = UserFactory()

    with pytest.raises(services.InvalidToken):
        services.find_open_invitation(token)
    with pytest.raises(services.InvalidToken):
        services.accept_invitation(user=invitee, token=token)
    assert invitee.id not in {m.user_id for m in organisation.memberships}


def test_accepting_when_already_a_member_does_not_add_a_second_membership(mail: SMTPSink) -> None:
    owner, organisation, token = _invite(mail)

    services.accept_invitation(user=owner, token=token)

    assert [m.user_id for m in organisation.memberships] == [owner.id]


def test_inviting_someone_who_is_already_a_member_is_a_field_error(mail: SMTPSink) -> None:
    owner, organisation = applicant_with_organisation()
    colleague = MembershipFactory(organisation=organisation, role=MemberRole.MEMBER).user

    with pytest.raises(DomainError) as caught:
        services.invite_member(actor=owner, organisation=organisation, email=colleague.email.upper())

    assert caught.value.field == "email"
    commit_unit_of_work()
    assert mail.messages == []


def test_only_members_may_invite() -> None:
    _, organisation = applicant_with_organisation()

    with pytest.raises(NotAllowed):
        services.invite_member(actor=UserFactory(), organisation=organisation, email="x@example.org")


def test_a_line_break_in_the_inviters_name_does_not_stop_the_invitation_email(mail: SMTPSink) -> None:
    # Names come from forms; a crafted POST can put CR/LF in one. The email must still go, on one line.
    owner, organisation = applicant_with_organisation()
    owner.full_name = "Eve\r\nBcc: victim@example.org"

    services.invite_member(actor=owner, organisation=organisation, email="invitee@example.org")
    commit_unit_of_work()

    [message] = mail.to("invitee@example.org")
    assert "\n" not in message["Subject"]
    assert all("victim@example.org" not in (m["Bcc"] or "") for m in mail.messages)


# --- staff roles ------------------------------------------------------------------------------------------


def test_assign_role_gives_a_scoped_role_and_audits_it(db_session: Any) -> None:
    admin, user, fund = staff_user(StaffRole.ADMIN), UserFactory(), FundFactory()

    assignment = services.assign_role(actor=admin, user=user, role=StaffRole.ASSESSOR, fund_id=fund.id)

    assert (assignment.user_id, assignment.fund_id, assignment.granted_by_id) == (user.id, fund.id, admin.id)
    [event] = _events(db_session, "role.assigned")
    assert event.data["role"] == "assessor"
    assert event.data["fund_id"] == fund.id


def test_the_same_role_twice_at_the_same_scope_is_refused() -> None:
    user, fund = UserFactory(), FundFactory()
    services.assign_role(actor=None, user=user, role=StaffRole.ASSESSOR, fund_id=fund.id)

    with pytest.raises(DomainError) as caught:
        services.assign_role(actor=None, user=user, role=StaffRole.ASSESSOR, fund_id=fund.id)

    assert caught.value.field == "role"


def test_the_same_role_at_another_scope_is_allowed() -> None:
    user, fund = UserFactory(), FundFactory()
    services.assign_role(actor=None, user=user, role=StaffRole.ASSESSOR, fund_id=fund.id)

    services.assign_role(actor=None, user=user, role=StaffRole.ASSESSOR)

    assert len(user.role_assignments) == 2


def test_admin_cannot_be_limited_to_a_fund() -> None:
    with pytest.raises(DomainError) as caught:
        services.assign_role(actor=None, user=UserFactory(), role=StaffRole.ADMIN, fund_id=FundFactory().id)

    assert caught.value.field == "scope"


def test_the_last_admin_cannot_be_removed() -> None:
    admin = staff_user(StaffRole.ADMIN)

    with pytest.raises(DomainError, match="cannot remove the last admin"):
        services.remove_role(actor=admin, assignment=admin.role_assignments[0])

    assert len(admin.role_assignments) == 1


def test_an_admin_can_be_removed_while_another_remains(db_session: Any) -> None:
    first, second = staff_user(StaffRole.ADMIN), staff_user(StaffRole.ADMIN)

    services.remove_role(actor=first, assignment=second.role_assignments[0])

    assert second.role_assignments == []
    [event] = _events(db_session, "role.removed")
    assert (event.subject_id, event.data["role"]) == (second.id, "admin")


def test_a_disabled_accounts_admin_role_can_be_removed_while_an_active_admin_remains() -> None:
    active = staff_user(StaffRole.ADMIN)
    disabled = staff_user(StaffRole.ADMIN)
    disabled.is_active = False

    services.remove_role(actor=active, assignment=disabled.role_assignments[0])

    assert disabled.role_assignments == []


def test_create_admin_makes_a_new_account_with_the_admin_role() -> None:
    user = services.create_admin(email="Boss@Example.org", full_name="The Boss", password=NEW_PASSWORD)

    assert user.email == "boss@example.org"
    assert [a.role for a in user.role_assignments] == [StaffRole.ADMIN]
    assert services.authenticate(email="boss@example.org", password=NEW_PASSWORD) == user


def test_create_admin_for_an_existing_account_adds_the_role_once_and_keeps_the_password() -> None:
    user = UserFactory()

    services.create_admin(email=user.email, full_name="Ignored", password=NEW_PASSWORD)
    services.create_admin(email=user.email.upper(), full_name="Ignored", password=NEW_PASSWORD)

    assert [a.role for a in user.role_assignments] == [StaffRole.ADMIN]
    assert verify_password(user.password_hash, DEFAULT_PASSWORD)
