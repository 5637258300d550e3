"""What a call asks its grantees to report: the metrics (each with the application question holding its target) and
the reports (interim at the project's mid-point, final some weeks after it ends), and the dates that follow.

Pure functions of plain values, stored on the call as JSON like its payment template and checked when saved.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

MAX_METRICS = 12
MAX_REPORTS = 6
LABEL_MAX_CHARS = 100
_KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")


class ReportKind(enum.StrEnum):
    """An interim report releases the tranche that waits on the interim report; a final one, the final tranche."""

    INTERIM = "interim"
    FINAL = "final"


class DueRule(enum.StrEnum):
    """How a report's due date follows from the project's dates."""

    MIDPOINT = "midpoint"  # half way between the start and the end
    AFTER_END = "after_end"  # a number of weeks after the end


@dataclass(frozen=True)
class Metric:
    """One number grantees report (e.g. Londoners reached), shown beside the application's target for it."""

    key: str
    label: str
    hint: str = ""
    # The key of the application's number question holding the target ("" when the form asks for none).
    target_question: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "hint": self.hint, "target_question": self.target_question}


@dataclass(frozen=True)
class ReportRule:
    """One report each award of the call owes."""

    kind: ReportKind
    label: str
    due: DueRule
    weeks: int = 0  # for AFTER_END

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "label": self.label, "due": self.due.value, "weeks": self.weeks}

    def due_on(self, start: date, end: date) -> date:
        """The date this report falls due for a project running from start to end."""
        if self.due == DueRule.MIDPOINT:
            return start + (end - start) / 2
        return end + timedelta(weeks=self.weeks)

    def describe(self) -> str:
        """When it falls due, in words: "At the project's mid-point"."""
        if self.due == DueRule.MIDPOINT:
            return "At the project's mid-point"
        return f"{self.weeks} weeks after the project ends" if self.weeks != 1 else "1 week after the project ends"


# The Shared Endeavour Fund's metrics: the numbers its applicants give as targets, and the change it looks for.
DEFAULT_METRICS: tuple[Metric, ...] = (
    Metric(
        "londoners_reached",
        "Londoners reached",
        "People who took part in at least one activity, counted once each",
        "londoners_reached",
    ),
    Metric("sessions_delivered", "Sessions delivered", "Workshops, sessions or events you ran", "sessions_planned"),
    Metric(
        "volunteers_involved", "Volunteers involved", "Volunteers who helped run the project", "volunteers_involved"
    ),
    Metric(
        "participants_reporting_change",
        "Participants reporting a change",
        "People who said the project changed their attitudes or made them more confident",
        "participants_reporting_change",
    ),
)

DEFAULT_REPORTS: tuple[ReportRule, ...] = (
    ReportRule(ReportKind.INTERIM, "Interim report", DueRule.MIDPOINT),
    ReportRule(ReportKind.FINAL, "Final report", DueRule.AFTER_END, 8),
)


def default_metrics_json() -> list[dict[str, Any]]:
    """The default metrics as stored on a call."""
    return [metric.as_json() for metric in DEFAULT_METRICS]


def default_reports_json() -> list[dict[str, Any]]:
    """The default report schedule as stored on a call."""
    return [rule.as_json() for rule in DEFAULT_REPORTS]


def parse_metrics(rows: Iterable[Mapping[str, Any]]) -> tuple[Metric, ...]:
    """Stored metrics as Metrics (stored metrics were checked when saved)."""
    return tuple(
        Metric(str(r["key"]), str(r["label"]), str(r.get("hint", "")), str(r.get("target_question", ""))) for r in rows
    )


def parse_reports(rows: Iterable[Mapping[str, Any]]) -> tuple[ReportRule, ...]:
    """A stored report schedule as ReportRules."""
    return tuple(
        ReportRule(ReportKind(r["kind"]), str(r["label"]), DueRule(r["due"]), int(r.get("weeks", 0))) for r in rows
    )


def metric_key(label: str) -> str:
    """A stable key for a metric named label: "Londoners reached" → "londoners_reached"."""
    key = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40]
    return key if key[:1].isalpha() else f"m_{key}"[:40]


def metric_problems(metrics: Sequence[Metric]) -> list[str]:
    """What is wrong with a call's metrics, in words a fund manager can act on; empty when they can be used."""
    problems = []
    if not metrics:
        return ["Add at least one metric"]
    if len(metrics) > MAX_METRICS:
        problems.append(f"A call can have at most {MAX_METRICS} metrics")
    seen: set[str] = set()
    for number, metric in enumerate(metrics, start=1):
        if not metric.label.strip():
            problems.append(f"Enter a name for metric {number}")
        elif len(metric.label) > LABEL_MAX_CHARS:
            problems.append(f"The name of metric {number} must be {LABEL_MAX_CHARS} characters or fewer")
        elif not _KEY_RE.fullmatch(metric.key):
            problems.append(f"Metric {number} needs a name that starts with a letter")
        elif metric.key in seen:
            problems.append(f"Metric {number} has the same name as another metric")
        seen.add(metric.key)
    return problems


def report_problems(rules: Sequence[ReportRule]) -> list[str]:
    """What is wrong with a report schedule; empty when it can be used. A final report is required (it releases
    the last tranche and closes the grant) and comes last."""
    problems = []
    if len(rules) > MAX_REPORTS:
        problems.append(f"A call can ask for at most {MAX_REPORTS} reports")
    for number, rule in enumerate(rules, start=1):
        if not rule.label.strip():
            problems.append(f"Enter a name for report {number}")
        elif len(rule.label) > LABEL_MAX_CHARS:
            problems.append(f"The name of report {number} must be {LABEL_MAX_CHARS} characters or fewer")
        if rule.due == DueRule.AFTER_END and not 0 <= rule.weeks <= 52:
            problems.append(f"Report {number} must be due between 0 and 52 weeks after the project ends")
    finals = [rule for rule in rules if rule.kind == ReportKind.FINAL]
    if len(finals) != 1:
        problems.append("Ask for exactly one final report")
    elif rules[-1].kind != ReportKind.FINAL:
        problems.append("The final report must come last")
    return problems
