"""Files people upload and documents the app issues, kept outside the web root under random keys.

A key is 32 random hex characters, so it can never name another path; files are written once and never
changed (a replaced upload is a new key, and the old file is deleted after the commit that replaced it).
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from flask import Response, abort, current_app, send_file

from fundapp.core import antivirus
from fundapp.core.audit import record_event
from fundapp.core.errors import DomainError
from fundapp.core.transactions import after_rollback
from fundapp.core.uploads import UploadedFile, UploadRejected, inspect_upload, safe_filename

_KEY_RE = re.compile(r"^[0-9a-f]{32}$")


class _HasId(Protocol):
    id: int


class UnknownFile(LookupError):
    """No stored file has this key."""


def _root() -> Path:
    root = Path(current_app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def _path(key: str) -> Path:
    if not _KEY_RE.match(key):
        raise UnknownFile(key)
    return _root() / key[:2] / key


def new_key() -> str:
    """A fresh random storage key."""
    return secrets.token_hex(16)


def save(data: bytes) -> str:
    """Store the bytes under a new random key (written to a temporary file, then moved into place)."""
    key = new_key()
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
        temporary = Path(handle.name)
    os.chmod(temporary, 0o600)
    temporary.replace(path)
    return key


VIRUS_FOUND = "The selected file contains a virus and cannot be uploaded"
SCANNER_UNAVAILABLE = "We could not check the selected file for viruses – try again later"


def save_upload(
    *,
    filename: str,
    data: bytes,
    allowed_types: Sequence[str],
    max_bytes: int,
    field: str,
    actor: _HasId,
    subject: _HasId,
) -> tuple[str, UploadedFile]:
    """Check an uploaded file (core.uploads, then the virus scanner when CLAMAV_URL is set) and store it; returns
    its key and what the check found. The stored file is deleted again if the unit of work rolls back.

    Raises DomainError at `field` for a refused file, for a virus (audited as upload.virus_found against
    `subject`, with the signature and never the content) and when the scanner cannot give a verdict (fails
    closed: nothing is stored unchecked)."""
    try:
        upload = inspect_upload(filename=filename, data=data, allowed_types=allowed_types, max_bytes=max_bytes)
    except UploadRejected as exc:
        raise DomainError(exc.message, field=field) from exc
    _scan(upload, data, field=field, actor=actor, subject=subject)
    key = save(data)
    after_rollback(lambda: delete(key))
    return key, upload


def _scan(upload: UploadedFile, data: bytes, *, field: str, actor: _HasId, subject: _HasId) -> None:
    scanner = antivirus.configured_scanner()
    if scanner is None:
        return
    try:
        signature = scanner.scan(data)
    except antivirus.ScannerUnavailable as exc:
        current_app.logger.error("Virus scan of an upload (%s) failed: %s", upload.sha256, exc)
        raise DomainError(SCANNER_UNAVAILABLE, field=field) from exc
    if signature is not None:
        current_app.logger.warning("Upload refused: %s found in %s", signature, upload.sha256)
        record_event(
            "upload.virus_found",
            actor=actor,
            subject=subject,
            data={
                "signature": signature,
                "filename": upload.filename,
                "file_type": upload.file_type,
                "size_bytes": upload.size,
                "sha256": upload.sha256,
                "field": field,
            },
        )
        raise DomainError(VIRUS_FOUND, field=field)


def temporary_file(suffix: str = "") -> Path:
    """A new empty file in the store's own temporary folder, to write something large into (an export) before
    save_file stores it: the same filesystem, so storing it is a rename, never a copy held in memory."""
    folder = _root() / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, suffix=suffix)
    os.close(handle)
    return Path(name)


def save_file(path: Path) -> str:
    """Store a finished file made with temporary_file under a new random key (moved into place, not copied)."""
    key = new_key()
    target = _path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o600)
    Path(path).replace(target)
    return key


def read(key: str) -> bytes:
    """The stored bytes; raises UnknownFile if there are none."""
    try:
        return _path(key).read_bytes()
    except FileNotFoundError as exc:
        raise UnknownFile(key) from exc


def path_of(key: str) -> Path:
    """Where the file is on disk (for streaming it with send_file); raises UnknownFile if it is missing."""
    path = _path(key)
    if not path.is_file():
        raise UnknownFile(key)
    return path


def require_stored_file(key: str, *, what: str) -> None:
    """404 when a file the database records is missing from the store, with an error in the log naming `what`
    (e.g. "Export 12"). Downloads check this before they record the read, so a failed download is never audited as
    read."""
    try:
        path_of(key)
    except UnknownFile:
        current_app.logger.error("%s has no stored file", what)
        abort(404)


def delete(key: str) -> None:
    """Remove a stored file; a file that is already gone is fine."""
    try:
        _path(key).unlink()
    except (FileNotFoundError, UnknownFile):
        pass


def content_disposition(download_name: str) -> str:
    """`attachment` with the name sanitised (core.uploads.safe_filename) twice over, as RFC 6266 asks: an ASCII
    `filename` for old clients and the exact UTF-8 name as `filename*`."""
    name = safe_filename(download_name)
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r"[^A-Za-z0-9 !#$&+.^_`|~()\[\]{},;=@-]", "_", fallback).strip()
    stem, dot, extension = fallback.rpartition(".")
    if not (stem if dot else extension).strip(" ._"):  # nothing of the name is left in ASCII
        fallback = f"download.{extension}" if dot else "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='!#$&+.^_`|~-')}"


def _as_download(response: Response, download_name: str) -> Response:
    response.headers["Content-Disposition"] = content_disposition(download_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def send_stored_file(key: str, *, download_name: str, mimetype: str) -> Response:
    """Serve a stored file as a download: never shown inline, never sniffed by the browser, never cached.

    Raises UnknownFile if it is missing. `download_name` is sanitised again here (path parts, control and bidi
    characters, length), whoever chose it.
    """
    response = send_file(path_of(key), mimetype=mimetype, as_attachment=True, download_name="download", max_age=0)
    return _as_download(response, download_name)


def send_bytes(data: bytes, *, download_name: str, mimetype: str) -> Response:
    """Serve bytes made for this request (a CSV) as a download, with the same headers as send_stored_file."""
    return _as_download(Response(data, mimetype=mimetype), download_name)
