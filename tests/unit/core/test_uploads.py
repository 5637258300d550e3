"""Checking uploads: type by content (not just the name), size, zip bombs, and safe file names."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile

import pytest

from fundapp.core.uploads import (
    CONTENT_TYPES,
    FILE_TYPES,
    MAX_ZIP_UNCOMPRESSED_BYTES,
    MB,
    UploadRejected,
    describe_types,
    detect_type,
    format_file_size,
    inspect_upload,
    safe_filename,
)
from tests.sample_files import (
    DOCM_MAIN,
    DOCX_MAIN,
    SAMPLES,
    docx_bytes,
    jpeg_bytes,
    odt_bytes,
    ooxml_bytes,
    pdf_bytes,
    png_bytes,
)

ALL = list(FILE_TYPES)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 112 + b"This program cannot be run"


def _inspect(filename: str, data: bytes, allowed: list[str] | None = None, max_bytes: int = 10 * MB):
    return inspect_upload(filename=filename, data=data, allowed_types=allowed or ALL, max_bytes=max_bytes)


def _rejected(filename: str, data: bytes, allowed: list[str] | None = None, max_bytes: int = 10 * MB) -> str:
    with pytest.raises(UploadRejected) as caught:
        _inspect(filename, data, allowed, max_bytes)
    return caught.value.message


@pytest.mark.parametrize("file_type", FILE_TYPES)
def test_every_allowed_type_is_recognised_by_its_contents(file_type: str) -> None:
    data = SAMPLES[file_type]()
    upload = _inspect(f"Evidence.{file_type}", data)
    assert upload.file_type == file_type
    assert upload.content_type == CONTENT_TYPES[file_type]
    assert upload.size == len(data)
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.filename == f"Evidence.{file_type}"


def test_jpeg_extension_is_a_jpg_and_keeps_its_name() -> None:
    upload = _inspect("Photo.JPEG", jpeg_bytes())
    assert (upload.file_type, upload.filename, upload.content_type) == ("jpg", "Photo.JPEG", "image/jpeg")


def test_an_odf_file_whose_mimetype_entry_is_not_first_is_still_recognised() -> None:
    # filetype only looks at the first entry; the archive's own mimetype entry decides.
    assert detect_type(odt_bytes(mimetype_first=False)) == "odt"


def test_a_program_renamed_pdf_is_refused() -> None:
    assert _rejected("report.pdf", EXE) == "The selected file's contents do not match its name (.pdf)"


def test_an_image_renamed_pdf_is_refused() -> None:
    assert _rejected("report.pdf", png_bytes()) == "The selected file's contents do not match its name (.pdf)"


def test_a_word_document_renamed_spreadsheet_is_refused() -> None:
    assert _rejected("budget.xlsx", docx_bytes()) == "The selected file's contents do not match its name (.xlsx)"


def test_a_macro_enabled_document_renamed_docx_is_refused() -> None:
    data = ooxml_bytes(part="word/document.xml", content_type=DOCM_MAIN)
    assert _rejected("letter.docx", data) == "The selected file's contents do not match its name (.docx)"


def test_a_package_whose_main_part_is_missing_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override ContentType="{DOCX_MAIN}" PartName="/word/document.xml"/></Types>',
        )
        archive.writestr("word/other.xml", "<x/>")
    assert detect_type(buffer.getvalue()) is None


def test_a_plain_zip_named_docx_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "do not match" in _rejected("notes.docx", buffer.getvalue())


def test_an_archive_named_pdf_is_refused_without_being_unpacked(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse_to_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("an archive called .pdf must not be opened")

    data = docx_bytes()
    monkeypatch.setattr(zipfile, "ZipFile", refuse_to_open)
    assert "do not match" in _rejected("report.pdf", data)


def test_text_named_pdf_is_refused() -> None:
    assert "do not match" in _rejected("notes.pdf", b"just some text")


def test_an_empty_file_is_refused() -> None:
    assert _rejected("report.pdf", b"") == "The selected file is empty"


def test_a_file_over_the_limit_is_refused_with_the_limit_in_the_message() -> None:
    data = pdf_bytes() + b"%" * (2 * MB)
    assert _rejected("report.pdf", data, max_bytes=2 * MB) == "The selected file must be smaller than 2MB"


def test_a_file_exactly_at_the_limit_is_accepted() -> None:
    data = pdf_bytes()
    assert _inspect("report.pdf", data, max_bytes=len(data)).size == len(data)


def test_a_type_the_question_does_not_allow_is_refused_naming_the_allowed_types() -> None:
    message = _rejected("photo.png", png_bytes(), allowed=["pdf", "docx", "odt"])
    assert message == "The selected file must be a PDF, Word document or OpenDocument text"


def test_a_file_without_an_extension_is_refused() -> None:
    assert _rejected("report", pdf_bytes(), allowed=["pdf"]) == "The selected file must be a PDF"


def test_an_unknown_extension_is_refused() -> None:
    assert _rejected("setup.exe", EXE).startswith("The selected file must be a PDF, Word document, Excel")


def test_allowed_types_are_described_in_plain_words() -> None:
    assert describe_types(["xlsx", "ods"]) == "an Excel spreadsheet or OpenDocument spreadsheet"
    assert describe_types(["png", "jpg"]) == "a PNG or JPG"


def test_a_question_allowing_no_known_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no|none"):
        _inspect("x.exe", EXE, allowed=["exe"])


# --- zip bombs and damaged archives -------------------------------------------------------------------


def test_an_archive_with_more_than_1000_entries_is_refused() -> None:
    extra = {f"word/media/part{n}.xml": b"<x/>" for n in range(1_000)}
    data = ooxml_bytes(part="word/document.xml", content_type=DOCX_MAIN, extra=extra)
    assert _rejected("many.docx", data).startswith("The selected file is too large to check")


def test_an_archive_that_unpacks_to_more_than_100mb_is_refused_without_unpacking_it() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml", f'<Types><Override PartName="/word/document.xml" ContentType="{DOCX_MAIN}"/></Types>'
        )
        archive.writestr("word/document.xml", "<document/>")
        with archive.open("word/media/zeros.bin", "w") as entry:
            chunk = bytes(MB)
            for _ in range(MAX_ZIP_UNCOMPRESSED_BYTES // MB + 1):
                entry.write(chunk)
    data = buffer.getvalue()
    assert len(data) < MB  # tiny on the wire, huge unpacked
    assert _rejected("bomb.docx", data).startswith("The selected file is too large to check")


def test_an_archive_that_understates_an_entry_size_is_refused_as_damaged() -> None:
    # Lie in the central directory: say the main part unpacks to 1 byte. Reading stops there; the CRC fails.
    data = bytearray(docx_bytes())
    central_directory = data.index(b"PK\x01\x02")
    header = data.index(b"word/document.xml", central_directory) - 46  # the entry's central directory record
    assert data[header : header + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, header + 24, 1)
    assert _rejected("liar.docx", bytes(data)).startswith("The selected file is damaged")


def test_a_truncated_archive_is_refused_as_damaged() -> None:
    data = docx_bytes()
    assert _rejected("cut.docx", data[: len(data) // 2]).startswith("The selected file is damaged")


def test_an_archive_with_a_corrupted_entry_is_refused_as_damaged() -> None:
    data = bytearray(odt_bytes())
    start = data.index(b"application/vnd.oasis.opendocument.text")  # the stored (uncompressed) mimetype entry
    data[start] ^= 0xFF
    assert _rejected("broken.odt", bytes(data)).startswith("The selected file is damaged")


# --- file names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\evil.pdf", "evil.pdf"),
        ("C:\\Users\\Sam\\Desktop\\Budget 2025.xlsx", "Budget 2025.xlsx"),
        ("/home/sam/.hidden.pdf", "hidden.pdf"),
        (".pdf", "file.pdf"),
        ("../.pdf", "file.pdf"),
        ("", "file"),
        ("line\r\nbreak\x00.pdf", "linebreak.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a right-to-left override would show "exe.pdf"
        ('a "quoted" <name>?.pdf', "a _quoted_ _name__.pdf"),
        ("  spaced   out  .pdf  ", "spaced out.pdf"),
        ("report.pdf...", "report.pdf"),
        ("Évaluation – année 1.docx", "Évaluation – année 1.docx"),
    ],
)
def test_file_names_are_made_safe(given: str, expected: str) -> None:
    assert safe_filename(given) == expected


def test_long_names_are_cut_to_150_characters_keeping_the_extension() -> None:
    name = safe_filename("x" * 300 + ".docx")
    assert len(name) == 150
    assert name.endswith("x.docx")


def test_the_checked_file_carries_the_safe_name() -> None:
    assert _inspect("../../secret/../Evidence\x07.pdf", pdf_bytes()).filename == "Evidence.pdf"


def test_path_traversal_cannot_change_the_type_checked() -> None:
    assert "do not match" in _rejected("evil.exe/../report.pdf", EXE)


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (900, "900 bytes"),
        (1024, "1 KB"),
        (340 * 1024, "340 KB"),
        (1_258_291, "1.2 MB"),
        (10 * MB, "10 MB"),
    ],
)
def test_file_sizes_read_naturally(size: int, shown: str) -> None:
    assert format_file_size(size) == shown
