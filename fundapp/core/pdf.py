"""PDF documents the app issues (application copies, award letters), rendered with WeasyPrint.

Safety. WeasyPrint fetches every URL a document names (stylesheets, images, fonts, SVG references)
through a URL fetcher. Ours, PackagedAssetFetcher, serves only files packaged with the app, by name:
``fundapp:document.css`` is ``fundapp/core/pdf_assets/document.css`` and ``fundapp:static/images/x.svg``
is ``fundapp/static/images/x.svg``. Everything else is refused, logged and stops the rendering with
AssetRefused: ``file:``, ``http(s):``, ``ftp:``, other schemes, host names, ``..`` or odd characters in
the name, unknown file types. ``data:`` URLs are refused too: our templates never need them, and refusing
them keeps a template from embedding images of any size. So a render never reads the disk outside those
two folders and never reaches the network. Text people typed only ever reaches a document through
autoescaped templates (document_templates), never as markup or CSS.

Accessibility. Documents are PDF/UA-1 (WeasyPrint's ``pdf/ua-1`` variant): tagged structure in the
reading order of the HTML, the title shown by viewers, the document language, and the pdfuaid
identification in the XMP metadata. Fonts come from fontconfig (DejaVu Sans, Debian's
fonts-dejavu-core, installed by scripts/system-deps.sh); no font is downloaded or bundled.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import segno
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from fundapp.core.clock import format_date, format_datetime
from fundapp.core.money import format_pence

logger = logging.getLogger(__name__)

SCHEME = "fundapp"
BASE_URL = f"{SCHEME}:/"
PDF_VARIANT = "pdf/ua-1"

_PACKAGE = Path(__file__).resolve().parent.parent
_CORE_ASSETS = _PACKAGE / "core" / "pdf_assets"
_STATIC = _PACKAGE / "static"
# What a document may load, by file type; anything else (scripts, HTML, Python, ...) is refused.
_CONTENT_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
_SEGMENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

# Let relative URLs in documents ("document.css") resolve against fundapp:/ like they do against http:.
if SCHEME not in urllib.parse.uses_relative:
    urllib.parse.uses_relative.append(SCHEME)


class AssetRefused(ValueError):
    """A document asked for a URL that is not one of the app's packaged assets."""


class PdfRenderError(RuntimeError):
    """A document could not be rendered (for example, it asked for a refused URL)."""


def asset_path(url: str) -> Path:
    """The packaged file a ``fundapp:`` URL names; raises AssetRefused for any other URL."""
    scheme, _, rest = url.partition(":")
    if scheme.lower() != SCHEME or not rest:
        raise AssetRefused(f"not a packaged asset URL: {url[:200]!r}")
    if rest.startswith("//"):
        raise AssetRefused(f"packaged asset URLs have no host: {url[:200]!r}")
    segments = rest.lstrip("/").split("/")
    if not all(_SEGMENT_RE.match(segment) for segment in segments):
        raise AssetRefused(f"not a packaged asset name: {url[:200]!r}")
    root = _STATIC if segments[0] == "static" else _CORE_ASSETS
    if root is _STATIC:
        segments = segments[1:]
    path = root.joinpath(*segments).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise AssetRefused(f"no packaged asset named {url[:200]!r}")
    if path.suffix.lower() not in _CONTENT_TYPES:
        raise AssetRefused(f"documents may not load this type of file: {url[:200]!r}")
    return path


class PackagedAssetFetcher(URLFetcher):
    """WeasyPrint URL fetcher that serves the app's packaged assets by name and refuses everything else.

    A refusal is fatal (fail_on_errors): WeasyPrint stops rendering rather than issuing a document that
    silently lacks its stylesheet. Nothing here ever opens a socket or a path outside the asset folders.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(SCHEME,), allow_redirects=False, fail_on_errors=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            path = asset_path(url)
        except AssetRefused:
            logger.warning("PDF rendering refused to fetch %r", url[:200])
            raise
        content_type = _CONTENT_TYPES[path.suffix.lower()]
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def render_pdf(html: str, *, title: str, lang: str = "en-GB", base_url: str = BASE_URL) -> bytes:
    """Render an HTML document to accessible PDF/UA-1 bytes.

    title and lang are written to the PDF whatever the HTML says (the HTML should carry the same
    <title> and <html lang>). Relative URLs resolve against base_url; only packaged assets load.
    Raises PdfRenderError if the document asks for anything else.
    """
    fetcher = PackagedAssetFetcher()
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
        document.metadata.title = title
        document.metadata.lang = lang
        data: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    except FatalURLFetchingError as exc:  # a BaseException: turn it into an ordinary error
        raise PdfRenderError(str(exc)) from exc.__cause__
    return data


def paragraphs(text: str) -> list[str]:
    """Split text someone typed into paragraphs at blank lines (line breaks inside one are kept)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip() for part in re.split(r"\n[ \t]*\n", text) if part.strip()]


def qr_svg(text: str, *, title: str) -> Markup:
    """A QR code for text (a URL the app made) as inline SVG markup with an accessible title, drawn in vectors so
    it prints sharply. Inline, because documents may not load data: URLs."""
    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=3, border=2, title=title, svgclass="qr", lineclass=None, omitsize=False)
    return Markup(svg)  # noqa: S704  # nosec B704  # segno escapes the title; the rest is path data it generated


@cache
def document_templates(package: str) -> jinja2.Environment:
    """A Jinja environment for one package's document templates (its templates/ folder).

    Separate from Flask's so a document renders the same in a request, a job or a test: autoescaped,
    strict about missing values, and with no request, session or user in reach.
    """
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["pounds"] = format_pence
    environment.filters["london_datetime"] = format_datetime
    environment.filters["london_date"] = format_date
    environment.filters["paragraphs"] = paragraphs
    environment.globals["qr_svg"] = qr_svg
    return environment


def render_document(package: str, template: str, **context: Any) -> str:
    """Render one of a package's document templates to HTML (for render_pdf)."""
    return document_templates(package).get_template(template).render(**context)
