"""Browser fixtures: the demo app served by gunicorn, Debian's Chromium driven by Playwright, and the page audit.

Run with `make test-e2e` (which installs Chromium if it is missing). Without /usr/bin/chromium the tests are
skipped, not failed, so `pytest --e2e` on a machine without a browser still says why.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from tests.e2e.audit import Audit
from tests.e2e.checks import DESKTOP
from tests.e2e.pages.base import AppPage
from tests.e2e.server import LiveServer, build_demo_instance

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
# Playwright cannot download its own browser here; these flags keep Debian's Chromium off the (closed) network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", Path(__file__).parent / "screenshots"))


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: `make test-e2e` installs it (apt-get install chromium)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, playwright: Playwright) -> Path:
    """The demo fund, migrated and loaded once; each server starts from a copy."""
    return build_demo_instance(tmp_path_factory.mktemp("e2e") / "demo")


@pytest.fixture(scope="module")
def server(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[LiveServer]:
    """The app on a free loopback port with its own copy of the demo (one per test module).

    A module that starts later in the lifecycle names a step in `ARRANGE` (see tests/e2e/arrange.py): it is done
    through the app's services, before the server starts, so the journey itself begins where that step ends. A
    module's `SERVER_ENV` (a dict) adds settings for its server only, e.g. short session timeouts."""
    live = LiveServer.from_template(
        demo_template, tmp_path_factory.mktemp("server") / "instance", env=getattr(request.module, "SERVER_ENV", None)
    )
    arrange = getattr(request.module, "ARRANGE", None)
    if arrange:
        live.run_python("tests.e2e.arrange", arrange)
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def audit() -> Iterator[Audit]:
    """Every page visit of the run; at the end, tests/e2e/screenshots/pages.txt says which pages were reached."""
    from config import TestConfig
    from fundapp import create_app
    from tests.e2e.coverage import report

    record = Audit(folder=ARTIFACTS)
    yield record
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = report(create_app(TestConfig()), [visit.url for visit in record.visits])
    (ARTIFACTS / "pages.txt").write_text(f"{record.summary()}\n\n{pages}\n")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture()
def open_browser(
    browser: Browser, server: LiveServer, audit: Audit, request: pytest.FixtureRequest
) -> Iterator[Callable[[], AppPage]]:
    """Open a new browser window (its own cookies) on the app: one per person in a journey."""
    audit.test = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    contexts: list[BrowserContext] = []
    pages: list[AppPage] = []

    def open_one() -> AppPage:
        context = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="Europe/London")
        context.set_default_timeout(15_000)
        contexts.append(context)
        app_page = AppPage(context.new_page(), server, audit)
        pages.append(app_page)
        return app_page

    yield open_one
    if request.node.stash.get(_FAILED, False):
        folder = ARTIFACTS / "failures" / audit.test
        folder.mkdir(parents=True, exist_ok=True)
        for number, app_page in enumerate(pages, start=1):
            if not app_page.page.is_closed():
                app_page.page.screenshot(path=str(folder / f"window-{number}.png"), full_page=True)
                (folder / f"window-{number}.html").write_text(app_page.page.content())
    for context in contexts:
        context.close()


@pytest.fixture()
def window(open_browser: Callable[[], AppPage]) -> AppPage:
    """A single browser window, for journeys by one person."""
    return open_browser()
