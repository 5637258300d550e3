"""A crawler for the test client: every same-site page a person can reach by following links, and every form on them.

The passive scan (test_passive_scan.py) checks what each page answered; the fuzzer (test_form_fuzzing.py) posts
made-up bodies to every form found. Demo people stand for the roles (the demo is the richest world there is: a call
decided, awarded and reported on, a call open with bids, a person per role).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import Headers

from fundapp.accounts import queries as account_queries
from fundapp.extensions import limiter
from fundapp.programmes.demo import DEMO_PASSWORD
from tests.e2e.audit import path_shape
from tests.helpers import IsolatedClient, isolated_client, sign_in

ORIGIN = "http://localhost"
PER_SHAPE = 2  # pages made from one template look alike: a couple of each is enough
MAX_PAGES = 200

# The demo's people, one per role: the grantee's SEF-5 award has its interim report not started and overdue.
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "applicant": "applicant@example.org",
    "grantee": "hello@croydon-digital-futures.example.org",
    "assessor": "assessor.one@example.org",
    "fund_manager": "fund.manager@example.org",
    "finance": "finance@example.org",
    "admin": "admin@example.org",
}

# Where each role starts besides the home page (their dashboards are linked from it, but say so in case they stop).
STARTS: dict[str, tuple[str, ...]] = {
    "anonymous": ("/", "/sign-in", "/register", "/forgot-password"),
    "applicant": ("/", "/account"),
    "grantee": ("/", "/account"),
    "assessor": ("/", "/account"),
    "fund_manager": ("/", "/account"),
    "finance": ("/", "/account"),
    "admin": ("/", "/account"),
}

# Never followed: signing out would end the crawl's session (it is a POST form anyway).
SKIPPED_PATHS = ("/sign-out",)


@dataclass(frozen=True)
class Field:
    """One named control of a form: its kind (an input's type, or select / textarea), value and choices."""

    name: str
    kind: str
    value: str = ""
    options: tuple[str, ...] = ()
    maxlength: int | None = None
    multiple: bool = False


@dataclass
class Form:
    page: str  # the URL of the page it was found on
    action: str  # where it posts: a same-origin path (with its query), or the other origin's full URL
    method: str
    enctype: str
    fields: list[Field]

    @property
    def shape(self) -> str:
        return path_shape(ORIGIN + self.action.split("?")[0])


@dataclass
class Markup:
    """What the scan wants from a page's HTML besides its links and forms."""

    inline_scripts: list[str] = field(default_factory=list)  # the opening tag of every script without src
    event_handlers: list[str] = field(default_factory=list)  # "tag onclick"
    style_attributes: list[str] = field(default_factory=list)  # tags with style="…"
    sources: list[str] = field(default_factory=list)  # script src, stylesheet href, img src, iframe src …


@dataclass
class Page:
    role: str
    url: str
    status: int
    headers: Headers
    text: str  # the body when it is HTML, else ""
    links: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    markup: Markup = field(default_factory=Markup)

    @property
    def is_html(self) -> bool:
        return self.headers.get("Content-Type", "").startswith("text/html")


class _PageParser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.markup = Markup()
        self._form: Form | None = None
        self._fields: dict[str, Field] = {}
        self._select: Field | None = None
        self._options: list[str] = []
        self._option_value: str | None = None
        self._option_text: list[str] = []
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        self._note_markup(tag, a)
        if tag == "a" and a.get("href"):
            self.links.append(urldefrag(urljoin(self.url, a["href"])).url)
        elif tag == "form":
            action = urljoin(self.url, a.get("action") or self.url)
            parts = urlsplit(action)
            if f"{parts.scheme}://{parts.netloc}" == ORIGIN:
                action = parts.path + (f"?{parts.query}" if parts.query else "")
            self._form = Form(
                page=self.url,
                action=action,
                method=(a.get("method") or "get").lower(),
                enctype=a.get("enctype") or "application/x-www-form-urlencoded",
                fields=[],
            )
            self._fields = {}
        elif self._form is not None:
            self._form_control(tag, a)

    def _form_control(self, tag: str, a: dict[str, str]) -> None:
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
            known = self._fields.get(name)
            if kind in {"radio", "checkbox"}:
                options = (known.options if known else ()) + (a.get("value", "on"),)
                self._fields[name] = Field(name, kind, options=options, multiple=kind == "checkbox")
            else:
                self._fields[name] = Field(name, kind, value=a.get("value", ""), maxlength=maxlength)
        elif tag == "select" and name:
            self._select = Field(name, "select", multiple="multiple" in a)
            self._options = []
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_text = []
        elif tag == "textarea" and name:
            maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
            self._textarea = Field(name, "textarea", maxlength=maxlength)
            self._fields[name] = self._textarea

    def handle_data(self, data: str) -> None:
        if self._option_value is None and self._select is not None and self._option_text is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else "".join(self._option_text).strip()
            self._options.append(value)
            self._option_value = None
        elif tag == "select" and self._select is not None:
            s = self._select
            self._fields[s.name] = Field(s.name, "select", options=tuple(self._options), multiple=s.multiple)
            self._select = None
        elif tag == "form" and self._form is not None:
            self._form.fields = list(self._fields.values())
            self.forms.append(self._form)
            self._form = None

    def _note_markup(self, tag: str, a: dict[str, str]) -> None:
        described = f"<{tag}{' id=' + a['id'] if a.get('id') else ''}>"
        if tag == "script":
            if "src" in a:
                self.markup.sources.append(a["src"])
            else:
                self.markup.inline_scripts.append(described + (" nonce" if a.get("nonce") else ""))
        if tag == "link" and "stylesheet" in a.get("rel", "") and a.get("href"):
            self.markup.sources.append(a["href"])
        if tag in {"img", "iframe", "embed", "source", "audio", "video"} and a.get("src"):
            self.markup.sources.append(a["src"])
        if tag == "object" and a.get("data"):
            self.markup.sources.append(a["data"])
        self.markup.event_handlers += [f"{described} {name}" for name in a if name.startswith("on")]
        if "style" in a:
            self.markup.style_attributes.append(described)


def parse(role: str, url: str, status: int, headers: Headers, body: str) -> Page:
    """A fetched response as a Page: links, forms and the scan's markup when it is HTML."""
    page = Page(role=role, url=url, status=status, headers=headers, text=body)
    if page.is_html:
        parser = _PageParser(url)
        parser.feed(body)
        parser.close()
        page.links, page.forms, page.markup = parser.links, parser.forms, parser.markup
    return page


def _same_site(url: str) -> bool:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" == ORIGIN and not parts.path.startswith(SKIPPED_PATHS)


@dataclass
class Crawl:
    role: str
    pages: list[Page]

    @property
    def forms(self) -> list[Form]:
        """Every POST form once per (action shape, field names): the same form on two pages is one form."""
        unique: dict[tuple[str, tuple[str, ...]], Form] = {}
        for page in self.pages:
            for form in page.forms:
                if form.method == "post":
                    unique.setdefault((form.shape, tuple(sorted(f.name for f in form.fields))), form)
        return list(unique.values())


def crawl(client: FlaskClient, role: str, starts: tuple[str, ...] = ("/",)) -> Crawl:
    """Follow every same-site link (and redirect) from starts, at most PER_SHAPE pages of each path shape."""
    queue = deque(ORIGIN + start for start in starts)
    seen = set(queue)
    per_shape: dict[str, int] = {}
    pages: list[Page] = []
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        shape = path_shape(url)
        if per_shape.get(shape, 0) >= PER_SHAPE:
            continue
        per_shape[shape] = per_shape.get(shape, 0) + 1
        response = client.get(url)
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()  # a download streams its file: close it
        page = parse(role, url, response.status_code, response.headers, body)
        pages.append(page)
        following = list(page.links)
        if response.status_code in {301, 302, 303, 307, 308} and response.location:
            following.append(urldefrag(urljoin(url, response.location)).url)
        for link in following:
            if link not in seen and _same_site(link):
                seen.add(link)
                queue.append(link)
    return Crawl(role=role, pages=pages)


def client_as(app: Flask, role: str) -> IsolatedClient:
    """A browser signed in, through the real form, as the demo person who stands for role (or nobody)."""
    limiter.reset()  # fuzzing the sign-in form as somebody else must not lock this sign-in out
    client = isolated_client(app)
    email = ROLES[role]
    if email is not None:
        user = account_queries.find_user_by_email(email)
        assert user is not None, f"the demo has no {email}"
        sign_in(client, user, DEMO_PASSWORD)
    return client


def crawl_as(app: Flask, role: str) -> tuple[IsolatedClient, Crawl]:
    """Sign in as role and crawl from its starting pages; the client stays signed in for what comes next."""
    client = client_as(app, role)
    return client, crawl(client, role, STARTS[role])


class CrawlsByRole(dict[str, tuple[IsolatedClient, Crawl]]):
    """Each role's signed-in client and crawl, made the first time a test asks for the role (once per module)."""

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def __missing__(self, role: str) -> tuple[IsolatedClient, Crawl]:
        self[role] = crawl_as(self.app, role)
        return self[role]
