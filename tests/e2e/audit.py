"""The record of a browser run: every page visited, its screenshot, and whether it passed the page checks.

Cheap checks (axe, title, error summary) run on every visit, because a page's content changes with what the person
just did. The slow ones (skip link, the full Tab walk with focus screenshots, reflow and zoom) run once per kind of
page: the same path shape, with or without errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page

from tests.e2e import checks

_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


def path_shape(url: str) -> str:
    """/staff/reports/3?status=due -> /staff/reports/<n>: pages made from one template share a shape."""
    return _ID_SEGMENT.sub("/<n>", urlsplit(url).path)


@dataclass
class Visit:
    test: str
    step: str
    url: str
    title: str
    problems: list[str]
    screenshot: Path


@dataclass
class Audit:
    """Shared by every test in the run; `check` is called by the page objects each time a page is reached."""

    folder: Path
    test: str = "session"
    visits: list[Visit] = field(default_factory=list)
    _steps: dict[str, int] = field(default_factory=dict)
    _deep_checked: set[tuple[str, bool]] = field(default_factory=set)
    _titles: dict[tuple[int, str], str] = field(default_factory=dict)
    _people: dict[BrowserContext, int] = field(default_factory=dict)

    def check(self, page: Page, step: str) -> Visit:
        """Screenshot the page and run the checks; returns the visit with its problems (empty when it passed)."""
        page.wait_for_load_state("load")
        url, title = page.url, page.title()
        problems = checks.error_summary_problems(page)
        problems += checks.title_problems(page)
        status = page.evaluate("() => performance.getEntriesByType('navigation')[0]?.responseStatus ?? 200")
        if status < 400:  # an error page ("Page not found") has the same title wherever it is met
            problems += self._title_unique(page, title, url)
        problems += checks.axe_violations(page)
        has_errors = title.startswith("Error: ")
        shape = (path_shape(url), has_errors)
        if shape not in self._deep_checked:
            self._deep_checked.add(shape)
            problems += checks.skip_link_problems(page)
            problems += checks.keyboard_problems(page)
            problems += checks.reflow_problems(page)
        # Leave the page as it loaded, for the journey's next step: focus on the error summary if there is one (the
        # checks moved it), else nothing focused at the top. A skip link left focused takes space at the top, and
        # would move the page under the mouse of the next click.
        checks.as_loaded(page)
        visit = Visit(self.test, step, url, title, problems, self._screenshot(page, step))
        self.visits.append(visit)
        return visit

    def _title_unique(self, page: Page, title: str, url: str) -> list[str]:
        """Two different pages one person can see may not share a title (2.4.2): a person with many tabs tells them
        apart by it. (Each browser window of a journey is one person; other people's pages are not theirs to mix.)"""
        name = title.removeprefix("Error: ")
        path = urlsplit(url).path
        person = self._people.setdefault(page.context, len(self._people))
        first = self._titles.setdefault((person, name), path)
        return [] if first == path else [f"title {name!r} is also the title of {first}"]

    def _screenshot(self, page: Page, step: str) -> Path:
        number = self._steps[self.test] = self._steps.get(self.test, 0) + 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")[:60]
        path = self.folder / self.test / f"{number:02d}-{slug}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    def summary(self) -> str:
        shapes = sorted({path_shape(v.url) for v in self.visits})
        failing = [v for v in self.visits if v.problems]
        lines = [f"{len(self.visits)} page visits, {len(shapes)} kinds of page, {len(failing)} with problems", ""]
        lines += shapes
        return "\n".join(lines)
