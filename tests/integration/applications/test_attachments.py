"""Attaching files to applications: checked, stored, replaced and removed without ever orphaning a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.applications.attachments import add_attachment, remove_attachment
from fundapp.applications.models import Application, Attachment
from fundapp.core import storage
from fundapp.core.audit import AuditEvent
from fundapp.core.errors import DomainError, NotAllowed
from fundapp.core.transactions import commit_unit_of_work, rollback_unit_of_work
from fundapp.extensions import db
from fundapp.programmes.models import Question
from fundapp.programmes.states import QuestionType
from tests.factories import (
    ApplicationFactory,
    AttachmentFactory,
    MembershipFactory,
    QuestionFactory,
    QuestionSetFactory,
    RoundFactory,
    SectionFactory,
    UserFactory,
    applicant_with_organisation,
)
from tests.sample_files import docx_bytes, pdf_bytes, png_bytes


def _file_question(round_: Any, key: str, **config: Any) -> Question:
    question_set = round_.question_set or QuestionSetFactory(round=round_)
    return QuestionFactory(
        section=SectionFactory(question_set=question_set),
        key=key,
        type=QuestionType.FILE,
        config={"allowed_file_types": ["pdf", "docx", "odt"], "max_file_size_mb": 10, **config},
    )


@pytest.fixture()
def setup(db_session: Any) -> dict[str, Any]:
    user, organisation = applicant_with_organisation()
    application = ApplicationFactory(organisation=organisation)
    return {
        "user": user,
        "application": application,
        "policy": _file_question(application.round, "safeguarding_policy", max_files=1),
        "evidence": _file_question(application.round, "evidence", max_files=3),
    }


def _stored(key: str) -> bool:
    try:
        storage.path_of(key)
    except storage.UnknownFile:
        return False
    return True


def _events(action: str, application: Application) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.subject_id == application.id)
            .order_by(AuditEvent.id)
        )
    )


def _add(setup: dict[str, Any], question: str, filename: str = "Policy.pdf", data: bytes | None = None) -> Attachment:
    return add_attachment(
        actor=setup["user"],
        application=setup["application"],
        question=setup[question],
        filename=filename,
        data=pdf_bytes() if data is None else data,
    )


def test_a_checked_file_is_stored_under_a_random_key_with_its_details(setup: dict[str, Any]) -> None:
    data = pdf_bytes()
    attachment = _add(setup, "policy", "../../Our policy.pdf", data)
    assert attachment.application_id == setup["application"].id
    assert attachment.question_key == "safeguarding_policy"
    assert attachment.filename == "Our policy.pdf"
    assert (attachment.file_type, attachment.content_type) == ("pdf", "application/pdf")
    assert attachment.size_bytes == len(data)
    assert attachment.uploaded_by_id == setup["user"].id
    assert len(attachment.storage_key) == 32 and "policy" not in attachment.storage_key
    assert storage.read(attachment.storage_key) == data
    [event] = _events("attachment.added", setup["application"])
    assert event.actor_id == setup["user"].id
    assert event.data["filename"] == "Our policy.pdf"
    assert event.data["size_bytes"] == len(data)
    assert event.data["question_key"] == "safeguarding_policy"


def test_a_new_file_replaces_the_old_one_and_the_old_file_goes_after_the_commit(setup: dict[str, Any]) -> None:
    first = _add(setup, "policy", "Old policy.pdf")
    commit_unit_of_work()
    old_key = first.storage_key
    second = _add(setup, "policy", "New policy.docx", docx_bytes())
    assert [a.id for a in setup["application"].attachments] == [second.id]
    assert db.session.get(Attachment, first.id) is None
    assert _stored(old_key), "the old file must survive until the replacement is committed"
    commit_unit_of_work()
    assert not _stored(old_key)
    assert _stored(second.storage_key)
    [event] = _events("attachment.replaced", setup["application"])
    assert event.data["filename"] == "New policy.docx"
    assert [r["filename"] for r in event.data["replaced"]] == ["Old policy.pdf"]


def test_a_replacement_that_rolls_back_keeps_the_old_file_and_deletes_the_new_one(setup: dict[str, Any]) -> None:
    first = _add(setup, "policy")
    commit_unit_of_work()
    old_key = first.storage_key
    second = _add(setup, "policy", "New policy.pdf")
    new_key = second.storage_key
    assert _stored(new_key)
    rollback_unit_of_work()
    assert not _stored(new_key)
    assert _stored(old_key)


def test_a_file_written_for_a_unit_of_work_that_rolls_back_is_deleted(setup: dict[str, Any]) -> None:
    key = _add(setup, "evidence").storage_key
    assert _stored(key)
    rollback_unit_of_work()
    assert not _stored(key)


def test_a_question_taking_several_files_keeps_them_up_to_its_limit(setup: dict[str, Any]) -> None:
    for n in range(3):
        _add(setup, "evidence", f"Survey {n}.pdf")
    with pytest.raises(DomainError) as caught:
        _add(setup, "evidence", "One too many.pdf")
    assert caught.value.message == "You can upload up to 3 files"
    assert caught.value.field == "evidence"
    assert [a.filename for a in setup["application"].attachments] == [f"Survey {n}.pdf" for n in range(3)]


def test_a_file_the_check_refuses_is_an_error_at_the_question_and_nothing_is_stored(
    setup: dict[str, Any], app: Any
) -> None:
    upload_dir = Path(app.config["UPLOAD_DIR"])
    before = set(upload_dir.rglob("*"))
    with pytest.raises(DomainError) as caught:
        _add(setup, "policy", "policy.pdf", png_bytes())
    assert caught.value.message == "The selected file's contents do not match its name (.pdf)"
    assert caught.value.field == "safeguarding_policy"
    assert setup["application"].attachments == []
    assert set(upload_dir.rglob("*")) == before


def test_the_question_sets_the_size_limit_and_types(setup: dict[str, Any]) -> None:
    small = _file_question(setup["application"].round, "photo", allowed_file_types=["png", "jpg"], max_file_size_mb=1)
    setup["small"] = small
    with pytest.raises(DomainError, match="must be a PNG or JPG"):
        _add(setup, "small", "photo.pdf")
    with pytest.raises(DomainError, match="must be smaller than 1MB"):
        _add(setup, "small", "photo.png", png_bytes() + b"\0" * (1024 * 1024))


def test_files_cannot_be_added_once_the_application_is_submitted(db_session: Any) -> None:
    user, organisation = applicant_with_organisation()
    application = ApplicationFactory(organisation=organisation, submitted=True)
    question = _file_question(application.round, "policy")
    with pytest.raises(DomainError) as caught:
        add_attachment(actor=user, application=application, question=question, filename="a.pdf", data=pdf_bytes())
    assert caught.value.field == "policy"
    assert "before the application is submitted" in caught.value.message


def test_a_question_of_another_call_or_of_another_type_takes_no_files(setup: dict[str, Any]) -> None:
    setup["elsewhere"] = _file_question(RoundFactory(open=True), "policy")
    setup["text"] = QuestionFactory(section=setup["policy"].section, key="summary", type=QuestionType.LONG_TEXT)
    for question in ("elsewhere", "text"):
        with pytest.raises(DomainError, match="does not take files"):
            _add(setup, question)


def test_only_members_of_the_organisation_can_add_or_remove_files(setup: dict[str, Any]) -> None:
    outsider = MembershipFactory().user
    with pytest.raises(NotAllowed):
        add_attachment(
            actor=outsider,
            application=setup["application"],
            question=setup["policy"],
            filename="a.pdf",
            data=pdf_bytes(),
        )
    attachment = _add(setup, "policy")
    with pytest.raises(NotAllowed):
        remove_attachment(actor=UserFactory(), attachment=attachment)


def test_removing_deletes_the_row_now_and_the_file_after_the_commit(setup: dict[str, Any]) -> None:
    attachment = _add(setup, "evidence", "Survey.pdf")
    commit_unit_of_work()
    key, attachment_id = attachment.storage_key, attachment.id
    remove_attachment(actor=setup["user"], attachment=attachment)
    assert db.session.get(Attachment, attachment_id) is None
    assert _stored(key)
    commit_unit_of_work()
    assert not _stored(key)
    [event] = _events("attachment.removed", setup["application"])
    assert event.data == {
        "attachment_id": attachment_id,
        "question_key": "evidence",
        "filename": "Survey.pdf",
        "file_type": "pdf",
        "size_bytes": len(pdf_bytes()),
    }


def test_a_removal_that_rolls_back_keeps_the_file(setup: dict[str, Any]) -> None:
    attachment = _add(setup, "evidence")
    commit_unit_of_work()
    key = attachment.storage_key
    remove_attachment(actor=setup["user"], attachment=attachment)
    rollback_unit_of_work()
    assert _stored(key)


def test_files_cannot_be_removed_once_the_application_is_submitted(db_session: Any) -> None:
    user, organisation = applicant_with_organisation()
    attachment = AttachmentFactory(application=ApplicationFactory(organisation=organisation, submitted=True))
    with pytest.raises(DomainError, match="before the application is submitted"):
        remove_attachment(actor=user, attachment=attachment)
    assert _stored(attachment.storage_key)
