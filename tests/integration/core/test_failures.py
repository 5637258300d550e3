"""The database going away mid-request: the person sees a friendly 503 page (no stack trace, a way on), the error is
logged, nothing committed earlier is lost and nothing of the failed request is kept — not even the file it wrote.

(The outbox's retries are covered in test_jobs.py and mail/; failing background jobs in test_job_failures.py.)
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fundapp.extensions import db
from fundapp.reporting.models import ReportEvidence
from tests.factories import MembershipFactory, ReportFactory
from tests.helpers import csrf_token, page_title, sign_in_as
from tests.sample_files import pdf_bytes

GONE = OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))


@pytest.fixture()
def grantee(client: Any) -> Any:
    report = ReportFactory()
    sign_in_as(client, MembershipFactory(organisation=report.award.organisation).user)
    return report


def _upload(client: Any, report_id: int, name: str) -> Any:
    url = f"/reports/{report_id}/evidence"
    token = csrf_token(client, url)
    return client.post(
        url,
        data={"csrf_token": token, "evidence": (io.BytesIO(pdf_bytes(name)), f"{name}.pdf")},
        content_type="multipart/form-data",
    )


def _stored_files(app: Flask) -> set[Path]:
    return {path for path in Path(app.config["UPLOAD_DIR"]).rglob("*") if path.is_file() and "tmp" not in path.parts}


def _assert_friendly_503(response: Any) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert page_title(response).startswith("Sorry, the service is unavailable – ")
    assert "Anything you saved before this page is safe." in page
    assert 'href="/"' in page or "Go to the home page" in page
    assert "Traceback" not in page and "OperationalError" not in page and "server closed" not in page


def test_a_database_failing_at_commit_shows_a_friendly_page_and_keeps_what_was_committed(
    app: Flask, client: Any, grantee: Any, caplog: pytest.LogCaptureFixture
) -> None:
    assert _upload(client, grantee.id, "Register week 1").status_code == 302
    files_before = _stored_files(app)
    url = f"/reports/{grantee.id}/evidence"
    token = csrf_token(client, url)

    def fail(_session: Any) -> None:
        raise GONE

    event.listen(Session, "before_commit", fail)
    try:
        with caplog.at_level(logging.ERROR):
            response = client.post(
                url,
                data={"csrf_token": token, "evidence": (io.BytesIO(pdf_bytes("week 2")), "Register week 2.pdf")},
                content_type="multipart/form-data",
            )
    finally:
        event.remove(Session, "before_commit", fail)
    _assert_friendly_503(response)
    assert any("Database error during POST" in record.getMessage() for record in caplog.records)
    db.session.expire_all()
    names = db.session.scalars(sa.select(ReportEvidence.filename).where(ReportEvidence.report_id == grantee.id))
    assert list(names) == ["Register week 1.pdf"]
    assert _stored_files(app) == files_before  # the second file, written before the commit, was deleted again


def test_a_database_failing_at_a_query_shows_a_friendly_page(client: Any, grantee: Any) -> None:
    calls = {"n": 0}

    def fail_once(_state: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the first loads the signed-in person; the second is the page's own
            raise OperationalError("SELECT", {}, Exception("terminating connection due to administrator command"))

    event.listen(Session, "do_orm_execute", fail_once)
    try:
        response = client.get(f"/reports/{grantee.id}/evidence")
    finally:
        event.remove(Session, "do_orm_execute", fail_once)
    _assert_friendly_503(response)
    assert client.get(f"/reports/{grantee.id}/evidence").status_code == 200  # and the next request works
