"""The ClamAV client against a fake clamd on a real socket (TCP and unix), and every upload path using it: a virus
is refused at the field and audited, a scanner that cannot answer refuses the file (fails closed), and whatever
else the person typed is kept."""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.applications.models import Answer, Attachment
from fundapp.core import antivirus
from fundapp.core.audit import AuditEvent
from fundapp.core.storage import SCANNER_UNAVAILABLE, VIRUS_FOUND
from fundapp.extensions import db
from fundapp.reporting.models import ReportEvidence
from tests.clamd import EICAR, EICAR_SIGNATURE, MARKER_SIGNATURE, VIRUS_MARKER, FakeClamd
from tests.factories import MembershipFactory, ReportFactory, applicant_with_organisation
from tests.helpers import csrf_token, field_error, sign_in_as
from tests.integration.applications.conftest import make_sef_round, started_application
from tests.sample_files import pdf_bytes


@pytest.fixture(params=["tcp", "unix"])
def clamd(request: pytest.FixtureRequest) -> Iterator[FakeClamd]:
    if request.param == "tcp":
        with FakeClamd() as server:
            yield server
        return
    folder = Path(tempfile.mkdtemp(prefix="clamd", dir="/tmp"))  # a unix socket path must be short
    try:
        with FakeClamd(unix_path=folder / "clamd.sock") as server:
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _scanner(server: FakeClamd, timeout: float = 2.0) -> antivirus.Scanner:
    return antivirus.Scanner.from_url(server.url, timeout=timeout)


# --- the client -------------------------------------------------------------------------------------------------


def test_a_clean_file_gets_no_signature(clamd: FakeClamd) -> None:
    assert _scanner(clamd).scan(pdf_bytes()) is None
    assert clamd.scanned == [pdf_bytes()]


def test_a_file_bigger_than_one_chunk_reaches_clamd_whole(clamd: FakeClamd) -> None:
    data = bytes(range(256)) * 1000  # 256,000 bytes: four chunks
    assert _scanner(clamd).scan(data) is None
    assert clamd.scanned == [data]


@pytest.mark.parametrize(
    ("data", "signature"),
    [(EICAR, EICAR_SIGNATURE), (pdf_bytes() + EICAR, EICAR_SIGNATURE), (VIRUS_MARKER, MARKER_SIGNATURE)],
    ids=["eicar", "eicar-in-a-pdf", "marker"],
)
def test_an_infected_file_gets_the_signature_clamd_found(clamd: FakeClamd, data: bytes, signature: str) -> None:
    assert _scanner(clamd).scan(data) == signature


@pytest.mark.parametrize("mode", ["error", "close", "slow"])
def test_a_scanner_that_errs_hangs_up_or_is_too_slow_gives_no_verdict(clamd: FakeClamd, mode: str) -> None:
    clamd.mode = mode
    with pytest.raises(antivirus.ScannerUnavailable):
        _scanner(clamd, timeout=0.2).scan(pdf_bytes())


def test_a_scanner_that_is_not_listening_gives_no_verdict() -> None:
    with FakeClamd() as server:
        url = server.url
    with pytest.raises(antivirus.ScannerUnavailable):
        antivirus.Scanner.from_url(url, timeout=1).scan(pdf_bytes())
    with pytest.raises(antivirus.ScannerUnavailable):
        antivirus.Scanner.from_url("unix:///nonexistent/clamd.sock", timeout=1).scan(pdf_bytes())


@pytest.mark.parametrize(
    "reply", ["", "stream: ", "stream: FOUND", "stream: maybe", "UNKNOWN COMMAND", "stream: Eicar FOUND extra"]
)
def test_a_reply_that_is_neither_ok_nor_found_is_no_verdict(reply: str) -> None:
    with pytest.raises(antivirus.ScannerUnavailable):
        antivirus._verdict(reply)  # noqa: SLF001 (the reply parser, without a server that says each odd thing)


@pytest.mark.parametrize("url", ["clamd:3310", "tcp://127.0.0.1", "http://127.0.0.1:3310", "unix://", ""])
def test_a_clamav_url_that_names_no_socket_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="CLAMAV_URL"):
        antivirus.Scanner.from_url(url, timeout=1)


def test_without_clamav_url_nothing_is_scanned(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "CLAMAV_URL", None)
    with app.app_context():
        assert antivirus.configured_scanner() is None
    monkeypatch.setitem(app.config, "CLAMAV_URL", "unix:///run/clamav/clamd.ctl")
    monkeypatch.setitem(app.config, "CLAMAV_TIMEOUT_SECONDS", 3)
    with app.app_context():
        assert antivirus.configured_scanner() == antivirus.Scanner("/run/clamav/clamd.ctl", 3.0)


# --- every upload path ------------------------------------------------------------------------------------------


@pytest.fixture()
def scanning(app: Flask, clamd: FakeClamd, monkeypatch: pytest.MonkeyPatch) -> FakeClamd:
    monkeypatch.setitem(app.config, "CLAMAV_URL", clamd.url)
    monkeypatch.setitem(app.config, "CLAMAV_TIMEOUT_SECONDS", 0.5)
    return clamd


def _virus_events() -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "upload.virus_found")))


def _stored_files(app: Flask) -> list[Path]:
    return [path for path in Path(app.config["UPLOAD_DIR"]).rglob("*") if path.is_file() and "tmp" not in path.parts]


def _post_need_section(client: Any, application_id: int, data: bytes) -> Any:
    url = f"/applications/{application_id}/sections/need"
    return client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "version": "0",
            "action": "continue",
            "need_description": "Young people in Lambeth have nowhere to meet after school.",
            "need_evidence_files": (io.BytesIO(data), "Needs survey.pdf"),
        },
        content_type="multipart/form-data",
    )


def _need_description(application_id: int) -> str | None:
    db.session.expire_all()
    answer = db.session.scalar(
        sa.select(Answer).where(Answer.application_id == application_id, Answer.question_key == "need_description")
    )
    return answer.raw if answer else None


def _attachments(application_id: int) -> list[Attachment]:
    return list(db.session.scalars(sa.select(Attachment).where(Attachment.application_id == application_id)))


def test_an_application_file_with_a_virus_is_refused_at_its_question_and_audited(
    app: Flask, client: Any, scanning: FakeClamd
) -> None:
    user, organisation = applicant_with_organisation()
    application = started_application(make_sef_round(), user, organisation)
    sign_in_as(client, user)
    before = _stored_files(app)
    response = _post_need_section(client, application.id, pdf_bytes() + EICAR)
    assert response.status_code == 200
    assert field_error(response, "need_evidence_files") == VIRUS_FOUND
    assert "Young people in Lambeth have nowhere to meet after school." in response.get_data(as_text=True)
    assert _need_description(application.id) == "Young people in Lambeth have nowhere to meet after school."
    assert _attachments(application.id) == []
    assert _stored_files(app) == before
    [event] = _virus_events()
    assert event.actor_id == user.id and (event.subject_type, event.subject_id) == ("Application", application.id)
    assert event.data["signature"] == EICAR_SIGNATURE
    assert event.data["filename"] == "Needs survey.pdf" and event.data["field"] == "need_evidence_files"
    assert "EICAR" not in str(event.data)  # the signature's name, never the file's content


@pytest.mark.parametrize("mode", ["error", "close", "slow"])
def test_an_application_file_is_refused_when_the_scanner_cannot_check_it(
    app: Flask, client: Any, scanning: FakeClamd, mode: str
) -> None:
    scanning.mode = mode
    user, organisation = applicant_with_organisation()
    application = started_application(make_sef_round(), user, organisation)
    sign_in_as(client, user)
    response = _post_need_section(client, application.id, pdf_bytes())
    assert field_error(response, "need_evidence_files") == SCANNER_UNAVAILABLE
    assert _need_description(application.id) == "Young people in Lambeth have nowhere to meet after school."
    assert _attachments(application.id) == []
    assert _virus_events() == []


def test_a_clean_application_file_is_scanned_and_stored(client: Any, scanning: FakeClamd) -> None:
    user, organisation = applicant_with_organisation()
    application = started_application(make_sef_round(), user, organisation)
    sign_in_as(client, user)
    response = _post_need_section(client, application.id, pdf_bytes())
    assert response.status_code in (200, 302)
    assert [a.filename for a in _attachments(application.id)] == ["Needs survey.pdf"]
    assert scanning.scanned == [pdf_bytes()]


def _upload_evidence(client: Any, report_id: int, data: bytes) -> Any:
    url = f"/reports/{report_id}/evidence"
    return client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "evidence": (io.BytesIO(data), "Register week 3.pdf")},
        content_type="multipart/form-data",
    )


def _evidence(report_id: int) -> list[ReportEvidence]:
    return list(db.session.scalars(sa.select(ReportEvidence).where(ReportEvidence.report_id == report_id)))


@pytest.mark.parametrize(
    ("mode", "data", "message"),
    [("scan", pdf_bytes() + EICAR, VIRUS_FOUND), ("close", pdf_bytes(), SCANNER_UNAVAILABLE)],
    ids=["virus", "scanner-down"],
)
def test_report_evidence_with_a_virus_or_unchecked_is_refused_at_the_field(
    app: Flask, client: Any, scanning: FakeClamd, mode: str, data: bytes, message: str
) -> None:
    scanning.mode = mode
    report = ReportFactory()
    member = MembershipFactory(organisation=report.award.organisation).user
    sign_in_as(client, member)
    before = _stored_files(app)
    response = _upload_evidence(client, report.id, data)
    assert response.status_code == 200
    assert field_error(response, "evidence") == message
    assert _evidence(report.id) == []
    assert _stored_files(app) == before
    events = _virus_events()
    if mode == "scan":
        [event] = events
        assert (event.subject_type, event.subject_id) == ("Report", report.id)
        assert event.data["signature"] == EICAR_SIGNATURE
    else:
        assert events == []


def test_clean_report_evidence_is_scanned_and_stored(client: Any, scanning: FakeClamd) -> None:
    report = ReportFactory()
    sign_in_as(client, MembershipFactory(organisation=report.award.organisation).user)
    assert _upload_evidence(client, report.id, pdf_bytes()).status_code == 302
    assert [e.filename for e in _evidence(report.id)] == ["Register week 3.pdf"]
    assert scanning.scanned == [pdf_bytes()]
