"""What every page a journey visits must pass: axe-core's WCAG 2.0/2.1/2.2 A and AA rules, and the checks axe cannot
make (keyboard, focus, titles, reflow and zoom). Each check returns the problems it found as sentences, so one
failing page reports everything wrong with it at once.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from PIL import Image, ImageChops
from playwright.sync_api import Page

DESKTOP = {"width": 1280, "height": 800}
# WCAG 1.4.10 Reflow: content at 320 CSS pixels wide (a 1280 px window at 400% zoom) without scrolling sideways.
NARROW = {"width": 320, "height": 640}
# WCAG 1.4.4 Resize text: the same 1280 x 800 window at 200% zoom is 640 x 400 CSS pixels.
ZOOM_200 = {"width": 640, "height": 400}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
MAX_TABS = 400

_axe = Axe()

# Everything a person can reach with Tab: links, controls, and anything given a tabindex of 0 or more.
_MARK_FOCUSABLE = """() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const found = [];
  let index = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.getAttribute('tabindex') === '-1' || el.type === 'hidden') continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    // GOV.UK radios and checkboxes keep the real input on top of the drawn one, at opacity 0: it still takes focus.
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    el.dataset.e2eKey = String(index++);
    const group = el.type === 'radio' ? `radio:${el.form ? el.form.id : ''}:${el.name}` : el.dataset.e2eKey;
    found.push({key: el.dataset.e2eKey, group, html: el.outerHTML.slice(0, 160)});
  }
  return found;
}"""

_ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const box = el.getBoundingClientRect();
  return {
    key: el.dataset ? (el.dataset.e2eKey ?? null) : null,
    html: el.outerHTML.slice(0, 160),
    kind: `${el.tagName}.${el.className}.${el.type || ''}`,
    box: {x: box.x, y: box.y, width: box.width, height: box.height},
    viewport: {width: window.innerWidth, height: window.innerHeight},
  };
}"""


@dataclass
class Finding:
    """Problems found on one page (an empty list means it passed)."""

    url: str
    title: str
    problems: list[str] = field(default_factory=list)


def axe_violations(page: Page) -> list[str]:
    """Run axe-core's WCAG A and AA rules on the page as it is now; one line per rule and element."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    problems = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            where = ", ".join(map(str, node["target"]))
            detail = " ".join(node.get("failureSummary", "").splitlines()[1:]).strip()
            problems.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} at {where}: {detail}")
    return problems


def title_problems(page: Page) -> list[str]:
    """The title names the page (its one h1, or starts like it) and the service: WCAG 2.4.2 Page Titled."""
    title = page.title()
    problems = []
    suffix = " – " + " ".join(page.locator(".govuk-generic-header__homepage-link").first.inner_text().split())
    if not title.endswith(suffix):
        problems.append(f"title {title!r} does not end with {suffix!r} (the service name)")
    name = title.removeprefix("Error: ").removesuffix(suffix).strip()
    if not name:
        problems.append(f"title {title!r} does not say what the page is")
    headings = [" ".join(text.split()) for text in page.locator("h1").all_inner_texts()]
    if len(headings) != 1:
        problems.append(f"the page has {len(headings)} h1 headings: {headings}")
    elif not _same_words(name, headings[0]):
        problems.append(f"title {name!r} does not match the h1 {headings[0]!r}")
    has_errors = page.locator(".govuk-error-summary").count() > 0
    if has_errors != title.startswith("Error: "):
        problems.append(f"title {title!r} should start with 'Error: ' exactly when the page shows an error summary")
    return problems


def _same_words(title: str, heading: str) -> bool:
    """The h1 may carry a caption or a longer form of the title; the title must be recognisably the same page."""
    a, b = _words(title), _words(heading)
    return a == b or a in b or b in a


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w£%.,'’-]+", text.lower()))


def reflow_problems(page: Page) -> list[str]:
    """No sideways scrolling at 320 CSS pixels (1.4.10) or at 200% zoom (1.4.4); restores the desktop size."""
    problems = []
    try:
        for name, size in (("320 CSS pixels wide", NARROW), ("200% zoom", ZOOM_200)):
            page.set_viewport_size(size)
            overflow = page.evaluate(
                """() => {
                  const width = document.documentElement.clientWidth;
                  const wide = [];
                  for (const el of document.body.querySelectorAll('*')) {
                    const box = el.getBoundingClientRect();
                    if (box.right > width + 1 && el.checkVisibility() && !el.closest('.app-table-scroll')) {
                      wide.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(box.right)}px)`);
                    }
                  }
                  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 3)};
                }"""
            )
            if overflow["scroll"] > overflow["width"]:
                problems.append(
                    f"at {name} the page scrolls sideways ({overflow['scroll']} > {overflow['width']} px): "
                    f"{overflow['wide']}"
                )
    finally:
        page.set_viewport_size(DESKTOP)
    return problems


def start_from_the_top(page: Page) -> None:
    """Put the keyboard back at the start of the page, as if it had just loaded: the next Tab goes to the first
    control. (Blurring is not enough: Chromium carries on from the element that last had focus.)"""
    page.evaluate(
        """() => {
          window.scrollTo(0, 0);
          let start = document.getElementById('e2e-start');
          if (!start) {
            start = document.createElement('span');
            start.id = 'e2e-start';
            start.tabIndex = -1;
            document.body.prepend(start);
          }
          start.focus();
          start.blur();
        }"""
    )


def as_loaded(page: Page) -> None:
    """Put focus where it is when the page loads: on the error summary if there is one, else at the top."""
    start_from_the_top(page)
    if page.locator(".govuk-error-summary").count():
        page.locator(".govuk-error-summary").first.focus()
        page.evaluate("() => window.scrollTo(0, 0)")


def skip_link_problems(page: Page) -> list[str]:
    """The first Tab reaches a visible 'Skip to main content' link, and following it moves focus to the main content."""
    start_from_the_top(page)
    page.keyboard.press("Tab")
    first = page.evaluate(
        "() => ({cls: document.activeElement.className, text: document.activeElement.textContent.trim(),"
        " height: document.activeElement.getBoundingClientRect().height})"
    )
    if "govuk-skip-link" not in first["cls"]:
        return [f"the first Tab goes to {first['text']!r}, not the skip link"]
    problems = []
    if first["height"] < 10:
        problems.append("the skip link is not visible when it has focus")
    page.keyboard.press("Enter")
    target = page.evaluate("() => document.activeElement.id")
    if target != "main-content":
        problems.append(f"the skip link moved focus to {target!r}, not the main content")
    return problems


def keyboard_problems(page: Page) -> list[str]:
    """Tab reaches every control on the page and each shows where focus is (2.1.1, 2.4.3, 2.4.7, 2.4.11)."""
    controls = page.evaluate(_MARK_FOCUSABLE)
    start_from_the_top(page)
    reached: set[str] = set()
    kinds_checked: set[str] = set()
    problems: list[str] = []
    first_key = None
    outside = 0
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE)
        if active is None or active["key"] is None:
            outside += 1
            if outside > 2:
                break  # focus has left the page after the last control
            continue
        if active["key"] == first_key:
            break  # round to the start again
        first_key = first_key or active["key"]
        reached.add(active["key"])
        problems += _obscured(active)
        if active["kind"] not in kinds_checked:
            kinds_checked.add(active["kind"])
            problems += _focus_not_visible(page, active)
    groups_reached = {c["group"] for c in controls if c["key"] in reached}
    missed = [c["html"] for c in controls if c["group"] not in groups_reached]
    if missed:
        problems.append(f"Tab never reaches {len(missed)} control(s): {missed[:3]}")
    return problems


def _obscured(active: dict[str, Any]) -> list[str]:
    box, viewport = active["box"], active["viewport"]
    inside = box["y"] + box["height"] > 0 and box["y"] < viewport["height"] and box["x"] < viewport["width"]
    return [] if inside else [f"focus is out of sight on {active['html']}"]


def _focus_not_visible(page: Page, active: dict[str, Any]) -> list[str]:
    """Compare the element's surroundings with and without focus: the indicator must change a ring of pixels."""
    box = active["box"]
    pad = 6
    clip = {
        "x": max(box["x"] - pad, 0),
        "y": max(box["y"] - pad, 0),
        "width": min(box["width"] + 2 * pad, active["viewport"]["width"]),
        "height": min(box["height"] + 2 * pad, active["viewport"]["height"]),
    }
    if clip["width"] < 1 or clip["height"] < 1:
        return [f"focused element has no size: {active['html']}"]
    focused = Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled", caret="hide")))
    key = active["key"]
    page.evaluate("(key) => document.querySelector(`[data-e2e-key='${key}']`).blur()", key)
    blurred = Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled", caret="hide")))
    page.evaluate("(key) => document.querySelector(`[data-e2e-key='${key}']`).focus()", key)
    diff = ImageChops.difference(focused.convert("RGB"), blurred.convert("RGB")).convert("L")
    changed = sum(diff.point(lambda value: 255 if value > 24 else 0).histogram()[255:])
    # At least a one-pixel line along the element's width and height has to change for focus to be seen.
    if changed < min(box["width"], clip["width"]) + min(box["height"], clip["height"]):
        return [f"focus is not visible on {active['html']} ({changed} pixels change)"]
    return []


def error_summary_problems(page: Page) -> list[str]:
    """After a failed submit, focus is on the error summary and each of its links moves focus to its field (3.3.1)."""
    summary = page.locator(".govuk-error-summary")
    if summary.count() == 0:
        return []
    problems = []
    focused = page.evaluate("() => document.activeElement.closest('.govuk-error-summary') !== null")
    if not focused:
        problems.append("the error summary does not have focus when the page loads")
    links = summary.locator("a")
    for index in range(links.count()):
        link = links.nth(index)
        href = link.get_attribute("href") or ""
        if not href.startswith("#") or page.locator(f"[id='{href[1:]}']").count() == 0:
            problems.append(f"error summary link {link.inner_text()!r} points at {href!r}, which is not on the page")
            continue
        link.click()
        active_id = page.evaluate("() => document.activeElement.id")
        if active_id != href[1:]:
            problems.append(f"error summary link {link.inner_text()!r} moved focus to {active_id!r}, not {href[1:]!r}")
    page.evaluate("() => window.scrollTo(0, 0)")
    return problems
