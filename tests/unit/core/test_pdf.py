"""PDF kernel: the URL fetcher serves packaged assets only, and documents come out as tagged PDF/UA-1."""

from __future__ import annotations

import io
import logging

import pypdf
import pytest

from fundapp.core.pdf import (
    AssetRefused,
    PackagedAssetFetcher,
    PdfRenderError,
    asset_path,
    paragraphs,
    render_pdf,
)

_HTML = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Grant letter</title><link rel="stylesheet" href="document.css"></head>
<body>
<p class="running-header">Shared Endeavour Fund · Letter GL-7</p>
<main><h1>Grant letter</h1><p>Dear Hackney Youth Voices,</p>
<table><thead><tr><th scope="col">Item</th><th scope="col">Amount</th></tr></thead>
<tbody><tr><td>Sessions</td><td>£1,200</td></tr></tbody></table></main>
</body>
</html>"""


def _html_with(fragment: str) -> str:
    return _HTML.replace("<main>", f"<main>{fragment}")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.org/x.css",
        "https://example.org/x.css",
        "ftp://example.org/x.css",
        "data:text/css,body{color:red}",
        "fundapp:/../../config.py",
        "fundapp:../config.py",
        "fundapp:/static/../../config.py",
        "fundapp:%2e%2e/config.py",
        "fundapp://example.org/document.css",
        "fundapp:/etc/passwd",
        "fundapp:document.css?x=1",
        "fundapp:missing.css",
        "fundapp:static",
        "fundapp:/static/js/app.js",
        "fundapp:",
        "document.css",
    ],
)
def test_fetcher_refuses_everything_but_packaged_assets(url: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fundapp.core.pdf"), pytest.raises(AssetRefused):
        PackagedAssetFetcher().fetch(url)
    assert "refused" in caplog.text


def test_fetcher_serves_the_packaged_stylesheet_by_name() -> None:
    response = PackagedAssetFetcher().fetch("fundapp:/document.css")
    try:
        assert response.content_type == "text/css"
        assert b"@page" in response.read()
    finally:
        response.close()
    assert asset_path("fundapp:document.css").name == "document.css"


def test_fetcher_serves_static_images_by_name() -> None:
    response = PackagedAssetFetcher().fetch("fundapp:static/images/favicon.svg")
    try:
        assert response.content_type == "image/svg+xml"
    finally:
        response.close()


def test_fetcher_stops_rendering_rather_than_fetching() -> None:
    """WeasyPrint only lets errors through that the fetcher marks fatal: ours are."""
    assert PackagedAssetFetcher()._fail_on_errors is True


@pytest.mark.parametrize(
    "fragment",
    [
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
        '<img src="file:///etc/passwd" alt="">',
        '<img src="../../config.py" alt="">',
        '<style>@import url("/etc/passwd");</style>',
        '<style>@font-face { font-family: x; src: url(https://example.org/f.woff2) }</style><p class="x">x</p>',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">',
    ],
)
def test_a_document_asking_for_anything_else_is_not_rendered(fragment: str) -> None:
    with pytest.raises(PdfRenderError):
        render_pdf(_html_with(fragment).replace("</head>", "<style>.x { font-family: x }</style></head>"), title="x")


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return render_pdf(_HTML, title="Grant letter GL-7")


@pytest.fixture(scope="module")
def reader(pdf_bytes: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf_bytes))


def test_rendered_document_is_a_pdf(pdf_bytes: bytes, reader: pypdf.PdfReader) -> None:
    assert pdf_bytes.startswith(b"%PDF-1.7")
    assert len(reader.pages) == 1


def test_title_is_in_the_metadata_and_shown_by_viewers(reader: pypdf.PdfReader) -> None:
    assert reader.metadata is not None
    assert reader.metadata.title == "Grant letter GL-7"
    catalog = reader.trailer["/Root"]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    xmp = _xmp(reader)
    assert "Grant letter GL-7" in xmp


def test_document_is_identified_as_pdf_ua_1(reader: pypdf.PdfReader) -> None:
    xmp = _xmp(reader)
    assert 'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"' in xmp
    assert 'pdfuaid:part="1"' in xmp


def test_document_is_tagged_with_its_language(reader: pypdf.PdfReader) -> None:
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    tags = _structure_types(catalog["/StructTreeRoot"])
    assert {"/H1", "/P", "/Table", "/TH", "/TD"} <= tags


def test_text_is_extractable_and_the_stylesheet_applied(reader: pypdf.PdfReader) -> None:
    text = reader.pages[0].extract_text()
    assert "Dear Hackney Youth Voices," in text
    assert "£1,200" in text
    # The running header and page number come from document.css: proof the stylesheet loaded.
    assert "Letter GL-7" in text
    assert "Page 1 of 1" in text
    # A4 in points.
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]


def test_language_given_overrides_the_html(reader: pypdf.PdfReader) -> None:
    welsh = pypdf.PdfReader(io.BytesIO(render_pdf(_HTML, title="Llythyr", lang="cy")))
    assert welsh.trailer["/Root"]["/Lang"] == "cy"


def test_rendering_is_repeatable(pdf_bytes: bytes) -> None:
    """The same inputs give the same bytes, so a stored document's hash can be checked by re-rendering."""
    assert render_pdf(_HTML, title="Grant letter GL-7") == pdf_bytes


def test_paragraphs_split_at_blank_lines_only() -> None:
    assert paragraphs("One\r\nline two\r\n\r\n  Two  \n \n\n") == ["One\nline two", "Two"]
    assert paragraphs("   ") == []


def _xmp(reader: pypdf.PdfReader) -> str:
    metadata = reader.trailer["/Root"]["/Metadata"].get_object()
    return metadata.get_data().decode()


def _structure_types(node: object) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, pypdf.generic.IndirectObject):
            item = item.get_object()
        if isinstance(item, pypdf.generic.ArrayObject):
            stack.extend(item)
        elif isinstance(item, pypdf.generic.DictionaryObject):
            if "/S" in item:
                found.add(str(item["/S"]))
            if "/K" in item:
                stack.append(item["/K"])
    return found
