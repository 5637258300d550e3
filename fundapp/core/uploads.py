"""Checking an uploaded file before it is stored: its name, size and type, judged by its contents.

Pure (no database, no Flask): a file's bytes and name in, an UploadedFile or an UploadRejected out, with the
GOV.UK wording for the error. The type comes from the bytes, and must agree with the file's extension, so a
program renamed `report.pdf` is refused. Office and OpenDocument files are zip archives: they are opened and
refused if they hold too many entries, would unpack to too much data (zip bombs) or are damaged.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import filetype

KB = 1024
MB = 1024 * 1024

MAX_FILENAME_LENGTH = 150
MAX_ZIP_ENTRIES = 1_000
MAX_ZIP_UNCOMPRESSED_BYTES = 100 * MB
# A zip's manifest ([Content_Types].xml, mimetype) is a few KB; a bigger one is not a document we accept.
_MAX_MANIFEST_BYTES = 1 * MB

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "png": "image/png",
    "jpg": "image/jpeg",
}
FILE_TYPES = tuple(CONTENT_TYPES)
TYPE_LABELS = {
    "pdf": "PDF",
    "docx": "Word document",
    "xlsx": "Excel spreadsheet",
    "odt": "OpenDocument text",
    "ods": "OpenDocument spreadsheet",
    "png": "PNG",
    "jpg": "JPG",
}
# Extensions people use, lower case, to the file type they name.
EXTENSIONS = {**{key: key for key in FILE_TYPES}, "jpeg": "jpg"}
ZIP_TYPES = frozenset({"docx", "xlsx", "odt", "ods"})

# The content type of the main part of an Office Open XML package ([Content_Types].xml), and of an
# OpenDocument file (its `mimetype` entry). Macro-enabled and template variants are deliberately absent.
_OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_OVERRIDE_RE = re.compile(rb"<(?:\w+:)?Override\b([^>]*)>")
_ATTRIBUTE_RE = re.compile(rb"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_RESERVED_CHARACTERS_RE = re.compile(r'[<>:"|?*]')
_ZIP_SIGNATURE = b"PK\x03\x04"
_TOO_COMPLEX = "The selected file is too large to check – save it as a PDF and upload that instead"
_DAMAGED = "The selected file is damaged – save it again, then upload the new copy"


class UploadRejected(ValueError):
    """The file cannot be accepted; `message` says why, in words for the person who chose it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class UploadedFile:
    """A file that passed every check: a safe name to show and serve it under, its type and fingerprint."""

    filename: str
    file_type: str  # a key of CONTENT_TYPES
    content_type: str
    size: int
    sha256: str

    def stored_as(self, storage_key: str) -> dict[str, str | int]:
        """The columns every stored-file row has (applications' attachments, reports' evidence), for this file
        stored under storage_key."""
        return {
            "storage_key": storage_key,
            "filename": self.filename,
            "file_type": self.file_type,
            "content_type": self.content_type,
            "size_bytes": self.size,
            "sha256": self.sha256,
        }


def inspect_upload(*, filename: str, data: bytes, allowed_types: Sequence[str], max_bytes: int) -> UploadedFile:
    """Check an upload; raises UploadRejected (empty, wrong type, too big, contents not matching the name,
    or an archive that is damaged or would unpack to too much). `allowed_types` are keys of CONTENT_TYPES."""
    allowed = [key for key in FILE_TYPES if key in set(allowed_types)]
    if not allowed:
        raise ValueError(f"none of {list(allowed_types)!r} is a file type we can check")
    name = safe_filename(filename)
    extension = extension_of(name)
    file_type = EXTENSIONS.get(extension)
    if not data:
        raise UploadRejected("The selected file is empty")
    if file_type not in allowed:
        raise UploadRejected(f"The selected file must be {describe_types(allowed)}")
    if len(data) > max_bytes:
        raise UploadRejected(f"The selected file must be smaller than {_limit(max_bytes)}")
    # Only a name that promises an archive gets one opened: a zip called .pdf is refused without unpacking it.
    if (file_type in ZIP_TYPES) != data.startswith(_ZIP_SIGNATURE) or detect_type(data) != file_type:
        raise UploadRejected(f"The selected file's contents do not match its name (.{extension})")
    return UploadedFile(
        filename=name,
        file_type=file_type,
        content_type=CONTENT_TYPES[file_type],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def detect_type(data: bytes) -> str | None:
    """The file type the bytes are (a key of CONTENT_TYPES), or None if they are none we accept.

    filetype recognises PDFs and images by their signatures. For zip archives its guess is only a first look
    (it reads the first 8 KB and the order of the entries, so it takes a macro-enabled .docm for a .docx and
    misses an OpenDocument file whose `mimetype` entry is not first): the archive is opened, checked for size
    and damage, and its own manifest decides. Raises UploadRejected for a bad archive.
    """
    if data.startswith(_ZIP_SIGNATURE):
        return _zip_document_type(data)
    kind = filetype.guess(data)
    if kind is None or kind.extension in ZIP_TYPES:
        return None
    return EXTENSIONS.get(kind.extension)


def _zip_document_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            # Declared sizes can lie: reading stops at the declared size, and the CRC check then fails.
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_ZIP_UNCOMPRESSED_BYTES:
                raise UploadRejected(_TOO_COMPLEX)
            if archive.testzip() is not None:
                raise UploadRejected(_DAMAGED)
            return _document_type_from_manifest(archive)
    except UploadRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, RuntimeError, ValueError, OSError) as exc:
        # RuntimeError: an encrypted entry; NotImplementedError (a RuntimeError): an unsupported compression.
        raise UploadRejected(_DAMAGED) from exc


def _read_entry(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        with archive.open(name) as entry:
            content = entry.read(_MAX_MANIFEST_BYTES + 1)
    except KeyError:
        return None
    return content if len(content) <= _MAX_MANIFEST_BYTES else None


def _document_type_from_manifest(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    mimetype = _read_entry(archive, "mimetype")
    if mimetype is not None:
        odf_type = _ODF_MIMETYPES.get(mimetype.decode("ascii", "replace").strip())
        return odf_type if odf_type and "content.xml" in names else None
    content_types = _read_entry(archive, "[Content_Types].xml")
    if content_types is None:
        return None
    found = set()
    for override in _OVERRIDE_RE.finditer(content_types):
        attributes = _attributes(override[1])
        main_type = _OOXML_MAIN_PARTS.get(attributes.get("ContentType", "").strip())
        if main_type and attributes.get("PartName", "").lstrip("/") in names:
            found.add(main_type)
    return found.pop() if len(found) == 1 else None


def _attributes(tag: bytes) -> dict[str, str]:
    attributes = {}
    for match in _ATTRIBUTE_RE.finditer(tag):
        value = match[2] if match[2] is not None else match[3]
        attributes[match[1].decode("ascii")] = value.decode("utf-8", "replace")
    return attributes


def safe_filename(filename: str) -> str:
    """The name to show and serve a file under: its last path part, without control or reserved characters,
    at most 150 characters with its extension kept; "file.<ext>" when nothing of the name is left."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]
    # Category C: control, format (bidi overrides, zero-width), surrogate, private use and unassigned.
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = " ".join(_RESERVED_CHARACTERS_RE.sub("_", name).split()).rstrip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem.strip(" .")
    suffix = f".{extension}" if extension else ""
    stem = stem[: max(MAX_FILENAME_LENGTH - len(suffix), 0)].rstrip(" .") or "file"
    return f"{stem}{suffix}"[:MAX_FILENAME_LENGTH]


def extension_of(filename: str) -> str:
    """The extension of a file name, lower case and without the dot ("" if it has none)."""
    stem, dot, extension = filename.rpartition(".")
    return extension.lower() if dot and stem else ""


def describe_types(file_types: Sequence[str]) -> str:
    """'a PDF, Word document or OpenDocument text' – the allowed types as a phrase for an error or a hint."""
    labels = [TYPE_LABELS[key] for key in file_types]
    phrase = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"
    article = "an" if phrase[0] in "AEIOU" else "a"
    return f"{article} {phrase}"


def _limit(max_bytes: int) -> str:
    if max_bytes >= MB:
        return f"{max_bytes / MB:g}MB"
    return f"{max(max_bytes // KB, 1)}KB"


def format_file_size(size: int) -> str:
    """A size as people read it: '340 KB', '1.2 MB', '12 bytes'."""
    if size < KB:
        return "1 byte" if size == 1 else f"{size} bytes"
    if size < MB:
        return f"{round(size / KB)} KB"
    megabytes = round(size / MB, 1)
    return f"{megabytes:g} MB"
