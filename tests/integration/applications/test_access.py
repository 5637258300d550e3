"""Who can reach an organisation's application, URL by URL: nobody outside it can read, change or download
anything of it, or even learn that it exists (404), URL guessing included.

ROWS lists every URL of one application. A route with an application id in its address that is missing here
fails test_every_route_about_an_application_is_in_this_table: add a row, and decide who may reach it.
ARCHITECTURE: 404 for what a user may not know exists; 403 for what they know of but may not do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.applications import services
from fundapp.applications.models import Answer, Application, Attachment
from fundapp.applications.states import ApplicationStatus, SectionStatus
from fundapp.core.documents import store_document
from fundapp.programmes.states import QuestionType
from tests.factories import (
    ApplicationFactory,
    ApplicationSectionFactory,
    AttachmentFactory,
    FundFactory,
    QuestionFactory,
    QuestionSetFactory,
    RoundFactory,
    SectionFactory,
    UserFactory,
    applicant_with_organisation,
    staff_user,
)
from tests.helpers import IsolatedClient, hidden_fields, sign_in_as
from tests.sample_files import pdf_bytes


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    path: str  # formatted with the ids of the `world` fixture
    data: dict[str, str] = field(default_factory=dict)
    member: int = 200  # what a member of the owning organisation gets (the control)
    fund_manager: int = 200  # what a fund manager of the call gets (drafts are private: 404)

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"


ROWS = [
    Row("applications.task_list", "GET", "/applications/{draft}", fund_manager=404),
    Row("applications.section", "GET", "/applications/{draft}/sections/risks", fund_manager=404),
    Row(
        "applications.section",
        "POST",
        "/applications/{draft}/sections/risks",
        {"risks": "Overwritten by an outsider", "version": "0", "action": "later"},
        member=302,
        fund_manager=404,
    ),
    Row("applications.check_section", "GET", "/applications/{draft}/sections/risks/check", fund_manager=404),
    Row(
        "applications.check_section",
        "POST",
        "/applications/{draft}/sections/risks/check",
        {"completed": "no"},
        member=302,
        fund_manager=404,
    ),
    Row("applications.check_answers", "GET", "/applications/{draft}/check-answers", fund_manager=404),
    Row("applications.check_answers", "POST", "/applications/{draft}/check-answers", fund_manager=404),
    Row("applications.task_list", "GET", "/applications/{submitted}", fund_manager=302),
    Row("applications.check_answers", "GET", "/applications/{submitted}/check-answers"),
    Row("applications.download_file", "GET", "/applications/{submitted}/files/{submitted_file}"),
    Row("applications.submitted", "GET", "/applications/{submitted}/submitted", fund_manager=403),
    Row("applications.copy_pdf", "GET", "/applications/{submitted}/copy.pdf"),
    Row("applications.withdraw", "GET", "/applications/{draft}/withdraw", fund_manager=404),
    Row(
        "applications.withdraw",
        "POST",
        "/applications/{draft}/withdraw",
        {"reason": "Withdrawn by an outsider"},
        member=302,
        fund_manager=404,
    ),
    Row("applications.download_file", "GET", "/applications/{draft}/files/{file}", fund_manager=404),
    Row("applications.remove_file", "POST", "/applications/{draft}/files/{file}/remove", member=302, fund_manager=404),
    Row("applications.staff_view", "GET", "/staff/applications/{submitted}", member=404),
    Row("reporting.application_history", "GET", "/staff/applications/{submitted}/history", member=404),
    Row("applications.override_eligibility", "GET", "/staff/applications/{submitted}/eligibility", member=404),
    Row(
        "applications.override_eligibility",
        "POST",
        "/staff/applications/{submitted}/eligibility",
        {"decision": "ineligible", "reason": "Changed by an outsider"},
        member=404,
        fund_manager=302,
    ),
    # Its assessors and scores (the full matrix is in tests/integration/assessment/test_manage_access.py).
    Row("assessment.application_assessors", "GET", "/staff/applications/{submitted}/assessors", member=404),
    Row(
        "assessment.application_assessors",
        "POST",
        "/staff/applications/{submitted}/assessors",
        {"assessor": ""},  # nobody chosen: the page is shown again with the error, nothing changes
        member=404,
    ),
    # Its moderation (the full matrix is in tests/integration/assessment/test_moderation_access.py).
    Row("assessment.moderate", "GET", "/staff/applications/{submitted}/moderation", member=404),
    Row(
        "assessment.moderate",
        "POST",
        "/staff/applications/{submitted}/moderation",
        {"note": "Resolved by an outsider"},  # not assessed yet: the page says so, nothing changes
        member=404,
    ),
    # Its decision (the full matrix is in tests/integration/awards/test_decisions_access.py), and the applicant's
    # outcome page, which exists only once a decision is published (so not for this one: 404 to everyone).
    Row("awards.decide", "GET", "/staff/calls/{round}/decisions/{submitted}", member=404),
    Row(
        "awards.decide",
        "POST",
        "/staff/calls/{round}/decisions/{submitted}",
        {"outcome": "rejected", "feedback": "Rejected by an outsider"},  # not moderated: refused, nothing changes
        member=404,
        fund_manager=422,
    ),
    Row(
        "awards.withdraw_decision",
        "POST",
        "/staff/calls/{round}/decisions/{submitted}/withdraw",
        {"reason": "Taken back by an outsider"},  # not decided: refused, nothing changes
        member=404,
        fund_manager=422,
    ),
    Row("awards.applicant_outcome", "GET", "/applications/{submitted}/outcome", member=404, fund_manager=404),
]

# Routes of the applications domain that are not about one application, and where their access is tested.
NOT_ABOUT_ONE_APPLICATION = {
    "applications.start": "test_nobody_can_start_an_application_for_an_organisation_they_do_not_belong_to",
    "applications.dashboard": "test_the_dashboard_lists_only_the_users_own_organisations_applications",
    "applications.screening_queue": "test_the_screening_queue_* below",
}

OUTSIDERS = [
    "member of another organisation",
    "applicant with no organisation",
    "assessor with no role on the call",
    "fund manager of another fund",
    "finance officer of another fund",
]


@pytest.fixture()
def world(db_session: Any) -> dict[str, Any]:
    """Organisation A's draft (with a file) and submitted application (with its PDF copy), and B's draft."""
    round_ = RoundFactory(open=True)
    section = SectionFactory(question_set=QuestionSetFactory(round=round_), key="risks", title="Risks")
    QuestionFactory(section=section, key="risks", type=QuestionType.LONG_TEXT, config={"word_limit": 300})
    a_user, a_organisation = applicant_with_organisation(name="Organisation A")
    draft = ApplicationFactory(round=round_, organisation=a_organisation)
    ApplicationSectionFactory(application=draft, section_key="risks", status=SectionStatus.NOT_STARTED, version=0)
    submitted = ApplicationFactory(round=round_, organisation=a_organisation, eligible=True)
    store_document(
        kind=services.COPY_KIND,
        subject=submitted,
        data=pdf_bytes("Copy of the application"),
        filename=f"application-{submitted.reference}.pdf",
        content_type="application/pdf",
        template_version="test",
        inputs={},
        actor=None,
    )
    b_user, b_organisation = applicant_with_organisation(name="Organisation B")
    b_draft = ApplicationFactory(round=round_, organisation=b_organisation)
    return {
        "round": round_,
        "a_user": a_user,
        "b_user": b_user,
        "ids": {
            "round": round_.id,
            "draft": draft.id,
            "submitted": submitted.id,
            "file": AttachmentFactory(application=draft).id,
            "submitted_file": AttachmentFactory(application=submitted).id,
            "b_draft": b_draft.id,
            "b_file": AttachmentFactory(application=b_draft).id,
        },
    }


def _outsider(who: str, world: dict[str, Any]) -> User:
    other_fund = FundFactory().id
    return {
        "member of another organisation": lambda: world["b_user"],
        "applicant with no organisation": UserFactory,
        "assessor with no role on the call": lambda: staff_user(StaffRole.ASSESSOR, round_id=RoundFactory().id),
        "fund manager of another fund": lambda: staff_user(StaffRole.FUND_MANAGER, fund_id=other_fund),
        "finance officer of another fund": lambda: staff_user(StaffRole.FINANCE_OFFICER, fund_id=other_fund),
    }[who]()


def _request(client: IsolatedClient, method: str, path: str, data: dict[str, str] | None = None) -> Any:
    """GET, or POST with a valid form token of this browser's session (so only the access rules can refuse)."""
    if method == "GET":
        response = client.get(path)
    else:
        token = hidden_fields(client.get("/sign-in"))["csrf_token"]
        response = client.post(path, data={"csrf_token": token, **(data or {})})
    response.get_data()
    response.close()  # file downloads stream from an open file
    return response


def _send(client: IsolatedClient, row: Row, world: dict[str, Any]) -> Any:
    return _request(client, row.method, row.path.format(**world["ids"]), row.data)


def _nothing_changed(db_session: Any, world: dict[str, Any]) -> None:
    db_session.expire_all()
    ids = world["ids"]
    draft = db_session.get(Application, ids["draft"])
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.withdrawal_reason is None
    assert db_session.scalars(sa.select(Answer).where(Answer.application_id == ids["draft"])).all() == []
    assert {s.status for s in draft.sections} == {SectionStatus.NOT_STARTED}
    assert db_session.get(Attachment, ids["file"]) is not None
    submitted = db_session.get(Application, ids["submitted"])
    assert (submitted.status, submitted.eligibility_override_reason) == (ApplicationStatus.ELIGIBLE, None)


# --- outsiders never learn that A's application exists ---------------------------------------------------


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_nobody_outside_the_organisation_or_the_call_can_reach_any_url_of_its_application(
    client: IsolatedClient, world: dict[str, Any], db_session: Any, row: Row, who: str
) -> None:
    sign_in_as(client, _outsider(who, world))
    assert _send(client, row, world).status_code == 404
    _nothing_changed(db_session, world)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(
    client: IsolatedClient, world: dict[str, Any], db_session: Any, row: Row
) -> None:
    response = _send(client, row, world)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    _nothing_changed(db_session, world)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/applications/{b_draft}/files/{file}"),  # A's file id under B's own application
        ("POST", "/applications/{b_draft}/files/{file}/remove"),
        ("GET", "/applications/{b_draft}/sections/bank_details"),  # a section the form does not have
        ("POST", "/applications/{b_draft}/sections/bank_details"),
        ("GET", "/applications/{b_draft}/sections/bank_details/check"),
        ("GET", "/applications/999999"),  # an application that does not exist
        ("GET", "/applications/999999/copy.pdf"),
        ("GET", "/staff/applications/999999"),
    ],
)
def test_guessing_addresses_from_inside_your_own_application_finds_nothing(
    client: IsolatedClient, world: dict[str, Any], db_session: Any, method: str, path: str
) -> None:
    sign_in_as(client, world["b_user"])
    assert _request(client, method, path.format(**world["ids"])).status_code == 404
    _nothing_changed(db_session, world)


# --- the people who may: the organisation's members and the call's staff ---------------------------------


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_member_of_the_organisation_reaches_every_applicant_url_of_its_application(
    client: IsolatedClient, world: dict[str, Any], row: Row
) -> None:
    sign_in_as(client, world["a_user"])
    assert _send(client, row, world).status_code == row.member


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_fund_manager_of_the_call_reads_it_but_may_not_act_as_the_applicant(
    client: IsolatedClient, world: dict[str, Any], row: Row
) -> None:
    # A draft is the organisation's own: staff may not know it exists (404). Once submitted, the fund manager
    # knows it exists: what they may not do as staff is refused (403), never hidden.
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, fund_id=world["round"].fund_id))
    assert _send(client, row, world).status_code == row.fund_manager


def test_a_finance_officer_of_the_call_reads_the_application_but_may_not_change_its_eligibility(
    client: IsolatedClient, world: dict[str, Any]
) -> None:
    sign_in_as(client, staff_user(StaffRole.FINANCE_OFFICER, fund_id=world["round"].fund_id))
    submitted = world["ids"]["submitted"]
    assert _request(client, "GET", f"/staff/applications/{submitted}").status_code == 200
    assert _request(client, "GET", f"/applications/{submitted}/copy.pdf").status_code == 200
    assert _request(client, "GET", f"/staff/applications/{submitted}/eligibility").status_code == 403
    # Neither page offers them the change they would be refused.
    for page in (f"/staff/applications/{submitted}", f"/staff/calls/{world['round'].id}/screening"):
        response = _request(client, "GET", page)
        assert response.status_code == 200
        assert f"/staff/applications/{submitted}/eligibility" not in response.get_data(as_text=True)


def test_the_other_organisations_member_sees_their_own_application(
    client: IsolatedClient, world: dict[str, Any]
) -> None:
    sign_in_as(client, world["b_user"])
    ids = world["ids"]
    for path in (
        f"/applications/{ids['b_draft']}",
        f"/applications/{ids['b_draft']}/check-answers",
        f"/applications/{ids['b_draft']}/files/{ids['b_file']}",
    ):
        assert _request(client, "GET", path).status_code == 200, path


def test_nobody_can_start_an_application_for_an_organisation_they_do_not_belong_to(
    client: IsolatedClient, world: dict[str, Any], db_session: Any
) -> None:
    sign_in_as(client, world["b_user"])
    a_organisation = world["a_user"].memberships[0].organisation
    before = db_session.scalar(sa.select(sa.func.count(Application.id)))
    response = _request(client, "POST", f"/calls/{world['round'].code}/apply", {"organisation": str(a_organisation.id)})
    assert response.status_code == 200
    assert "Select one of your organisations" in response.get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count(Application.id))) == before


def test_the_dashboard_lists_only_the_users_own_organisations_applications(
    client: IsolatedClient, world: dict[str, Any]
) -> None:
    sign_in_as(client, world["b_user"])
    page = client.get("/applications").get_data(as_text=True)
    assert f'href="/applications/{world["ids"]["b_draft"]}"' in page
    assert f'href="/applications/{world["ids"]["draft"]}"' not in page
    assert "Organisation A" not in page


# --- the call's screening queue: staff know calls exist, applicants must not learn of the queue ----------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member of another organisation", 404),
        ("applicant with no organisation", 404),
        ("assessor with no role on the call", 403),
        ("fund manager of another fund", 403),
        ("finance officer of another fund", 403),
    ],
)
def test_the_screening_queue_is_refused_to_everyone_but_the_calls_staff(
    client: IsolatedClient, world: dict[str, Any], who: str, status: int
) -> None:
    sign_in_as(client, _outsider(who, world))
    response = _request(client, "GET", f"/staff/calls/{world['round'].id}/screening")
    assert response.status_code == status
    assert world["a_user"].memberships[0].organisation.name not in response.get_data(as_text=True)


def test_the_screening_queue_is_shown_to_the_calls_fund_manager(client: IsolatedClient, world: dict[str, Any]) -> None:
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, round_id=world["round"].id))
    response = _request(client, "GET", f"/staff/calls/{world['round'].id}/screening")
    assert response.status_code == 200
    assert f"/staff/applications/{world['ids']['submitted']}/eligibility" in response.get_data(as_text=True)


# --- nothing forgotten ------------------------------------------------------------------------------------


def test_every_route_about_an_application_is_in_this_table(app: Flask) -> None:
    covered = {(row.endpoint, row.method) for row in ROWS}
    missing = []
    for rule in app.url_map.iter_rules():
        about_one = "application_id" in rule.arguments
        if not about_one and rule.endpoint.startswith("applications."):
            if rule.endpoint not in NOT_ABOUT_ONE_APPLICATION:
                missing.append(f"{rule.endpoint}: add it to NOT_ABOUT_ONE_APPLICATION with where it is tested")
            continue
        if about_one:
            missing.extend(
                f"{method} {rule.rule} ({rule.endpoint})"
                for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
                if (rule.endpoint, method) not in covered
            )
    assert missing == []
