"""Small real files of every type applicants may upload, built in memory for tests (no fixtures on disk)."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

_OOXML_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
  <Default Extension="xml" ContentType="application/xml"/>
  <Override PartName="/{part}" ContentType="{content_type}"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    Target="{part}"/>
</Relationships>"""
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pdf_bytes(text: str = "Evidence of need") -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _image(format_: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (0, 128, 128)).save(buffer, format=format_)
    return buffer.getvalue()


def png_bytes() -> bytes:
    return _image("PNG")


def jpeg_bytes() -> bytes:
    return _image("JPEG")


def ooxml_bytes(*, part: str, content_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    """An Office Open XML package: [Content_Types].xml first, then its relationships and the main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _OOXML_TYPES.format(part=part, content_type=content_type))
        archive.writestr("_rels/.rels", _RELS.format(part=part))
        archive.writestr(part, "<?xml version='1.0'?><document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return ooxml_bytes(part="word/document.xml", content_type=DOCX_MAIN)


def xlsx_bytes() -> bytes:
    return ooxml_bytes(part="xl/workbook.xml", content_type=XLSX_MAIN)


def odf_bytes(mimetype: str, *, mimetype_first: bool = True) -> bytes:
    """An OpenDocument file: by the standard its `mimetype` entry comes first and is stored uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype_first:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<?xml version='1.0'?><office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<?xml version='1.0'?><manifest:manifest/>")
        if not mimetype_first:
            archive.writestr("mimetype", mimetype)
    return buffer.getvalue()


def odt_bytes(*, mimetype_first: bool = True) -> bytes:
    return odf_bytes("application/vnd.oasis.opendocument.text", mimetype_first=mimetype_first)


def ods_bytes() -> bytes:
    return odf_bytes("application/vnd.oasis.opendocument.spreadsheet")


SAMPLES = {
    "pdf": pdf_bytes,
    "docx": docx_bytes,
    "xlsx": xlsx_bytes,
    "odt": odt_bytes,
    "ods": ods_bytes,
    "png": png_bytes,
    "jpg": jpeg_bytes,
}
