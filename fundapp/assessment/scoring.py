"""Score arithmetic, in one place: an assessment's %, an application's %, moderation, spread flags, display.

Pure functions on plain values (no database), exact arithmetic with Fraction, rounded only for display:

- an assessment's score % = Σ(score × weight) ÷ Σ(max × weight) × 100, over the criteria it scored ("not
  applicable" is a null and leaves the criterion out of both sums);
- an application's score % = the mean of its submitted assessments' scores, or, once a moderator has set a
  score on some criteria, the same formula applied to the moderated score on those criteria and the mean of the
  assessors' scores on the others (the assessors' own scores are never changed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

Scores = Mapping[int, int | None]  # criterion id → score (None: not applicable or not scored)


class CriterionLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def weight(self) -> int: ...
    @property
    def scale_min(self) -> int: ...
    @property
    def scale_max(self) -> int: ...


@dataclass(frozen=True)
class Scale:
    """A criterion as the arithmetic sees it (tests and callers without ORM rows use this)."""

    id: int
    weight: int
    scale_min: int
    scale_max: int
    name: str = ""


def _weighted(criteria: Iterable[CriterionLike], values: Mapping[int, Fraction | int | None]) -> Fraction | None:
    numerator: Fraction = Fraction(0)
    denominator = 0
    for criterion in criteria:
        value = values.get(criterion.id)
        if value is None:
            continue
        numerator += Fraction(value) * criterion.weight
        denominator += criterion.scale_max * criterion.weight
    if denominator == 0:
        return None
    return numerator * 100 / denominator


def assessment_percent(criteria: Sequence[CriterionLike], scores: Scores) -> Fraction | None:
    """Σ(score × weight) ÷ Σ(max × weight) × 100 over the scored criteria; None when nothing is scored."""
    return _weighted(criteria, scores)


def mean(values: Iterable[Fraction | None]) -> Fraction | None:
    """The mean of the values that are not None; None when there are none."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present, Fraction(0)) / len(present)


def criterion_means(criteria: Sequence[CriterionLike], scorecards: Sequence[Scores]) -> dict[int, Fraction | None]:
    """Each criterion's mean score across the scorecards (not applicable left out)."""
    return {
        c.id: mean(Fraction(s[c.id]) for s in scorecards if s.get(c.id) is not None)  # type: ignore[arg-type]
        for c in criteria
    }


def application_percent(
    criteria: Sequence[CriterionLike],
    scorecards: Sequence[Scores],
    moderated: Mapping[int, int] | None = None,
) -> Fraction | None:
    """An application's score %: the mean of its submitted scorecards' %, or the moderated figure (see module)."""
    if not moderated:
        return mean(assessment_percent(criteria, s) for s in scorecards)
    values: dict[int, Fraction | int | None] = dict(criterion_means(criteria, scorecards))
    values.update(moderated)
    return _weighted(criteria, values)


def round_half_up(value: Fraction, places: int = 1) -> Decimal:
    """Round half away from zero to `places` decimals (72.45 → 72.5), exactly."""
    scale = 10**places
    scaled = abs(value) * scale
    whole = int(scaled + Fraction(1, 2))
    result = Decimal(whole).scaleb(-places)
    return -result if value < 0 else result


def format_percent(value: Fraction | None) -> str:
    """72.5% (one decimal place), or an en dash when there is no score yet."""
    if value is None:
        return "–"
    return f"{round_half_up(value)}%"


def format_points(value: Fraction | None) -> str:
    """A criterion's mean score to one decimal place (3.5), or an en dash."""
    if value is None:
        return "–"
    return str(round_half_up(value))


def spread_flags(
    criteria: Sequence[CriterionLike],
    scorecards: Sequence[Scores],
    *,
    spread_points: int,
    spread_percent: int,
) -> list[str]:
    """Why an application needs a moderator: assessors differ by ≥ spread_points on a criterion or by
    ≥ spread_percent percentage points overall, or a criterion was scored at the bottom of its scale."""
    flags: list[str] = []
    for criterion in criteria:
        given = [s[criterion.id] for s in scorecards if s.get(criterion.id) is not None]
        numbers = [g for g in given if g is not None]
        if len(numbers) >= 2 and max(numbers) - min(numbers) >= spread_points:
            flags.append(
                f"Assessors differ by {max(numbers) - min(numbers)} points on {criterion.name} "
                f"({min(numbers)} to {max(numbers)})"
            )
        bottom = sum(1 for n in numbers if n == criterion.scale_min)
        if bottom:
            who = "an assessor" if bottom == 1 else f"{bottom} assessors"
            flags.append(f"{criterion.name} was scored {criterion.scale_min}, the bottom of the scale, by {who}")
    percents = [p for p in (assessment_percent(criteria, s) for s in scorecards) if p is not None]
    if len(percents) >= 2 and max(percents) - min(percents) >= spread_percent:
        flags.append(
            f"Assessors differ by {round_half_up(max(percents) - min(percents))} percentage points overall "
            f"({format_percent(min(percents))} to {format_percent(max(percents))})"
        )
    return flags
