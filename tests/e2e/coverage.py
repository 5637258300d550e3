"""Which of the app's pages the browser run reached: every GET route that answers with a page (not a file)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException

# Routes that answer with a file or data, not a page: nothing there for axe to check.
FILE_ROUTES = re.compile(r"(\.(pdf|csv|zip|json)|/download|/files/<[^>]+>|/evidence/<[^>]+>|/letters?/<[^>]+>)$")
PAGE_LIKE_FILE_ROUTES = {"/staff/calls/<int:round_id>/letters/<int:batch_id>"}  # a bulk letter run's progress page
NOT_PAGES = {"static", "core.healthcheck"}


def page_endpoints(app: Flask) -> dict[str, str]:
    """Endpoint -> URL rule for every route that shows a page on GET."""
    pages = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint in NOT_PAGES:
            continue
        if FILE_ROUTES.search(rule.rule) and rule.rule not in PAGE_LIKE_FILE_ROUTES:
            continue
        pages[rule.endpoint] = rule.rule
    return pages


def report(app: Flask, urls: list[str]) -> str:
    """The pages reached and those never reached, by endpoint."""
    adapter = app.url_map.bind("localhost")
    reached: dict[str, int] = {}
    for url in urls:
        try:
            endpoint, _ = adapter.match(urlsplit(url).path, method="GET")
        except HTTPException:
            continue
        reached[str(endpoint)] = reached.get(str(endpoint), 0) + 1
    pages = page_endpoints(app)
    missed = sorted(set(pages) - set(reached))
    lines = [f"{len(set(pages) & set(reached))} of {len(pages)} pages reached", "", "Reached (visits):"]
    lines += [f"  {pages[e]}  {e}  ({reached[e]})" for e in sorted(set(pages) & set(reached), key=pages.get)]
    lines += ["", "Not reached:"] + [f"  {pages[e]}  {e}" for e in missed]
    return "\n".join(lines)
