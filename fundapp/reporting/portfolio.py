"""The portfolio: what grantees reported, rolled up across a call or a fund against the targets in their
applications, in total, by theme and by borough. Pure functions of plain rows (queries.list_portfolio_grants reads
them).

The rules, which the pages state in words:
- a grant's target for a metric is the number its application gave (grants whose application gave none add nothing);
- a grant's reported number is the one in its most recent approved report (grants without one add nothing yet);
- a grant counts toward each theme its application chose, and each borough its report says it reached;
- calls keep their own metrics: across a fund, metrics are the same when both their key and their name are;
- "% of target" is the reported total over the target total, rounded half up; no target, no percentage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from fundapp.assessment.scoring import round_half_up
from fundapp.core.reference import borough_name


@dataclass(frozen=True, order=True)
class MetricRef:
    """A metric as the portfolio matches it across calls: by its key and its name together."""

    key: str
    label: str


@dataclass(frozen=True)
class GrantResults:
    """One accepted grant: its call's metrics, its application's targets and themes, and what its most recent
    approved report said (reported is None before any report is approved)."""

    award_id: int
    round_id: int
    metrics: tuple[MetricRef, ...]
    targets: Mapping[str, int | None] = field(default_factory=dict)  # metric key → target (None: not given)
    reported: Mapping[str, int] | None = None  # metric key → number, from the latest approved report
    themes: tuple[str, ...] = ()
    boroughs: tuple[str, ...] = ()  # GSS codes the latest approved report says the project reached


@dataclass(frozen=True)
class MetricTotal:
    """One metric rolled up over some grants."""

    metric: MetricRef
    target: int  # the sum of the targets given
    targets_given: int  # how many grants gave a target
    reported: int  # the sum of the numbers reported
    grants: int  # grants asked to report this metric
    grants_reported: int  # ... of which have an approved report giving it

    @property
    def percent(self) -> int | None:
        """Reported as a whole percentage of the target (half up); None when there is no target to compare with."""
        return percent_of(self.reported, self.target)


@dataclass(frozen=True)
class GroupTotals:
    """The metrics rolled up over the grants of one theme, borough or call."""

    name: str
    grants: int
    grants_reported: int
    totals: tuple[MetricTotal, ...]


def percent_of(part: int, whole: int) -> int | None:
    """part as a whole percentage of whole, rounded half up, exactly; None when whole is not positive."""
    if whole <= 0:
        return None
    return int(round_half_up(Fraction(100 * part, whole), places=0))


def metrics_of(grants: Iterable[GrantResults]) -> tuple[MetricRef, ...]:
    """Every metric the grants are asked to report, in the order first met (calls in the order given)."""
    seen: dict[MetricRef, None] = {}
    for grant in grants:
        for metric in grant.metrics:
            seen.setdefault(metric, None)
    return tuple(seen)


def metric_total(metric: MetricRef, grants: Iterable[GrantResults]) -> MetricTotal:
    """One metric rolled up over the grants whose call asks for it."""
    target = targets_given = reported = count = grants_reported = 0
    for grant in grants:
        if metric not in grant.metrics:
            continue
        count += 1
        given = grant.targets.get(metric.key)
        if given is not None:
            target += given
            targets_given += 1
        number = grant.reported.get(metric.key) if grant.reported is not None else None
        if number is not None:
            reported += number
            grants_reported += 1
    return MetricTotal(metric, target, targets_given, reported, count, grants_reported)


def totals(grants: Sequence[GrantResults], metrics: Sequence[MetricRef] | None = None) -> tuple[MetricTotal, ...]:
    """Each metric (by default every metric the grants have) rolled up over all the grants."""
    return tuple(metric_total(metric, grants) for metric in (metrics_of(grants) if metrics is None else metrics))


def _grouped(
    grants: Sequence[GrantResults],
    metrics: Sequence[MetricRef],
    names_of: Callable[[GrantResults], Iterable[str]],
    order: Sequence[str],
    name: Callable[[str], str] = str,
) -> list[GroupTotals]:
    members: dict[str, list[GrantResults]] = {}
    for grant in grants:
        for value in dict.fromkeys(names_of(grant)):  # a grant counts once per group, whatever its answers repeat
            members.setdefault(value, []).append(grant)
    ordered = [value for value in order if value in members]
    ordered += sorted((value for value in members if value not in set(order)), key=name)
    return [
        GroupTotals(
            name=name(value),
            grants=len(members[value]),
            grants_reported=sum(1 for g in members[value] if g.reported is not None),
            totals=tuple(metric_total(metric, members[value]) for metric in metrics),
        )
        for value in ordered
    ]


def by_theme(
    grants: Sequence[GrantResults], metrics: Sequence[MetricRef], theme_order: Sequence[str] = ()
) -> list[GroupTotals]:
    """The metrics by theme: a grant counts toward each theme its application chose. Themes in theme_order first
    (the call's own order), then any others by name; themes no grant chose are left out."""
    return _grouped(grants, metrics, lambda g: g.themes, theme_order)


def by_borough(grants: Sequence[GrantResults], metrics: Sequence[MetricRef]) -> list[GroupTotals]:
    """The metrics by borough: a grant counts toward each borough its most recent approved report says it reached
    (none before a report is approved). Boroughs by name."""
    return _grouped(grants, metrics, lambda g: g.boroughs, (), name=lambda code: borough_name(code) or code)


def by_round(
    grants: Sequence[GrantResults], metric: MetricRef, rounds: Sequence[tuple[int, str]]
) -> tuple[list[tuple[str, MetricTotal]], MetricTotal]:
    """One metric call by call (rounds: id and name, in the order to show; calls that do not ask for the metric
    are left out), and across all of them."""
    rows = []
    for round_id, round_name in rounds:
        in_round = [g for g in grants if g.round_id == round_id]
        if any(metric in g.metrics for g in in_round):
            rows.append((round_name, metric_total(metric, in_round)))
    return rows, metric_total(metric, grants)


@dataclass(frozen=True)
class Portfolio:
    """Everything a portfolio page shows."""

    grants: int
    grants_reported: int
    metrics: tuple[MetricRef, ...]
    totals: tuple[MetricTotal, ...]
    themes: list[GroupTotals]
    boroughs: list[GroupTotals]


def build_portfolio(grants: Sequence[GrantResults], *, theme_order: Sequence[str] = ()) -> Portfolio:
    """The totals, by theme and by borough, of every metric the grants report."""
    metrics = metrics_of(grants)
    return Portfolio(
        grants=len(grants),
        grants_reported=sum(1 for g in grants if g.reported is not None),
        metrics=metrics,
        totals=totals(grants, metrics),
        themes=by_theme(grants, metrics, theme_order),
        boroughs=by_borough(grants, metrics),
    )
