"""Every page each role can reach by following links, checked: axe-core WCAG A/AA, keyboard, titles, reflow.

The journeys check the pages met while doing things (forms, errors, confirmations); this walk makes sure nothing
reachable by a link is missed, for each kind of person in the demo.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from tests.e2e.audit import path_shape
from tests.e2e.pages.base import AppPage

# Links that lead to files rather than pages (PDFs, spreadsheets, downloads): nothing there for axe to check.
FILE_ENDINGS = (".pdf", ".csv", ".zip", ".json", "/download")
FILE_PATHS = (re.compile(r"/files/\d+$"), re.compile(r"/evidence/\d+$"), re.compile(r"/letters?/\d+$"))
PAGES_LIKE_FILES = re.compile(r"^/staff/calls/\d+/letters/\d+$")  # a bulk letter run's progress page
PER_SHAPE = 2
MAX_PAGES = 160

ROLES = [
    None,
    "new.applicant@example.org",
    "applicant@example.org",
    "hello@lewisham-young-voices.example.org",
    "assessor.one@example.org",
    "fund.manager@example.org",
    "finance@example.org",
    "admin@example.org",
]


def _is_page(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    if PAGES_LIKE_FILES.match(parts.path):
        return True
    return not (parts.path.endswith(FILE_ENDINGS) or any(p.search(parts.path) for p in FILE_PATHS))


@pytest.mark.parametrize("email", ROLES, ids=lambda e: (e or "anonymous").split("@")[0])
def test_every_linked_page_passes_the_checks(window: AppPage, email: str | None) -> None:
    origin = window.server.url
    if email:
        window.sign_in(email)
    else:
        window.goto("/", "Home")
    start = urldefrag(window.page.url).url
    queue = deque([start])
    seen = {start}
    per_shape: dict[str, int] = {}
    problems: list[str] = []
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        shape = path_shape(url)
        if per_shape.get(shape, 0) >= PER_SHAPE:
            continue
        per_shape[shape] = per_shape.get(shape, 0) + 1
        response = window.page.goto(url)
        assert response is not None and response.ok, f"{url} answered {response and response.status}"
        visited += 1
        visit = window.audit.check(window.page, window.heading() or url)
        problems += [f"{url}: {problem}" for problem in visit.problems]
        for href in window.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            link = urldefrag(urljoin(url, href)).url
            if link not in seen and _is_page(link, origin):
                seen.add(link)
                queue.append(link)
    assert not problems, f"{len(problems)} problems on {visited} pages:\n- " + "\n- ".join(problems)
