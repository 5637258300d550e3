"""A person downloads everything held about them: their answers, files and activity are in it; secrets, other
organisations, scores, assessors and unpublished decisions are not; only ever their own; the download is audited."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.models import RecoveryCode, User
from fundapp.core import storage
from fundapp.core.audit import AuditEvent, record_event
from fundapp.core.clock import utcnow
from fundapp.extensions import db
from fundapp.programmes.states import QuestionType
from fundapp.reporting.personal_data import DOWNLOADED_ACTION
from tests.factories import (
    AnswerFactory,
    ApplicationFactory,
    AssessmentFactory,
    AttachmentFactory,
    DecisionFactory,
    MembershipFactory,
    QuestionFactory,
    QuestionSetFactory,
    SectionFactory,
    UserFactory,
    applicant_with_organisation,
)
from tests.helpers import page_title, sign_in_as

URL = "/account/your-data"
DOWNLOAD = "/account/your-data/download"


@dataclass
class Person:
    user: User
    attachment_bytes: bytes
    secrets: list[str]
    not_theirs: list[str]


@pytest.fixture()
def person(db_session: Any) -> Person:
    """An applicant with a submitted application (answers, an uploaded file, an assessor's score and an unpublished
    decision), two-factor set up, and another organisation's application on the same call."""
    user, organisation = applicant_with_organisation(name="Bow Youth Trust")
    user.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    user.totp_enabled_at = utcnow()
    db.session.add(RecoveryCode(user_id=user.id, code_hash="ab" * 32))
    application = ApplicationFactory(organisation=organisation, submitted=True, project_title="After school club")
    section = SectionFactory(question_set=QuestionSetFactory(round=application.round), key="about")
    QuestionFactory(section=section, key="contact_name", type=QuestionType.SHORT_TEXT, label="Who should we contact?")
    AnswerFactory(application=application, question_key="contact_name", raw="Sam Okafor", value="Sam Okafor")
    attachment = AttachmentFactory(application=application, uploaded_by_id=user.id, filename="../Our accounts.pdf")
    assessor = AssessmentFactory(application=application).assessor
    assessor.full_name = "Assessor Zebedee"
    DecisionFactory(application=application, reason="Panel thought the budget was thin", published_at=None)
    other = ApplicationFactory(round=application.round, project_title="Someone else's project", submitted=True)
    AnswerFactory(application=other, question_key="contact_name", raw="Other Person", value="Other Person")
    record_event("user.signed_in", actor=user, subject=user)
    db.session.flush()
    return Person(
        user=user,
        attachment_bytes=storage.read(attachment.storage_key),
        secrets=[user.password_hash, user.totp_secret, user.session_token, "ab" * 32],
        not_theirs=[
            "Someone else's project",
            "Other Person",
            other.organisation.name,
            "Assessor Zebedee",
            assessor.email,
            "Panel thought the budget was thin",
        ],
    )


def _download(client: Any) -> tuple[Any, dict[str, Any], zipfile.ZipFile]:
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return response, json.loads(archive.read("personal-data.json")), archive


def test_the_page_explains_what_is_included_and_links_the_download(client: Any, person: Person) -> None:
    sign_in_as(client, person.user)
    response = client.get(URL)
    assert response.status_code == 200
    assert page_title(response).startswith("Download your data – ")
    assert DOWNLOAD in response.get_data(as_text=True)
    assert URL in client.get("/account").get_data(as_text=True)


def test_the_download_holds_their_account_answers_and_the_files_they_uploaded(client: Any, person: Person) -> None:
    sign_in_as(client, person.user)
    response, data, archive = _download(client)
    assert response.headers["Content-Disposition"].startswith('attachment; filename="your-data-')
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/zip"
    assert data["account"]["email"] == person.user.email
    assert data["account"]["two_factor_enabled_at"] is not None
    assert [o["name"] for o in data["organisations"]] == ["Bow Youth Trust"]
    (application,) = data["applications"]
    assert application["project_title"] == "After school club"
    assert application["status"] == "Submitted"
    assert application["decision"] is None  # decided, but not yet told
    assert {"question": "Who should we contact?", "as_typed": "Sam Okafor"}.items() <= application["answers"][0].items()
    (path,) = [name for name in archive.namelist() if name.startswith("files/")]
    assert path.endswith("-Our accounts.pdf") and ".." not in path
    assert archive.read(path) == person.attachment_bytes
    assert "user.signed_in" in [event["action"] for event in data["activity"]]


def test_the_download_holds_no_secrets_and_nothing_about_other_people(client: Any, person: Person) -> None:
    sign_in_as(client, person.user)
    _response, _data, archive = _download(client)
    text = archive.read("personal-data.json").decode() + archive.read("README.txt").decode()
    for secret in person.secrets:
        assert secret not in text
    for other in person.not_theirs:
        assert other not in text
    assert "score" not in text.lower()


def test_a_published_decision_shows_its_outcome_and_feedback_but_not_the_reason(client: Any, db_session: Any) -> None:
    user, organisation = applicant_with_organisation()
    DecisionFactory(
        application__organisation=organisation,
        reason="Strong on need",
        feedback="Well done",
        published_at=utcnow(),
    )
    sign_in_as(client, user)
    _response, data, _archive = _download(client)
    assert data["applications"][0]["decision"] == {
        "outcome": "Awarded",
        "feedback": "Well done",
        "told_at": data["applications"][0]["decision"]["told_at"],
    }
    assert "Strong on need" not in json.dumps(data)


def test_each_person_gets_only_their_own_data(client: Any, person: Person) -> None:
    colleague = MembershipFactory(organisation=person.user.memberships[0].organisation).user
    sign_in_as(client, colleague)
    _response, data, archive = _download(client)
    assert data["account"]["email"] == colleague.email
    assert person.user.email not in json.dumps(data["account"])
    # The colleague did not upload the file: it is listed on the application, not copied into their download.
    assert not [name for name in archive.namelist() if name.startswith("files/")]


def test_the_download_is_audited(client: Any, person: Person) -> None:
    sign_in_as(client, person.user)
    _download(client)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == DOWNLOADED_ACTION)).one()
    assert (event.actor_id, event.subject_type, event.subject_id) == (person.user.id, "User", person.user.id)
    assert event.data["counts"]["files"] == 1


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, db_session: Any) -> None:
    for url in (URL, DOWNLOAD):
        response = client.get(url)
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]
    UserFactory()  # nothing about anyone was recorded
    assert not db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == DOWNLOADED_ACTION)).all()
