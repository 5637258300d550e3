"""Issuing award letters: the stored, hashed, versioned PDF/UA document, what it says, when it is refused, and that
text people typed never becomes markup or makes the renderer fetch anything."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from typing import Any

import pypdf
import pytest

from fundapp.awards import services
from fundapp.awards.models import Award
from fundapp.awards.states import AwardStatus
from fundapp.core import storage
from fundapp.core.clock import utcnow
from fundapp.core.documents import StoredDocument
from fundapp.core.errors import DomainError
from fundapp.core.pdf import PackagedAssetFetcher, PdfRenderError, render_pdf
from fundapp.extensions import db
from tests.factories import complete_due_diligence
from tests.integration.awards.conftest import DecisionSetup, make_decision_round

HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel=stylesheet href="http://example.com/x.css">',
    "<style>@import url(file:///etc/passwd)</style>",
]


def awarded(*, conditions: str = "", publish: bool = True, checked: bool = True) -> tuple[DecisionSetup, Award]:
    """A call with one approved application (£20,000), its outcomes published and due diligence done."""
    setup = make_decision_round(applications=1)
    award = services.approve_application(
        actor=setup.manager,
        application=setup.applications[0],
        amount_pence=2_000_000,
        conditions=conditions,
        reason="",
        now=utcnow(),
    )
    if publish:
        setup.round.outcomes_published_at = utcnow()
    if checked:
        complete_due_diligence(award, by=setup.finance)
    db.session.flush()
    return setup, award


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _stored(document: StoredDocument) -> bytes:
    return storage.path_of(document.storage_key).read_bytes()


def test_issuing_stores_a_hashed_versioned_letter_that_says_what_was_offered(db_session: Any) -> None:
    setup, award = awarded()
    document = services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())
    data = _stored(document)
    assert document.kind == "award_letter"
    assert document.version == 1
    assert document.template_version == "award-letter/1"
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size_bytes == len(data)
    assert document.inputs["reference"] == award.reference
    assert award.status == AwardStatus.LETTER_ISSUED
    text = _text(data)
    assert award.reference in text
    assert "£20,000.00" in text
    assert "Twenty thousand pounds" in text
    for payment in award.payments:
        assert f"£{payment.amount_pence / 100:,.2f}" in text
    assert award.verification_code in text
    assert "There are no extra conditions" in text
    assert "Dear Pat Chair" in text


def test_the_letter_is_tagged_pdf_ua_with_a_title_and_language(db_session: Any) -> None:
    setup, award = awarded()
    data = _stored(services.issue_award_letter(actor=setup.manager, award=award, now=utcnow()))
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == f"Grant offer letter {award.reference}: {award.application.project_title}"
    assert len(reader.pages) <= 2


def test_conditions_are_printed_as_paragraphs(db_session: Any) -> None:
    setup, award = awarded(conditions="Send us your safeguarding policy.\n\nName a project lead.")
    text = _text(_stored(services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())))
    assert "Send us your safeguarding policy." in text
    assert "Name a project lead." in text
    assert "There are no extra conditions" not in text


def test_reissuing_makes_a_new_version_and_keeps_the_first_unchanged(db_session: Any) -> None:
    setup, award = awarded()
    first = services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())
    first_bytes = _stored(first)
    second = services.issue_award_letter(actor=setup.manager, award=award, now=utcnow() + timedelta(days=1))
    assert (first.version, second.version) == (1, 2)
    assert first.storage_key != second.storage_key
    assert _stored(first) == first_bytes
    assert hashlib.sha256(first_bytes).hexdigest() == first.sha256


def test_no_letter_before_the_outcomes_are_published(db_session: Any) -> None:
    setup, award = awarded(publish=False)
    with pytest.raises(DomainError, match="Publish the call's outcomes"):
        services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())


def test_no_letter_while_due_diligence_is_outstanding(db_session: Any) -> None:
    setup, award = awarded(checked=False)
    with pytest.raises(DomainError, match="Finish due diligence"):
        services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())


def test_no_new_letter_once_the_offer_is_accepted(db_session: Any) -> None:
    setup, award = awarded()
    services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())
    award.status = AwardStatus.ACCEPTED
    db.session.flush()
    with pytest.raises(DomainError, match="answered"):
        services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())


@pytest.mark.parametrize("hostile", HOSTILE)
def test_markup_people_typed_is_printed_as_text_and_nothing_is_fetched(
    db_session: Any, hostile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup, award = awarded(conditions=f"Condition {hostile}")
    award.organisation.name = f"Org {hostile}"
    award.application.project_title = f"Project {hostile}"
    db.session.flush()
    fetched: list[str] = []
    original = PackagedAssetFetcher.fetch

    def recording(self: PackagedAssetFetcher, url: str, headers: dict[str, str] | None = None) -> Any:
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(PackagedAssetFetcher, "fetch", recording)
    text = _text(_stored(services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())))
    assert fetched
    assert all(url.startswith("fundapp:") for url in fetched)
    squeezed = text.replace(" ", "")
    assert f"Condition{hostile}".replace(" ", "") in squeezed
    assert f"Org{hostile}".replace(" ", "") in squeezed


@pytest.mark.parametrize(
    "fragment",
    [
        '<img src="file:///etc/passwd" alt="">',
        '<link rel="stylesheet" href="http://example.com/x.css">',
        "<style>@import url(file:///etc/passwd);</style>",
    ],
)
def test_a_letter_template_that_named_outside_urls_would_not_render(fragment: str) -> None:
    html = (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Letter</title>'
        f'<link rel="stylesheet" href="letter.css"></head><body>{fragment}<h1>Offer</h1></body></html>'
    )
    with pytest.raises(PdfRenderError):
        render_pdf(html, title="Letter")
