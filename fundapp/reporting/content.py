"""What a monitoring report asks and how each answer is checked: pure functions of plain values.

A report has five sections, saved one at a time (save and return, like the application):
- results: one whole, non-negative number per metric of the call, shown beside the application's target;
- delivery: what the project delivered, and what changed from the plan or went wrong (word limits);
- spending: spend to date on each line of the application's budget;
- places: the London boroughs the project reached;
- evidence: files (photos, registers, evaluation), optional.

`raw` keeps exactly what was typed; `check_section` returns the checked values of the fields that are valid and a
message per field that is not. A report can be submitted when every section is complete.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fundapp.applications.answers import count_words, parse_whole_number
from fundapp.core.money import MoneyParseError, format_pence, parse_pounds
from fundapp.core.reference import london_boroughs
from fundapp.programmes.monitoring import Metric

SECTIONS: tuple[tuple[str, str], ...] = (
    ("results", "Results"),
    ("delivery", "What you delivered"),
    ("spending", "Spending"),
    ("places", "Where you worked"),
    ("evidence", "Evidence"),
)
SECTION_KEYS = tuple(key for key, _title in SECTIONS)
SECTION_TITLES = dict(SECTIONS)

DELIVERED_WORDS = 500
CHANGES_WORDS = 300
MAX_METRIC = 10_000_000  # more than the population of London: a typo, not a result
MAX_SPEND_PENCE = 100_000_000  # £1,000,000 on one line
TEXT_MAX_CHARS = 10_000
MAX_EVIDENCE_FILES = 10
EVIDENCE_TYPES = ("pdf", "docx", "xlsx", "odt", "ods", "png", "jpg")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class BudgetLine:
    """One line of the application's budget, as the grantee planned it."""

    category: str
    description: str
    budget_pence: int


@dataclass(frozen=True)
class ReportContext:
    """What a report is checked against: the call's metrics (with the application's targets) and its budget."""

    metrics: tuple[Metric, ...]
    targets: Mapping[str, int | None] = field(default_factory=dict)  # metric key → target from the application
    budget: tuple[BudgetLine, ...] = ()


@dataclass
class Checked:
    """A section's checked values (only the valid fields) and a message per field that is not."""

    values: dict[str, Any]
    errors: dict[str, str]


def _metric(metric: Metric, raw: Any) -> int:
    text = str(raw or "").strip()
    if not text:
        raise ValueError(f"Enter the number of {metric.label.lower()}, or 0 if there were none")
    try:
        number = parse_whole_number(text)
    except ValueError:
        raise ValueError(f"{metric.label} must be a whole number, like 120") from None
    if number < 0:
        raise ValueError(f"{metric.label} cannot be negative; enter 0 if there were none")
    if number > MAX_METRIC:
        raise ValueError(f"{metric.label} must be {MAX_METRIC:,} or fewer")
    return number


def _text(raw: Any, *, limit: int, missing: str, noun: str) -> str:
    text = str(raw or "").strip()
    if not text:
        raise ValueError(missing)
    if len(text) > TEXT_MAX_CHARS or count_words(text) > limit:
        raise ValueError(f"{noun} must be {limit} words or fewer")
    return text


def _spend(line: BudgetLine, raw: Any) -> int:
    text = str(raw or "").strip()
    label = line.description or line.category
    if not text:
        raise ValueError(f"Enter what you have spent on {label} so far, or 0")
    try:
        pence = parse_pounds(text)
    except MoneyParseError:
        raise ValueError(f"Enter the amount spent on {label} in pounds, like £1,250") from None
    if pence < 0:
        raise ValueError(f"The amount spent on {label} cannot be negative")
    if pence > MAX_SPEND_PENCE:
        raise ValueError(f"The amount spent on {label} must be {format_pence(MAX_SPEND_PENCE)} or less")
    return pence


def metric_field(key: str) -> str:
    """The form field of a metric (also the key of its error)."""
    return f"metric_{key}"


def spend_field(index: int) -> str:
    """The form field of a budget line's spend."""
    return f"spend_{index}"


def _check_results(raw: Mapping[str, Any], ctx: ReportContext) -> Checked:
    typed = raw.get("metrics") or {}
    values: dict[str, int] = {}
    errors: dict[str, str] = {}
    for metric in ctx.metrics:
        try:
            values[metric.key] = _metric(metric, typed.get(metric.key))
        except ValueError as exc:
            errors[metric_field(metric.key)] = str(exc)
    return Checked({"metrics": values}, errors)


def _check_delivery(raw: Mapping[str, Any], _ctx: ReportContext) -> Checked:
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    rules = {
        "delivered": (DELIVERED_WORDS, "Describe what your project delivered", "What your project delivered"),
        "changes": (
            CHANGES_WORDS,
            "Describe what changed from your plan or went wrong, or write 'Nothing changed'",
            "What changed",
        ),
    }
    for name, (limit, missing, noun) in rules.items():
        try:
            values[name] = _text(raw.get(name), limit=limit, missing=missing, noun=noun)
        except ValueError as exc:
            errors[name] = str(exc)
    return Checked(values, errors)


def _check_spending(raw: Mapping[str, Any], ctx: ReportContext) -> Checked:
    typed = raw.get("spend") or {}
    lines: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for index, line in enumerate(ctx.budget):
        try:
            spent = _spend(line, typed.get(str(index)))
        except ValueError as exc:
            errors[spend_field(index)] = str(exc)
            continue
        lines.append(
            {
                "line": index,
                "category": line.category,
                "description": line.description,
                "budget_pence": line.budget_pence,
                "spent_pence": spent,
            }
        )
    return Checked({"spend": lines} if not errors else {}, errors)


def _check_places(raw: Mapping[str, Any], _ctx: ReportContext) -> Checked:
    chosen = raw.get("boroughs") or []
    known = {b.gss_code for b in london_boroughs()}
    if not isinstance(chosen, list) or not chosen:
        return Checked({}, {"boroughs": "Select the boroughs your project reached"})
    if any(code not in known for code in chosen):
        return Checked({}, {"boroughs": "Select boroughs from the list"})
    ordered = [b.gss_code for b in london_boroughs() if b.gss_code in set(chosen)]
    return Checked({"boroughs": ordered}, {})


_CHECKS = {
    "results": _check_results,
    "delivery": _check_delivery,
    "spending": _check_spending,
    "places": _check_places,
}


def check_section(section: str, raw: Mapping[str, Any], ctx: ReportContext) -> Checked:
    """Check one section of what was typed. Evidence has nothing typed (files are checked when uploaded).

    Raises KeyError for an unknown section."""
    if section == "evidence":
        return Checked({}, {})
    return _CHECKS[section](raw, ctx)


def section_complete(section: str, values: Mapping[str, Any], ctx: ReportContext) -> bool:
    """Whether the checked values hold every field of the section (evidence is optional, so always complete)."""
    if section == "results":
        return set(values.get("metrics", {})) >= {m.key for m in ctx.metrics}
    if section == "delivery":
        return bool(values.get("delivered")) and bool(values.get("changes"))
    if section == "spending":
        return len(values.get("spend", [])) == len(ctx.budget)
    if section == "places":
        return bool(values.get("boroughs"))
    return section == "evidence"


def incomplete_sections(values: Mapping[str, Any], ctx: ReportContext) -> list[str]:
    """The sections still to complete before the report can be submitted, in order."""
    return [key for key in SECTION_KEYS if not section_complete(key, values, ctx)]


def merge_section(values: Mapping[str, Any], section: str, checked: Checked) -> dict[str, Any]:
    """The report's values with one section's fields replaced by the newly checked ones (invalid fields dropped)."""
    names = {
        "results": ("metrics",),
        "delivery": ("delivered", "changes"),
        "spending": ("spend",),
        "places": ("boroughs",),
    }.get(section, ())
    merged = {k: v for k, v in values.items() if k not in names}
    merged.update(checked.values)
    return merged


def total_spent(values: Mapping[str, Any]) -> int:
    """Spend to date across the budget lines, in pence (0 before the spending section is complete)."""
    return sum(int(line["spent_pence"]) for line in values.get("spend", []))


def budget_lines(
    budget_value: Sequence[Mapping[str, Any]] | None, category_labels: Mapping[str, str]
) -> tuple[BudgetLine, ...]:
    """The application's checked budget answer as BudgetLines, categories shown by their labels."""
    return tuple(
        BudgetLine(
            category=category_labels.get(str(line.get("category")), str(line.get("category", ""))),
            description=str(line.get("description", "")),
            budget_pence=int(line.get("amount_pence", 0)),
        )
        for line in budget_value or []
    )
