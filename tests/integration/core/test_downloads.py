"""Every file download the app serves: an attachment (never shown inline) under a sanitised RFC 6266 name
(`filename` and `filename*`), with nosniff, the right content type and no caching. A new download endpoint
(a view calling send_file, send_stored_file, send_bytes or Response) must be added to DOWNLOADS."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from fundapp.accounts.states import StaffRole
from fundapp.core.storage import content_disposition
from tests.factories import (
    ApplicationFactory,
    AttachmentFactory,
    MembershipFactory,
    ReportEvidenceFactory,
    ReportFactory,
    applicant_with_organisation,
    staff_user,
)
from tests.helpers import csrf_token, post_form, sign_in_as
from tests.integration.applications.conftest import complete_application, make_sef_round, started_application
from tests.integration.assessment.test_assessor_views import opened, scoring_world
from tests.integration.awards.test_batches import latest_batch, letters_call
from tests.integration.awards.test_letters import awarded
from tests.integration.reporting.export_world import finance_for, register_call

NASTY_NAME = "..\\..\\evil\u202egpj.exe\x07 \u201cfinal\u201d.pdf"
PDF = "application/pdf"


def _application_file(client: Any) -> tuple[str, str]:
    user, organisation = applicant_with_organisation()
    application = ApplicationFactory(organisation=organisation)
    attachment = AttachmentFactory(application=application, filename=NASTY_NAME)
    sign_in_as(client, user)
    return f"/applications/{application.id}/files/{attachment.id}", PDF


def _assessor_file(client: Any) -> tuple[str, str]:
    world = scoring_world()
    assessment = opened(world)
    sign_in_as(client, world.assessors[0])
    return f"/assessments/{assessment.id}/files/{world.attachment.id}", PDF


def _report_evidence(client: Any) -> tuple[str, str]:
    report = ReportFactory()
    evidence = ReportEvidenceFactory(report=report, filename=NASTY_NAME)
    sign_in_as(client, MembershipFactory(organisation=report.award.organisation).user)
    return f"/reports/{report.id}/evidence/{evidence.id}", PDF


def _copy_pdf(client: Any) -> tuple[str, str]:
    user, organisation = applicant_with_organisation()
    application = complete_application(started_application(make_sef_round(), user, organisation), user)
    sign_in_as(client, user)
    assert post_form(client, f"/applications/{application.id}/check-answers", {}).status_code == 302
    return f"/applications/{application.id}/copy.pdf", PDF


def _issued_letter(client: Any) -> Any:
    setup, award = awarded()
    sign_in_as(client, setup.manager)
    token = csrf_token(client, f"/staff/awards/{award.id}")
    assert client.post(f"/staff/awards/{award.id}/letter", data={"csrf_token": token}).status_code == 302
    return setup, award


def _staff_letter(client: Any) -> tuple[str, str]:
    _setup, award = _issued_letter(client)
    return f"/staff/awards/{award.id}/letters/1", PDF


def _applicant_letter(client: Any) -> tuple[str, str]:
    _setup, award = _issued_letter(client)
    member = MembershipFactory(organisation=award.organisation).user
    sign_in_as(client, member)
    return f"/awards/{award.id}/letter/1", PDF


def _letter_batch_zip(client: Any) -> tuple[str, str]:
    world = letters_call(ready=1, waiting=0)
    sign_in_as(client, world.setup.manager)
    assert post_form(client, world.url, {}).status_code == 302
    batch = latest_batch(world.setup.round.id)
    return f"{world.url}/{batch.id}/letters.zip", "application/zip"


def _export(client: Any) -> tuple[str, str]:
    world = register_call()
    sign_in_as(client, finance_for(world))
    response = post_form(client, "/staff/exports", {"scope": f"round-{world.round.id}", "export_format": "csv"})
    assert response.status_code == 302
    return f"{response.headers['Location']}/download", "text/csv; charset=utf-8"


def _ranking_csv(client: Any) -> tuple[str, str]:
    world = scoring_world()
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, fund_id=world.application.round.fund_id))
    return f"/staff/calls/{world.application.round_id}/ranking.csv", "text/csv; charset=utf-8"


def _personal_data(client: Any) -> tuple[str, str]:
    user, _organisation = applicant_with_organisation()
    sign_in_as(client, user)
    return "/account/your-data/download", "application/zip"


DOWNLOADS: dict[str, Callable[[Any], tuple[str, str]]] = {
    "applications.download_file": _application_file,
    "assessment.download_file": _assessor_file,
    "reporting.report_evidence_file": _report_evidence,
    "applications.copy_pdf": _copy_pdf,
    "awards.staff_letter": _staff_letter,
    "awards.applicant_letter": _applicant_letter,
    "awards.letter_batch_zip": _letter_batch_zip,
    "reporting.export_download": _export,
    "assessment.ranking_csv": _ranking_csv,
    "reporting.your_data_download": _personal_data,
}


@pytest.mark.parametrize("endpoint", sorted(DOWNLOADS))
def test_every_download_is_an_attachment_with_a_safe_name_nosniff_and_no_store(client: Any, endpoint: str) -> None:
    url, content_type = DOWNLOADS[endpoint](client)
    response = client.get(url)
    response.get_data()
    response.close()
    assert response.status_code == 200, f"{endpoint}: GET {url} gave {response.status_code}"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="[ -~]+"; filename\*=UTF-8\'\'[A-Za-z0-9%!#$&+.^_`|~-]+', disposition)
    assert not re.search(r"[\x00-\x1f\x7f]|\.\.|[/\\]|%E2%80%AE", disposition), disposition
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_every_view_that_sends_a_file_is_walked(app: Flask) -> None:
    senders = re.compile(r"\b(send_file|send_stored_file|send_bytes|send_attachment|send_letter|Response)\(")
    sending = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if senders.search(inspect.getsource(inspect.unwrap(view)))
    }
    not_downloads = {"core.healthcheck"}  # plain-text health answers, not files
    assert sending - not_downloads - set(DOWNLOADS) == set()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Report.pdf", "attachment; filename=\"Report.pdf\"; filename*=UTF-8''Report.pdf"),
        ("../../etc/passwd", "attachment; filename=\"passwd\"; filename*=UTF-8''passwd"),
        ("C:\\Users\\amy\\budget.xlsx", "attachment; filename=\"budget.xlsx\"; filename*=UTF-8''budget.xlsx"),
        ("invoice\u202efdp.exe", "attachment; filename=\"invoicefdp.exe\"; filename*=UTF-8''invoicefdp.exe"),
        (
            "a\r\nSet-Cookie: x=1.pdf",
            "attachment; filename=\"aSet-Cookie_ x=1.pdf\"; filename*=UTF-8''aSet-Cookie_%20x%3D1.pdf",
        ),
        ("", "attachment; filename=\"file\"; filename*=UTF-8''file"),
        ("Évaluation.pdf", "attachment; filename=\"Evaluation.pdf\"; filename*=UTF-8''%C3%89valuation.pdf"),
        ("\u4e2d\u6587.pdf", "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E4%B8%AD%E6%96%87.pdf"),
    ],
)
def test_a_download_name_is_sanitised_and_sent_twice_over(name: str, expected: str) -> None:
    assert content_disposition(name) == expected


def test_a_very_long_name_is_cut_to_150_characters_keeping_its_extension() -> None:
    disposition = content_disposition("x" * 500 + ".pdf")
    fallback = re.search(r'filename="([^"]+)"', disposition)
    assert fallback is not None and fallback[1] == "x" * 146 + ".pdf"
