"""Removing an organisation's personal data after its retention period: the finance register and the 360Giving data
stay the same apart from personal fields (and valid), the files leave storage, members who belong nowhere else are
anonymised; refused early, twice and without a reason; admins only."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.models import Invitation, Organisation, RecoveryCode, User
from fundapp.accounts.passwords import verify_password
from fundapp.accounts.states import StaffRole
from fundapp.applications.models import Attachment
from fundapp.applications.states import ApplicationStatus
from fundapp.awards.states import AwardStatus, Outcome
from fundapp.core import storage
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError, NotAllowed
from fundapp.extensions import db
from fundapp.programmes.states import QuestionType
from fundapp.reporting.anonymisation import ANONYMISED_ACTION, anonymise_organisation, get_retention
from fundapp.reporting.exports import write_register_csv, write_register_xlsx
from fundapp.reporting.models import Report, ReportEvidence
from fundapp.reporting.register import iter_register_rows
from fundapp.reporting.threesixtygiving import package_problems, publisher_from_config, write_package_json
from tests.factories import (
    AnswerFactory,
    ApplicationFactory,
    AttachmentFactory,
    DecisionFactory,
    DueDiligenceCheckFactory,
    MembershipFactory,
    OrganisationFactory,
    QuestionFactory,
    ReportEvidenceFactory,
    ReportFactory,
    RoleAssignmentFactory,
    applicant_with_organisation,
    staff_user,
)
from tests.helpers import csrf_token, field_error, page_title, sign_in_as
from tests.integration.reporting.export_world import World, register_call

YEARS = 7
LATER = timedelta(days=366 * 9)  # past the awards' project end (2027) and seven years more


@dataclass
class Grantee:
    world: World
    organisation: Organisation
    member: User
    shared_member: User
    file_keys: list[str]


@pytest.fixture()
def grantee(db_session: Any) -> Grantee:
    """The export world's first organisation, its award completed, with an address, a website, a member with a phone
    and a member who also belongs elsewhere, a contact answer, an uploaded file, a report with a narrative and
    evidence, a signatory, due-diligence notes and an invitation."""
    world = register_call()
    award = world.awards[0]
    award.status = AwardStatus.COMPLETED
    organisation = award.organisation
    organisation.address_line_2 = "Flat 3"
    organisation.website = "https://bow.example.org"
    member = MembershipFactory(organisation=organisation).user
    member.phone = "020 7946 0000"
    db.session.add(RecoveryCode(user_id=member.id, code_hash="cd" * 32))
    shared_member = MembershipFactory(organisation=organisation).user
    MembershipFactory(user=shared_member)
    application = award.application
    section = world.round.question_set.sections[0]
    QuestionFactory(section=section, key="contact", type=QuestionType.SHORT_TEXT)
    QuestionFactory(section=section, key="amount", type=QuestionType.MONEY)
    AnswerFactory(application=application, question_key="contact", raw="Sam Okafor", value="Sam Okafor")
    AnswerFactory(application=application, question_key="amount", raw="£12,500.50", value=1_250_050)
    attachment = AttachmentFactory(application=application, uploaded_by_id=member.id)
    award.accepted_name, award.accepted_position, award.accepted_ip = "Pat Signatory", "Chair", "198.51.100.7"
    award.accepted_at = utcnow()
    DueDiligenceCheckFactory(award=award, note="Spoke to Pat on 07700 900123")
    report = ReportFactory(award=award, raw={"delivered": "Sam ran it", "metrics": {"people": "12"}})
    report.values = {"delivered": "Sam ran it", "metrics": {"people": 12}}
    evidence = ReportEvidenceFactory(report=report)
    db.session.add(
        Invitation(
            organisation_id=organisation.id,
            email="friend@example.org",
            token_hash="ef" * 32,
            expires_at=utcnow(),
        )
    )
    db.session.flush()
    return Grantee(world, organisation, member, shared_member, [attachment.storage_key, evidence.storage_key])


def _admin() -> User:
    return staff_user(StaffRole.ADMIN)


def _exports(app: Any, world: World, tmp_path: Path, name: str) -> tuple[bytes, Any, dict[str, Any]]:
    rows = list(iter_register_rows(round_ids=[world.round.id]))
    csv_out = io.BytesIO()
    write_register_csv(iter(rows), csv_out, prefix="360G-test")
    xlsx = tmp_path / f"{name}.xlsx"
    write_register_xlsx(iter(rows), str(xlsx), prefix="360G-test")
    from python_calamine import CalamineWorkbook

    cells = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    package = io.BytesIO()
    write_package_json(rows, package, publisher_from_config(app.config, now=utcnow()))
    return csv_out.getvalue(), cells, json.loads(package.getvalue())


def _without_personal(package: dict[str, Any]) -> list[dict[str, Any]]:
    grants = json.loads(json.dumps(package["grants"]))
    for grant in grants:
        grant.pop("dateModified", None)  # the organisation changed: that is true
        for recipient in grant.get("recipientOrganization", []):
            recipient.pop("postalCode", None)
    return grants


def test_finance_and_360giving_exports_stay_the_same_apart_from_personal_fields(
    app: Any, grantee: Grantee, tmp_path: Path
) -> None:
    csv_before, xlsx_before, package_before = _exports(app, grantee.world, tmp_path, "before")
    anonymise_organisation(
        actor=_admin(), organisation=grantee.organisation, reason="Retention passed", now=utcnow() + LATER, years=YEARS
    )
    db.session.expire_all()
    csv_after, xlsx_after, package_after = _exports(app, grantee.world, tmp_path, "after")
    assert csv_after == csv_before
    assert xlsx_after == xlsx_before
    assert _without_personal(package_after) == _without_personal(package_before)
    (recipient,) = package_after["grants"][0]["recipientOrganization"]
    assert "postalCode" not in recipient
    assert recipient["name"] == "Bow Youth Trust"
    assert package_problems(package_after) == []


def test_personal_data_goes_and_figures_stay(grantee: Grantee) -> None:
    removed = anonymise_organisation(
        actor=_admin(), organisation=grantee.organisation, reason="Retention passed", now=utcnow() + LATER, years=YEARS
    )
    db.session.expire_all()
    org = db.session.get(Organisation, grantee.organisation.id)
    assert (org.address_line_1, org.address_line_2, org.postcode, org.website) == ("", None, "", None)
    assert (org.name, org.charity_number, org.borough_gss) == ("Bow Youth Trust", "1123456", "E09000028")
    assert org.anonymised_at is not None
    award = grantee.world.awards[0]
    answers = {a.question_key: a.raw for a in award.application.answers}
    assert answers["contact"] is None
    assert answers["amount"] == "£12,500.50"
    assert answers["boroughs"] == ["E09000030"]
    assert answers["project_summary"].startswith("Bow after school club")
    assert (award.accepted_name, award.accepted_position, award.accepted_ip) == (None, None, None)
    assert award.accepted_at is not None and award.amount_pence == 1_200_000
    assert [check.note for check in award.checks] == [""]
    report = db.session.scalars(sa.select(Report).where(Report.award_id == award.id)).one()
    assert report.raw == {"metrics": {"people": "12"}}
    assert not db.session.scalars(sa.select(Invitation).where(Invitation.organisation_id == org.id)).all()
    assert removed["people"] == 1 and removed["files"] == 2 and removed["invitations"] == 1


def test_files_are_deleted_from_storage(app: Any, grantee: Grantee) -> None:
    anonymise_organisation(
        actor=_admin(), organisation=grantee.organisation, reason="Retention passed", now=utcnow() + LATER, years=YEARS
    )
    assert not db.session.scalars(sa.select(Attachment).where(Attachment.storage_key.in_(grantee.file_keys))).all()
    assert not db.session.scalars(
        sa.select(ReportEvidence).where(ReportEvidence.storage_key.in_(grantee.file_keys))
    ).all()
    # The files go once the removal commits (a rollback would keep them with their rows).
    for callback in db.session.info.pop("after_commit", []):
        callback()
    for key in grantee.file_keys:
        with pytest.raises(storage.UnknownFile):
            storage.read(key)


def test_members_who_belong_nowhere_else_are_anonymised(grantee: Grantee) -> None:
    staff_member = MembershipFactory(organisation=grantee.organisation).user
    RoleAssignmentFactory(user=staff_member, role=StaffRole.ASSESSOR)
    token = grantee.member.session_token
    anonymise_organisation(
        actor=_admin(), organisation=grantee.organisation, reason="Retention passed", now=utcnow() + LATER, years=YEARS
    )
    member = grantee.member
    assert member.email == f"removed-{member.id}@anonymised.invalid"
    assert (member.full_name, member.phone, member.is_active) == ("Removed", None, False)
    assert member.session_token != token and member.anonymised_at is not None
    assert not verify_password(member.password_hash, "demo-password-2026")
    assert not db.session.scalars(sa.select(RecoveryCode).where(RecoveryCode.user_id == member.id)).all()
    # Someone with another organisation or a staff role still needs their account.
    assert grantee.shared_member.anonymised_at is None and grantee.shared_member.full_name != "Removed"
    assert staff_member.anonymised_at is None


def test_the_removal_is_audited_with_what_went(grantee: Grantee) -> None:
    admin = _admin()
    anonymise_organisation(
        actor=admin, organisation=grantee.organisation, reason="Retention passed", now=utcnow() + LATER, years=YEARS
    )
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == ANONYMISED_ACTION)).one()
    assert (event.actor_id, event.subject_type, event.subject_id) == (admin.id, "Organisation", grantee.organisation.id)
    assert event.data["reason"] == "Retention passed"
    assert event.data["removed"]["answers"] == 1


def test_refused_before_the_retention_period_ends(grantee: Grantee) -> None:
    ends = get_retention(grantee.organisation, years=YEARS).ends_at
    assert ends is not None
    with pytest.raises(DomainError) as refused:
        anonymise_organisation(
            actor=_admin(), organisation=grantee.organisation, reason="Early", now=ends - timedelta(days=1), years=YEARS
        )
    assert refused.value.field == "reason"
    assert grantee.organisation.anonymised_at is None
    assert grantee.organisation.postcode == "SE1 7PB"


def test_refused_while_an_award_is_running(grantee: Grantee) -> None:
    running = grantee.world.awards[1].organisation  # its award is accepted, not ended
    assert get_retention(running, years=YEARS).ends_at is None
    with pytest.raises(DomainError, match="award is still running"):
        anonymise_organisation(
            actor=_admin(), organisation=running, reason="Retention", now=utcnow() + LATER * 5, years=YEARS
        )


def test_refused_twice_and_without_a_reason_and_for_anyone_but_an_admin(grantee: Grantee) -> None:
    later = utcnow() + LATER
    with pytest.raises(DomainError) as no_reason:
        anonymise_organisation(actor=_admin(), organisation=grantee.organisation, reason="  ", now=later, years=YEARS)
    assert no_reason.value.field == "reason"
    with pytest.raises(NotAllowed):
        anonymise_organisation(
            actor=grantee.member, organisation=grantee.organisation, reason="Mine", now=later, years=YEARS
        )
    anonymise_organisation(actor=_admin(), organisation=grantee.organisation, reason="First", now=later, years=YEARS)
    with pytest.raises(DomainError, match="already been removed"):
        anonymise_organisation(
            actor=_admin(), organisation=grantee.organisation, reason="Again", now=later, years=YEARS
        )


def test_retention_counts_from_the_last_decision_when_there_was_no_award(db_session: Any) -> None:
    _user, organisation = applicant_with_organisation()
    decision = DecisionFactory(
        application__organisation=organisation,
        application__status=ApplicationStatus.REJECTED,
        outcome=Outcome.REJECTED,
        decided_at=utcnow() + timedelta(days=30),
    )
    retention = get_retention(organisation, years=YEARS)
    assert retention.started_at == decision.decided_at
    assert retention.ends_at == decision.decided_at.replace(year=decision.decided_at.year + YEARS)


# --- the admin pages --------------------------------------------------------------------------------------------


@pytest.fixture()
def past_retention(app: Any, monkeypatch: pytest.MonkeyPatch, db_session: Any) -> Organisation:
    """An organisation that only ever had an application rejected two years ago, with a retention period of one
    year: due for removal."""
    monkeypatch.setitem(app.config, "PERSONAL_DATA_RETENTION_YEARS", 1)
    _user, organisation = applicant_with_organisation(name="Old Lane Allotments")
    long_ago = utcnow() - timedelta(days=2 * 366)
    decision = DecisionFactory(
        application__organisation=organisation,
        application__status=ApplicationStatus.REJECTED,
        outcome=Outcome.REJECTED,
        decided_at=long_ago,
    )
    decision.application.updated_at = organisation.updated_at = organisation.created_at = long_ago
    db.session.flush()
    return organisation


def test_the_admin_lists_organisations_past_retention_and_finds_any(client: Any, past_retention: Organisation) -> None:
    ApplicationFactory(organisation=OrganisationFactory(name="Recent Rowers"))
    sign_in_as(client, _admin())
    page = client.get("/admin/personal-data").get_data(as_text=True)
    assert "Old Lane Allotments" in page
    assert "Recent Rowers" not in page
    found = client.get("/admin/personal-data?q=rowers")
    assert found.status_code == 200 and "Recent Rowers" in found.get_data(as_text=True)


def test_the_admin_removes_personal_data_after_confirming_with_a_reason(
    client: Any, past_retention: Organisation
) -> None:
    sign_in_as(client, _admin())
    url = f"/admin/organisations/{past_retention.id}/remove-personal-data"
    page = client.get(url)
    assert page_title(page).startswith("Remove the personal data of Old Lane Allotments – ")
    assert "What will be kept" in page.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "reason": "Retention period passed"})
    assert response.status_code == 302
    db.session.refresh(past_retention)
    assert past_retention.anonymised_at is not None


def test_no_reason_is_shown_at_the_field(client: Any, past_retention: Organisation) -> None:
    sign_in_as(client, _admin())
    url = f"/admin/organisations/{past_retention.id}/remove-personal-data"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "reason": ""})
    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    assert field_error(response, "reason") == "Enter why the personal data is being removed"
    db.session.refresh(past_retention)
    assert past_retention.anonymised_at is None


def test_a_refusal_keeps_the_reason_typed(client: Any, db_session: Any) -> None:
    _user, organisation = applicant_with_organisation()  # active just now: seven years to go
    sign_in_as(client, _admin())
    url = f"/admin/organisations/{organisation.id}/remove-personal-data"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "reason": "Asked by the DPO"})
    assert "cannot remove this organisation" in field_error(response, "reason")
    assert "Asked by the DPO" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "role", [None, "member", StaffRole.FUND_MANAGER, StaffRole.FINANCE_OFFICER, StaffRole.ASSESSOR]
)
def test_only_admins_reach_the_pages(client: Any, past_retention: Organisation, role: Any) -> None:
    if role == "member":
        sign_in_as(client, past_retention.memberships[0].user)
    elif role is not None:
        sign_in_as(client, staff_user(role))
    for url in ("/admin/personal-data", f"/admin/organisations/{past_retention.id}/remove-personal-data"):
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
        else:
            assert response.status_code == 403
    url = f"/admin/organisations/{past_retention.id}/remove-personal-data"
    assert client.post(url, data={"reason": "x"}).status_code in (302, 400, 403)
    db.session.refresh(past_retention)
    assert past_retention.anonymised_at is None
