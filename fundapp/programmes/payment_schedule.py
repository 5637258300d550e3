"""Payment schedules: a call's template of tranches (a share of the award each, and what makes it due), and the
arithmetic that turns a template and an award into amounts in pence that always add up to the award exactly.

Pure functions of plain values, tested property by property without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fundapp.programmes.states import TRIGGER_LABELS, PaymentTrigger

MAX_TRANCHES = 6
LABEL_MAX_CHARS = 100


@dataclass(frozen=True)
class Tranche:
    """One row of a call's payment template."""

    label: str
    percent: int
    trigger: PaymentTrigger

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "percent": self.percent, "trigger": self.trigger.value}


# The Shared Endeavour Fund's schedule: half on acceptance, 40% on the interim report, the rest on the final one.
DEFAULT_TEMPLATE: tuple[Tranche, ...] = (
    Tranche("First payment", 50, PaymentTrigger.ACCEPTANCE),
    Tranche("Second payment", 40, PaymentTrigger.INTERIM_REPORT),
    Tranche("Final payment", 10, PaymentTrigger.FINAL_REPORT),
)


def default_template_json() -> list[dict[str, Any]]:
    """The default template as stored on a call."""
    return [tranche.as_json() for tranche in DEFAULT_TEMPLATE]


def parse_template(rows: Iterable[Mapping[str, Any]]) -> tuple[Tranche, ...]:
    """A stored template as Tranches (stored templates were checked when saved)."""
    return tuple(Tranche(str(r["label"]), int(r["percent"]), PaymentTrigger(r["trigger"])) for r in rows)


def template_problems(tranches: Sequence[Tranche]) -> list[str]:
    """What is wrong with a template, in words a fund manager can act on; empty when it can be used."""
    problems = []
    if not tranches:
        return ["Add at least one payment"]
    if len(tranches) > MAX_TRANCHES:
        problems.append(f"A schedule can have at most {MAX_TRANCHES} payments")
    for number, tranche in enumerate(tranches, start=1):
        if not tranche.label.strip():
            problems.append(f"Enter a name for payment {number}")
        elif len(tranche.label) > LABEL_MAX_CHARS:
            problems.append(f"The name of payment {number} must be {LABEL_MAX_CHARS} characters or fewer")
        if not 1 <= tranche.percent <= 100:
            problems.append(f"Payment {number} must be between 1% and 100% of the award")
    total = sum(t.percent for t in tranches)
    if total != 100:
        problems.append(f"The payments must add up to 100% of the award; they add up to {total}%")
    if tranches[0].trigger != PaymentTrigger.ACCEPTANCE:
        problems.append(f"The first payment must be due {TRIGGER_LABELS[PaymentTrigger.ACCEPTANCE].lower()}")
    return problems


def split_amount(total_pence: int, percents: Sequence[int]) -> list[int]:
    """Split an award into tranches by percentage. Each tranche but the last is its share rounded down to the
    penny; the last takes what is left, so the amounts always add up to the award exactly.

    Raises ValueError unless the total is not negative and the percentages are positive and add up to 100.
    """
    if total_pence < 0:
        raise ValueError("an award cannot be negative")
    if not percents or any(p <= 0 for p in percents) or sum(percents) != 100:
        raise ValueError(f"percentages must be positive and add up to 100, not {list(percents)}")
    amounts = [total_pence * percent // 100 for percent in percents[:-1]]
    amounts.append(total_pence - sum(amounts))
    return amounts
