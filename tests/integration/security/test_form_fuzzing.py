"""Property-based fuzzing (hypothesis) of every POST form each role reaches in the demo, posted as that role.

Bodies are made from the fields the crawler recorded: valid and made-up choices, nasty text (markup, formulas, SQL,
control characters, very long strings), shaped and unshaped numbers, money and dates, missing and repeated fields,
random bytes as files with hostile names. For every body:
(a) no response is a 5xx;
(b) unless the response is a success (a redirect, or a file), the stored data is unchanged: every table's rows are
    fingerprinted except audit_events (refusals and failed sign-ins are recorded on purpose);
(c) the markup markers typed are never sent back unescaped.
Each example runs in a savepoint rolled back afterwards (and the browser's session cookie is put back), so a valid
body does not change the world for the next one.

FUZZ_EXAMPLES sets examples per form and role (default 6); FUZZ_RANDOM=1 draws new examples on every run instead of
the same derandomised ones (the failure report prints the body and, with FUZZ_RANDOM, the seed to reproduce).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from fundapp.extensions import db
from tests.helpers import IsolatedClient
from tests.integration.programmes.test_demo_cli import LoadedDemo, loaded_demo
from tests.integration.security.crawler import ROLES, CrawlsByRole, Field, Form

__all__ = ["loaded_demo"]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
settings.register_profile(
    "fuzz-forms",
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    database=None,  # nothing written into the repository
    print_blob=True,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=list(HealthCheck),
)

# Tables whose rows may legitimately change on a refused post: refusals and failed sign-ins are recorded.
UNFINGERPRINTED = {"audit_events"}
# Forms that keep a draft of whatever was typed, valid or not, so an applicant or grantee never loses work (the page
# shows the errors at the fields; applications.services and reporting.services.save_section): a refused post there
# may change the draft's own tables, and nothing else.
DRAFTS = {
    re.compile(r"^/applications/\d+/sections/[\w-]+$"): {"applications", "answers", "application_sections"},
    re.compile(r"^/reports/\d+/sections/[\w-]+$"): {"reports"},
}

MARKERS = ('<script>fuzz("x")</script>', '"><img src=x onerror=fuzz()>')
NASTY = (
    *MARKERS,
    "=1+1",
    "' OR 1=1 --",
    "\x00",
    "../../etc/passwd",
    "\u202egnp.exe",
    "😀" * 3,
    "",
    " ",
    "-1",
    "0",
    "1e308",
    "NaN",
    "99999999999999999999999",
    "£1,250.50",
    "£1,2x",
    "1,000,000,000,000",
    "31/02/2026",
    "2026-13-45",
    "x" * 10_001,
    "word " * 3_000,
)
FILENAMES = ("../../etc/passwd", "a.pdf.exe", "evidence.pdf", "C:\\boot.ini", "", "..", "é.docx", "x" * 300 + ".pdf")
_CHARS = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot be encoded in a request


def _text(field: Field) -> st.SearchStrategy[str]:
    shaped = st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12).map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.integers(min_value=0, max_value=10**9).map(lambda n: f"£{n:,}"),
        st.dates().map(lambda d: d.isoformat()),
    )
    strategies = [st.sampled_from(NASTY), st.text(_CHARS, max_size=60), shaped]
    if field.maxlength:
        strategies.append(st.integers(field.maxlength - 1, field.maxlength + 1).map(lambda n: "é" * n))
    return st.one_of(strategies)


def _values(field: Field) -> st.SearchStrategy[list[Any]]:
    """What to post for one field: nothing, one value or several (a repeated field)."""
    if field.name == "csrf_token":
        return st.just([field.value])  # a refused token is tested on its own (test_passive_scan); reach the validators
    if field.kind == "file":
        upload = st.tuples(st.binary(max_size=2048), st.sampled_from(FILENAMES))
        return st.lists(upload.map(lambda u: (io.BytesIO(u[0]), u[1])), max_size=2)
    if field.kind in {"radio", "select", "checkbox"}:
        one = st.one_of(st.sampled_from(field.options), _text(field)) if field.options else _text(field)
    elif field.kind == "hidden":
        one = st.one_of(st.just(field.value), _text(field))
    else:
        one = _text(field)
    return st.one_of(st.lists(one, min_size=1, max_size=1), st.lists(one, max_size=3))


def bodies(form: Form) -> st.SearchStrategy[MultiDict[str, Any]]:
    """A strategy for whole request bodies for form."""
    fields = st.tuples(*(_values(f).map(lambda vs, name=f.name: [(name, v) for v in vs]) for f in form.fields))
    return fields.map(lambda groups: MultiDict([pair for group in groups for pair in group]))


_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)


@contextmanager
def tables_written() -> Iterator[set[str]]:
    """The tables a write statement was sent to while inside (written, perhaps rolled back later)."""
    tables: set[str] = set()

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        match = _WRITE.match(statement)
        if match and match.group(1) not in UNFINGERPRINTED:
            tables.add(match.group(1))

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield tables
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)


def fingerprint(names: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Rows and a hash of their contents for the tables named (only those written to need a look)."""
    connection = db.session.get_bind()
    prints = {}
    for name in sorted(names):
        table = db.metadata.tables[name]
        rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        prints[name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return prints


def _is_success(response: Any) -> bool:
    return 300 <= response.status_code < 400 or (
        response.status_code < 300 and not response.mimetype.startswith("text/html")
    )


@pytest.fixture(scope="module")
def crawls(app: Flask, loaded_demo: LoadedDemo) -> CrawlsByRole:
    return CrawlsByRole(app)


def _post(client: IsolatedClient, form: Form, body: MultiDict[str, Any]) -> Any:
    multipart = form.enctype == "multipart/form-data"
    response = client.post(form.action, data=body, content_type="multipart/form-data" if multipart else None)
    text = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    response.close()
    return response, text


def fuzz_form(app: Flask, client: IsolatedClient, role: str, form: Form) -> None:
    """Post made-up bodies to form as role, each in a savepoint, and check the three properties."""
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    connection = db.session.get_bind()
    drafts = next((tables for path, tables in DRAFTS.items() if path.match(form.action)), set())
    before: dict[str, tuple[int, str]] = {}  # every example starts from the same data: each is rolled back

    @settings(settings.get_profile("fuzz-forms"))
    @given(body=bodies(form))
    def example(body: MultiDict[str, Any]) -> None:
        cookie = client.get_cookie(cookie_name)
        savepoint = connection.begin_nested()
        try:
            with tables_written() as written:
                response, text = _post(client, form, body)
            where = f"{role} POST {form.action} (form on {form.page}) answered {response.status_code}"
            assert response.status_code < 500, where
            if written and not _is_success(response):
                after = fingerprint(written)
                savepoint.rollback()
                before.update(fingerprint(written - before.keys()))
                changed = sorted(name for name in written - drafts if before[name] != after[name])
                assert not changed, f"{where} but changed {changed}"
            reflected = [marker for marker in MARKERS if marker in text]
            assert not reflected, f"{where} and sent back unescaped {reflected}"
        finally:
            if savepoint.is_active:
                savepoint.rollback()
            if cookie is not None:
                client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)

    example()


@pytest.mark.parametrize("role", list(ROLES))
def test_every_form_a_role_can_post_survives_fuzzing(crawls: CrawlsByRole, role: str) -> None:
    client, crawl = crawls[role]
    forms = crawl.forms
    assert forms, f"{role} met no forms on {len(crawl.pages)} pages"
    for form in forms:
        fuzz_form(crawls.app, client, role, form)
