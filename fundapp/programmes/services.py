"""Writes for funds and calls (rounds). Every function flushes and never commits; the request or command commits.

Services take plain values and an explicit actor, raise DomainError subclasses naming the field they belong
to, and record an audit event for every change. A round's status changes only through _move(), checking the
transition table in states.py.
"""

from __future__ import annotations

import copy
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NoReturn

import sqlalchemy as sa

from fundapp.accounts.models import User
from fundapp.accounts.states import LegalType
from fundapp.core.audit import record_event
from fundapp.core.clock import format_datetime
from fundapp.core.errors import DomainError, check_transition
from fundapp.core.money import format_pence
from fundapp.core.transitions import record_transition
from fundapp.extensions import db
from fundapp.programmes import queries, question_sets
from fundapp.programmes.models import (
    Criterion,
    CriterionDescriptor,
    Fund,
    Question,
    QuestionSet,
    Round,
    Section,
    Theme,
    Tier,
)
from fundapp.programmes.monitoring import Metric, ReportRule, metric_problems, report_problems
from fundapp.programmes.payment_schedule import Tranche, template_problems
from fundapp.programmes.states import (
    ALLOWED_SCALES,
    DEFAULT_DESCRIPTORS,
    ROUND_TRANSITIONS,
    QuestionType,
    RoundStatus,
    scale_label,
)

_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


class RoundNotReady(DomainError):
    """A call cannot open until its set-up is complete; `problems` lists every missing item."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("This call cannot open yet: " + "; ".join(problems) + ".")
        self.problems = problems


class InvalidQuestionSet(DomainError):
    """Question set data that does not match the format; `problems` lists what is wrong."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:10]
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__("The question set has problems: " + "; ".join(shown) + more, field="question_set")
        self.problems = problems


# --- plain values describing a round's set-up ------------------------------------------------------------


@dataclass(frozen=True)
class TierSpec:
    """A grant size band, in pence; match_funding_percent of the project must come from elsewhere."""

    name: str
    min_pence: int
    max_pence: int
    match_funding_percent: int = 0

    @classmethod
    def of(cls, tier: Tier) -> TierSpec:
        """The plain values of a stored tier (to copy it, or keep it when the list changes)."""
        return cls(tier.name, tier.min_pence, tier.max_pence, tier.match_funding_percent)


@dataclass(frozen=True)
class ThemeSpec:
    name: str
    description: str = ""

    @classmethod
    def of(cls, theme: Theme) -> ThemeSpec:
        """The plain values of a stored theme."""
        return cls(theme.name, theme.description)


@dataclass(frozen=True)
class DescriptorSpec:
    """What one point on a criterion's scale means, e.g. DescriptorSpec(5, 'Strong')."""

    score: int
    label: str
    description: str = ""


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    weight: int
    scale_min: int
    scale_max: int
    guidance: str = ""
    descriptors: Sequence[DescriptorSpec] = field(default_factory=tuple)

    @classmethod
    def of(cls, criterion: Criterion) -> CriterionSpec:
        """The plain values of a stored criterion with its descriptors."""
        descriptors = tuple(DescriptorSpec(d.score, d.label, d.description) for d in criterion.descriptors)
        return cls(
            criterion.name, criterion.weight, criterion.scale_min, criterion.scale_max, criterion.guidance, descriptors
        )


def default_descriptors(scale_min: int, scale_max: int) -> tuple[DescriptorSpec, ...]:
    """What each point of an allowed scale means when staff do not say (5 Strong … 1 Poor); () for other scales."""
    return tuple(DescriptorSpec(*point) for point in DEFAULT_DESCRIPTORS.get((scale_min, scale_max), ()))


# --- funds ---------------------------------------------------------------------------------------------


def _check_code(code: str) -> str:
    code = code.strip().upper()
    if not _CODE_RE.match(code):
        raise DomainError(
            "Enter a code of up to 20 capital letters, digits and hyphens, like SEF or SEF-6", field="code"
        )
    return code


def create_fund(*, actor: User | None, code: str, name: str, description: str = "") -> Fund:
    """Create a fund. Raises DomainError (field 'code') for a malformed or taken code; codes are unique."""
    code = _check_code(code)
    if not name.strip():
        raise DomainError("Enter the fund's name", field="name")
    if queries.find_fund_by_code(code) is not None:
        raise DomainError(f"There is already a fund with the code {code}", field="code")
    fund = Fund(code=code, name=name.strip(), description=description.strip())
    db.session.add(fund)
    db.session.flush()
    record_event("fund.created", actor=actor, subject=fund, data={"code": fund.code, "name": fund.name})
    return fund


# --- rounds --------------------------------------------------------------------------------------------


def _check_dates(opens_at: datetime, closes_at: datetime) -> None:
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise ValueError("opens_at and closes_at must be aware datetimes (use fundapp.core.clock)")
    if closes_at <= opens_at:
        raise DomainError("The closing date must be after the opening date", field="closes_at")


def _check_tiers(tiers: Sequence[TierSpec]) -> None:
    """Each tier is a sensible band and no amount falls in two tiers (so an amount picks one tier)."""
    names = [tier.name.strip() for tier in tiers]
    if any(not name for name in names):
        raise DomainError("Give every tier a name", field="tiers")
    if len(set(names)) != len(names):
        raise DomainError("Give every tier a different name", field="tiers")
    for tier in tiers:
        if tier.min_pence <= 0:
            raise DomainError(f"{tier.name}: the smallest grant must be more than £0", field="tiers")
        if tier.min_pence > tier.max_pence:
            raise DomainError(
                f"{tier.name}: the smallest grant ({format_pence(tier.min_pence)}) is more than the largest "
                f"({format_pence(tier.max_pence)})",
                field="tiers",
            )
        if not 0 <= tier.match_funding_percent <= 100:
            raise DomainError(f"{tier.name}: match funding must be between 0% and 100%", field="tiers")
    ordered = sorted(tiers, key=lambda t: t.min_pence)
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        if upper.min_pence <= lower.max_pence:
            raise DomainError(
                f"{lower.name} and {upper.name} overlap: an amount of {format_pence(upper.min_pence)} would be in both",
                field="tiers",
            )


def _check_themes(themes: Sequence[ThemeSpec]) -> None:
    names = [theme.name.strip() for theme in themes]
    if any(not name for name in names):
        raise DomainError("Give every theme a name", field="themes")
    if len(set(names)) != len(names):
        raise DomainError("Give every theme a different name", field="themes")


def _check_criteria(criteria: Sequence[CriterionSpec], *, field: str | None = "criteria") -> None:
    """Weights 1–100 each (their sum is checked when the round opens); scales and descriptors allowed.

    Every refusal names `field`; with field=None it names the criterion's own part instead (name, weight, scale
    or descriptors), for pages that change one criterion at a time.
    """

    def refuse(message: str, part: str) -> NoReturn:
        raise DomainError(message, field=field or part)

    names = [criterion.name.strip() for criterion in criteria]
    if any(not name for name in names):
        refuse("Give every criterion a name", "name")
    if len(set(names)) != len(names):
        refuse("Give every criterion a different name", "name")
    allowed = ", ".join(scale_label(low, high) for low, high in sorted(ALLOWED_SCALES))
    for criterion in criteria:
        if not 1 <= criterion.weight <= 100:
            refuse(f"{criterion.name}: the weight must be between 1 and 100", "weight")
        if (criterion.scale_min, criterion.scale_max) not in ALLOWED_SCALES:
            refuse(
                f"{criterion.name}: the scale {scale_label(criterion.scale_min, criterion.scale_max)} is not allowed "
                f"(use {allowed})",
                "scale",
            )
        scores = [descriptor.score for descriptor in criterion.descriptors]
        if len(set(scores)) != len(scores):
            refuse(f"{criterion.name}: each score can have only one descriptor", "descriptors")
        if any(not criterion.scale_min <= score <= criterion.scale_max for score in scores):
            refuse(
                f"{criterion.name}: descriptors must be for scores from {criterion.scale_min} to {criterion.scale_max}",
                "descriptors",
            )
        if any(not descriptor.label.strip() for descriptor in criterion.descriptors):
            refuse(f"{criterion.name}: give every descriptor a label", "descriptors")


def _check_legal_types(values: Iterable[str]) -> list[str]:
    known = {t.value for t in LegalType}
    chosen = list(dict.fromkeys(values))
    unknown = [value for value in chosen if value not in known]
    if unknown:
        raise DomainError(f"Unknown organisation types: {', '.join(unknown)}", field="eligible_legal_types")
    return chosen


def _tier_rows(tiers: Sequence[TierSpec]) -> list[Tier]:
    return [
        Tier(
            name=t.name.strip(),
            min_pence=t.min_pence,
            max_pence=t.max_pence,
            match_funding_percent=t.match_funding_percent,
        )
        for t in sorted(tiers, key=lambda t: t.min_pence)
    ]


def _theme_rows(themes: Sequence[ThemeSpec]) -> list[Theme]:
    return [
        Theme(name=t.name.strip(), description=t.description.strip(), position=position)
        for position, t in enumerate(themes)
    ]


def _descriptor_rows(descriptors: Sequence[DescriptorSpec]) -> list[CriterionDescriptor]:
    return [
        CriterionDescriptor(score=d.score, label=d.label.strip(), description=d.description.strip())
        for d in descriptors
    ]


def _criterion_rows(criteria: Sequence[CriterionSpec]) -> list[Criterion]:
    return [
        Criterion(
            name=c.name.strip(),
            guidance=c.guidance.strip(),
            weight=c.weight,
            scale_min=c.scale_min,
            scale_max=c.scale_max,
            position=position,
            descriptors=_descriptor_rows(c.descriptors),
        )
        for position, c in enumerate(criteria)
    ]


def create_round(
    *,
    actor: User | None,
    fund: Fund,
    code: str,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    budget_pence: int,
    summary: str = "",
    eligible_legal_types: Iterable[str] | None = None,
    required_documents: Iterable[str] = (),
    tiers: Sequence[TierSpec] = (),
    themes: Sequence[ThemeSpec] = (),
    criteria: Sequence[CriterionSpec] = (),
) -> Round:
    """Create a draft call with its tiers, themes and criteria.

    Raises DomainError (with the field) for a taken code, dates in the wrong order, a budget of £0 or less,
    tiers that overlap or run backwards, or a scale that is not allowed. Criteria weights need not sum to 100
    yet: that is checked when the round opens.
    """
    code = _check_code(code)
    if not name.strip():
        raise DomainError("Enter the call's name", field="name")
    if queries.find_round_by_code(code) is not None:
        raise DomainError(f"There is already a call with the code {code}", field="code")
    _check_dates(opens_at, closes_at)
    if budget_pence <= 0:
        raise DomainError("The budget must be more than £0", field="budget_pence")
    _check_tiers(tiers)
    _check_themes(themes)
    _check_criteria(criteria)
    legal_types = _check_legal_types(
        eligible_legal_types if eligible_legal_types is not None else [t.value for t in LegalType]
    )
    round_ = Round(
        fund=fund,
        code=code,
        name=name.strip(),
        summary=summary.strip(),
        status=RoundStatus.DRAFT,
        opens_at=opens_at,
        closes_at=closes_at,
        budget_pence=budget_pence,
        committed_pence=0,
        eligible_legal_types=legal_types,
        required_documents=list(required_documents),
        tiers=_tier_rows(tiers),
        themes=_theme_rows(themes),
        criteria=_criterion_rows(criteria),
    )
    db.session.add(round_)
    db.session.flush()
    record_event(
        "round.created",
        actor=actor,
        subject=round_,
        data={
            "fund": fund.code,
            "code": round_.code,
            "name": round_.name,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "budget_pence": budget_pence,
            "tiers": [t.name for t in tiers],
            "themes": [t.name for t in themes],
            "criteria": {c.name: c.weight for c in criteria},
        },
    )
    return round_


# --- question sets -------------------------------------------------------------------------------------


def _build_question_set(data: dict[str, Any], *, source: str) -> QuestionSet:
    return QuestionSet(
        name=data["name"],
        source=source[:200],
        sections=[
            Section(
                key=section["key"],
                title=section["title"],
                description=section.get("description", ""),
                position=section_position,
                questions=[
                    Question(
                        key=question["key"],
                        type=QuestionType(question["type"]),
                        label=question["label"],
                        hint=question.get("hint", ""),
                        error_name=question.get("error_name", ""),
                        required=question["required"],
                        position=question_position,
                        config=copy.deepcopy(question["config"]),
                    )
                    for question_position, question in enumerate(section["questions"])
                ],
            )
            for section_position, section in enumerate(data["sections"])
        ],
    )


def _replace_question_set(round_: Round, question_set: QuestionSet) -> None:
    _check_no_submissions(round_, what="application form", field="question_set")
    if round_.question_set is not None:
        round_.question_set = None  # delete-orphan: the old form goes first (one question set per round)
        db.session.flush()
    round_.question_set = question_set
    # Only file questions of the form in use can be required documents.
    round_.required_documents = [key for key in round_.required_documents if key in _file_question_keys(round_)]
    db.session.flush()


def load_question_set(
    *, actor: User | None, round_: Round, data: dict[str, Any], source: str | None = None
) -> QuestionSet:
    """Give a round its application form from question set data (replacing any it had).

    Raises InvalidQuestionSet listing every problem found by the schema and the cross-question rules, or
    DomainError (field 'question_set') once an application has been submitted (it answered the old form).
    Required documents that are not file questions of the new form are dropped.
    """
    found = question_sets.problems(data)
    if found:
        raise InvalidQuestionSet(found)
    question_set = _build_question_set(data, source=source or f"version {data['version']}")
    _replace_question_set(round_, question_set)
    record_event(
        "round.question_set_loaded",
        actor=actor,
        subject=round_,
        data={
            "name": question_set.name,
            "source": question_set.source,
            "sections": len(question_set.sections),
            "questions": sum(len(s.questions) for s in question_set.sections),
        },
    )
    return question_set


def copy_question_set(*, actor: User | None, from_round: Round, to_round: Round) -> QuestionSet:
    """Copy one round's application form into another, so a new call starts from the last one's.

    The copy is independent (changing one never changes the other). Raises DomainError if from_round has no
    form, if it is the same round, or once an application has been submitted to to_round.
    """
    if from_round.id == to_round.id:
        raise DomainError("Choose a different call to copy the application form from", field="from_round")
    if from_round.question_set is None:
        raise DomainError(f"{from_round.code} has no application form to copy", field="from_round")
    data = question_sets.to_data(from_round.question_set)
    question_set = _build_question_set(data, source=f"Copied from {from_round.code}")
    _replace_question_set(to_round, question_set)
    record_event(
        "round.question_set_copied",
        actor=actor,
        subject=to_round,
        data={"from_round_id": from_round.id, "from_round": from_round.code, "name": question_set.name},
    )
    return question_set


# --- changing a call's set-up --------------------------------------------------------------------------


class _Unchanged(enum.Enum):
    UNCHANGED = "unchanged"


# update_round's default for every detail: leave it as it is (None is a real value for the project window).
UNCHANGED = _Unchanged.UNCHANGED


def _check_no_submissions(round_: Round, *, what: str, field: str) -> None:
    """Submitted applications answered this set-up: changing it now would move the rules under them."""
    if round_.last_application_number > 0:
        raise DomainError(
            f"You cannot change the {what} because applications have already been submitted to this call",
            field=field,
        )


def _file_question_keys(round_: Round) -> list[str]:
    return [key for key, _label in question_sets.file_questions(round_.question_set)]


def _replace_children(round_: Round, attribute: str, rows: Sequence[Any]) -> None:
    # delete-orphan: the old rows go first, so the new ones may reuse their names (names are unique per round).
    setattr(round_, attribute, [])
    db.session.flush()
    setattr(round_, attribute, list(rows))
    db.session.flush()


def _checked_identity(round_: Round, given: dict[str, Any]) -> None:
    if "code" in given:
        given["code"] = _check_code(given["code"])
        if given["code"] != round_.code:
            if round_.last_application_number > 0:
                raise DomainError(
                    "You cannot change the code because submitted applications have references that use it",
                    field="code",
                )
            if queries.find_round_by_code(given["code"]) is not None:
                raise DomainError(f"There is already a call with the code {given['code']}", field="code")
    for text in ("name", "summary", "description"):
        if text in given:
            given[text] = given[text].strip()
    if "name" in given and not given["name"]:
        raise DomainError("Enter the call's name", field="name")


def _checked_schedule(round_: Round, given: dict[str, Any]) -> None:
    def after(name: str) -> Any:
        return given[name] if name in given else getattr(round_, name)

    if "opens_at" in given or "closes_at" in given:
        _check_dates(after("opens_at"), after("closes_at"))
    if "budget_pence" in given:
        if given["budget_pence"] <= 0:
            raise DomainError("The budget must be more than £0", field="budget_pence")
        if given["budget_pence"] < round_.committed_pence:
            raise DomainError(
                f"The budget cannot be less than the {format_pence(round_.committed_pence)} already committed to "
                "grants",
                field="budget_pence",
            )
    start, end = after("project_earliest_start"), after("project_latest_end")
    if start is not None and end is not None and end <= start:
        raise DomainError(
            "The date projects must end by must be after the date they can start from", field="project_latest_end"
        )
    if "max_applications_per_organisation" in given and given["max_applications_per_organisation"] < 1:
        raise DomainError(
            "Each organisation must be able to make at least 1 application", field="max_applications_per_organisation"
        )


def _checked_eligibility(round_: Round, given: dict[str, Any]) -> None:
    if "eligible_legal_types" in given:
        given["eligible_legal_types"] = _check_legal_types(given["eligible_legal_types"])
        if not given["eligible_legal_types"]:
            raise DomainError("Select at least one type of organisation that can apply", field="eligible_legal_types")
    if "required_documents" in given:
        chosen = list(dict.fromkeys(given["required_documents"]))
        unknown = [key for key in chosen if key not in _file_question_keys(round_)]
        if unknown:
            raise DomainError(
                "Only file upload questions on this call's application form can be required documents "
                f"(not {', '.join(unknown)})",
                field="required_documents",
            )
        given["required_documents"] = chosen


def _audit_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value  # datetimes are dates too


def _changes(round_: Round, given: dict[str, Any]) -> dict[str, Any]:
    """The given values that differ from the call's."""
    return {key: value for key, value in given.items() if getattr(round_, key) != value}


def _apply_changes(round_: Round, changed: dict[str, Any], *, action: str, actor: User | None) -> list[str]:
    """Set the changed values and audit them (from → to) as one event; returns the names changed."""
    before = {key: _audit_value(getattr(round_, key)) for key in changed}
    for key, value in changed.items():
        setattr(round_, key, value)
    db.session.flush()
    if changed:
        record_event(
            action,
            actor=actor,
            subject=round_,
            data={key: {"from": before[key], "to": _audit_value(value)} for key, value in changed.items()},
        )
    return sorted(changed)


def update_round(
    *,
    actor: User | None,
    round_: Round,
    code: str | _Unchanged = UNCHANGED,
    name: str | _Unchanged = UNCHANGED,
    summary: str | _Unchanged = UNCHANGED,
    description: str | _Unchanged = UNCHANGED,
    opens_at: datetime | _Unchanged = UNCHANGED,
    closes_at: datetime | _Unchanged = UNCHANGED,
    budget_pence: int | _Unchanged = UNCHANGED,
    project_earliest_start: date | None | _Unchanged = UNCHANGED,
    project_latest_end: date | None | _Unchanged = UNCHANGED,
    max_applications_per_organisation: int | _Unchanged = UNCHANGED,
    eligible_legal_types: Iterable[str] | _Unchanged = UNCHANGED,
    required_documents: Iterable[str] | _Unchanged = UNCHANGED,
) -> list[str]:
    """Change a call's details; anything not given stays as it is. Returns the names of the details changed.

    Raises DomainError naming the argument at fault: a malformed or taken code (or any new code once an
    application has been submitted, since references use it), a blank name, closing not after opening, a budget
    of £0 or below what is already committed (so committed never exceeds budget), a project window that ends
    before it starts, fewer than 1 application per organisation, an unknown or empty list of organisation types,
    or a required document that is not a file question of the call's form. The status changes only through
    open_round and close_round.
    """
    supplied: dict[str, Any] = {
        "code": code,
        "name": name,
        "summary": summary,
        "description": description,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "budget_pence": budget_pence,
        "project_earliest_start": project_earliest_start,
        "project_latest_end": project_latest_end,
        "max_applications_per_organisation": max_applications_per_organisation,
        "eligible_legal_types": eligible_legal_types,
        "required_documents": required_documents,
    }
    given = {key: value for key, value in supplied.items() if value is not UNCHANGED}
    _checked_identity(round_, given)
    _checked_schedule(round_, given)
    _checked_eligibility(round_, given)
    return _apply_changes(round_, _changes(round_, given), action="round.updated", actor=actor)


def replace_tiers(*, actor: User | None, round_: Round, tiers: Sequence[TierSpec]) -> None:
    """Give a call exactly these tiers (grant sizes), smallest first.

    Raises DomainError (field 'tiers') for a tier without a name, two with one name, a smallest grant of £0 or
    above the largest, match funding outside 0–100%, or tiers that overlap (an amount must pick one tier); and
    once an application has been submitted, because it asked for an amount inside the old tiers.
    """
    _check_no_submissions(round_, what="tiers", field="tiers")
    _check_tiers(tiers)
    _replace_children(round_, "tiers", _tier_rows(tiers))
    record_event(
        "round.tiers_changed",
        actor=actor,
        subject=round_,
        data={
            "tiers": [
                {
                    "name": t.name,
                    "min_pence": t.min_pence,
                    "max_pence": t.max_pence,
                    "match_funding_percent": t.match_funding_percent,
                }
                for t in round_.tiers
            ]
        },
    )


def replace_themes(*, actor: User | None, round_: Round, themes: Sequence[ThemeSpec]) -> None:
    """Give a call exactly these themes, in this order.

    Raises DomainError (field 'themes') for a theme without a name or two with one name, and once an
    application has been submitted, because it chose from the old themes.
    """
    _check_no_submissions(round_, what="themes", field="themes")
    _check_themes(themes)
    _replace_children(round_, "themes", _theme_rows(themes))
    record_event("round.themes_changed", actor=actor, subject=round_, data={"themes": [t.name for t in round_.themes]})


def _criterion_audit(criterion: Criterion) -> dict[str, Any]:
    return {
        "criterion_id": criterion.id,
        "name": criterion.name,
        "weight": criterion.weight,
        "scale": scale_label(criterion.scale_min, criterion.scale_max),
    }


def _checked_criterion(round_: Round, spec: CriterionSpec, *, replacing: Criterion | None = None) -> CriterionSpec:
    """The criterion's tidied values once it fits among the round's other criteria (raises DomainError if not).

    Points of the scale without a descriptor get the default one, so every point means something to assessors.
    """
    _check_no_submissions(round_, what="scoring criteria", field="criteria")
    others = [c for c in round_.criteria if c is not replacing]
    name = spec.name.strip()
    if name.lower() in {c.name.lower() for c in others}:
        raise DomainError(f"There is already a criterion called {name}", field="name")
    _check_criteria([*map(CriterionSpec.of, others), spec], field=None)
    used = sum(c.weight for c in others)
    if used + spec.weight > 100:
        left = f"You have {100 - used} left to give." if used < 100 else "You have none left to give."
        raise DomainError(f"The weights would add up to {used + spec.weight}. {left}", field="weight")
    given = {d.score: DescriptorSpec(d.score, d.label.strip(), d.description.strip()) for d in spec.descriptors}
    return CriterionSpec(
        name=name,
        weight=spec.weight,
        scale_min=spec.scale_min,
        scale_max=spec.scale_max,
        guidance=spec.guidance.strip(),
        descriptors=tuple(given.get(d.score, d) for d in default_descriptors(spec.scale_min, spec.scale_max)),
    )


def add_criterion(*, actor: User | None, round_: Round, spec: CriterionSpec) -> Criterion:
    """Add one scoring criterion after the call's others; descriptors default to the scale's (5 Strong … 1 Poor).

    Raises DomainError naming the field: a blank or taken name, a weight outside 1–100 or one that takes the
    call's total above 100 (saying how much is left), a scale that is not allowed, descriptors outside the scale
    or without a label; and (field 'criteria') once an application has been submitted, since assessors must
    score every application against the same criteria.
    """
    spec = _checked_criterion(round_, spec)
    [criterion] = _criterion_rows([spec])
    criterion.position = max((c.position for c in round_.criteria), default=-1) + 1
    round_.criteria.append(criterion)
    db.session.flush()
    record_event("criterion.added", actor=actor, subject=round_, data=_criterion_audit(criterion))
    return criterion


def update_criterion(*, actor: User | None, criterion: Criterion, spec: CriterionSpec) -> bool:
    """Change a criterion (name, guidance, weight, scale, descriptors); returns whether anything changed.

    Same rules and refusals as add_criterion, the total counting this criterion's new weight instead of its old.
    """
    round_ = criterion.round
    spec = _checked_criterion(round_, spec, replacing=criterion)
    if spec == CriterionSpec.of(criterion):
        return False
    before = _criterion_audit(criterion)
    if CriterionSpec.of(criterion).descriptors != spec.descriptors:
        # delete-orphan: the old descriptors go first, so the new ones may reuse their scores.
        criterion.descriptors = []
        db.session.flush()
        criterion.descriptors = _descriptor_rows(spec.descriptors)
    criterion.name, criterion.guidance, criterion.weight = spec.name, spec.guidance, spec.weight
    criterion.scale_min, criterion.scale_max = spec.scale_min, spec.scale_max
    db.session.flush()
    record_event("criterion.updated", actor=actor, subject=round_, data={**_criterion_audit(criterion), "from": before})
    return True


def remove_criterion(*, actor: User | None, criterion: Criterion) -> None:
    """Remove a criterion with its descriptors. Raises DomainError (field 'criteria') once an application has
    been submitted to its call."""
    round_ = criterion.round
    _check_no_submissions(round_, what="scoring criteria", field="criteria")
    data = _criterion_audit(criterion)
    round_.criteria.remove(criterion)
    db.session.flush()
    record_event("criterion.removed", actor=actor, subject=round_, data=data)


def copy_setup(*, actor: User | None, from_round: Round, to_round: Round) -> None:
    """Make to_round's set-up a copy of from_round's, so a new call starts from the last one.

    Copies the tiers, themes, criteria with their descriptors, the application form (when from_round has one;
    otherwise to_round keeps its own), the organisation types that may apply and the required documents. The
    name, code, dates, budget and project window are the new call's own and are not copied. Raises DomainError
    (field 'from_round') for the same round, or once an application has been submitted to to_round.
    """
    if from_round.id == to_round.id:
        raise DomainError("Choose a different call to copy the set-up from", field="from_round")
    _check_no_submissions(to_round, what="set-up", field="from_round")
    _replace_children(to_round, "tiers", _tier_rows([TierSpec.of(t) for t in from_round.tiers]))
    _replace_children(to_round, "themes", _theme_rows([ThemeSpec.of(t) for t in from_round.themes]))
    _replace_children(to_round, "criteria", _criterion_rows([CriterionSpec.of(c) for c in from_round.criteria]))
    if from_round.question_set is not None:
        data = question_sets.to_data(from_round.question_set)
        _replace_question_set(to_round, _build_question_set(data, source=f"Copied from {from_round.code}"))
    to_round.eligible_legal_types = list(from_round.eligible_legal_types)
    files = _file_question_keys(to_round)
    to_round.required_documents = [key for key in from_round.required_documents if key in files]
    db.session.flush()
    record_event(
        "round.setup_copied",
        actor=actor,
        subject=to_round,
        data={
            "from_round_id": from_round.id,
            "from_round": from_round.code,
            "tiers": len(to_round.tiers),
            "themes": len(to_round.themes),
            "criteria": len(to_round.criteria),
            "question_set": from_round.question_set is not None,
        },
    )


# --- round lifecycle -----------------------------------------------------------------------------------


def problems_before_opening(round_: Round) -> list[str]:
    """What a round still needs before it can open (empty when ready). Pure: reads the loaded round only."""
    found = []
    total = sum(criterion.weight for criterion in round_.criteria)
    if not round_.criteria:
        found.append("add scoring criteria with weights that add up to 100")
    elif total != 100:
        found.append(f"the criteria weights add up to {total}, not 100")
    if not round_.tiers:
        found.append("add at least one tier (grant size)")
    question_set = round_.question_set
    if question_set is None:
        found.append("add an application form (question set)")
    elif not question_set.sections:
        found.append("add at least one section to the application form")
    else:
        asks_for_themes = any(
            q.type == QuestionType.THEMES for section in question_set.sections for q in section.questions
        )
        if asks_for_themes and not round_.themes:
            found.append("add the call's themes (the application form asks applicants to choose them)")
    return found


def _move(round_: Round, target: RoundStatus, *, actor: User | None, action: str, reason: str | None) -> None:
    previous = round_.status
    check_transition("Round", ROUND_TRANSITIONS, previous, target)
    round_.status = target
    record_transition(round_, previous, actor=actor, action=action, data={"reason": reason})


def open_round(*, actor: User | None, round_: Round, reason: str | None = None) -> None:
    """Open a draft (or re-open a closed) call for applications.

    Raises InvalidTransition if the state table does not allow it, or RoundNotReady listing everything missing
    (criteria weights summing to 100, at least one tier, a question set with at least one section).
    """
    check_transition("Round", ROUND_TRANSITIONS, round_.status, RoundStatus.OPEN)
    missing = problems_before_opening(round_)
    if missing:
        raise RoundNotReady(missing)
    action = "round.reopened" if round_.status == RoundStatus.CLOSED else "round.opened"
    _move(round_, RoundStatus.OPEN, actor=actor, action=action, reason=reason)


def close_round(*, actor: User | None, round_: Round, reason: str | None = None) -> None:
    """Close an open call to new applications. Raises InvalidTransition from any other status."""
    _move(round_, RoundStatus.CLOSED, actor=actor, action="round.closed", reason=reason)


# --- assessment settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentSettings:
    """How a call is assessed (see Round): assessors per bid, moderation thresholds, minimum score, blind review."""

    assessors_per_application: int
    spread_points: int
    spread_percent: int
    min_fundable_percent: int
    blind_review: bool
    allow_not_applicable: bool
    assessment_deadline: datetime | None


def _check_assessment_settings(round_: Round, settings: AssessmentSettings) -> None:
    if not 1 <= settings.assessors_per_application <= 10:
        raise DomainError("Assessors per application must be between 1 and 10", field="assessors_per_application")
    widest = max((c.scale_max - c.scale_min for c in round_.criteria), default=5)
    if not 1 <= settings.spread_points <= max(widest, 1):
        raise DomainError(
            f"The points threshold must be between 1 and {max(widest, 1)}, the widest scale of the call's criteria",
            field="spread_points",
        )
    if not 1 <= settings.spread_percent <= 100:
        raise DomainError("The percentage points threshold must be between 1 and 100", field="spread_percent")
    if not 0 <= settings.min_fundable_percent <= 100:
        raise DomainError("The minimum fundable score must be between 0% and 100%", field="min_fundable_percent")
    if settings.assessment_deadline is not None and settings.assessment_deadline <= round_.closes_at:
        raise DomainError(
            f"The assessment deadline must be after the call closes ({format_datetime(round_.closes_at)})",
            field="assessment_deadline",
        )


def update_assessment_settings(*, actor: User | None, round_: Round, settings: AssessmentSettings) -> list[str]:
    """Change how a call is assessed. Returns the names of the settings changed.

    Raises DomainError naming the setting at fault (out of range, or a deadline not after the call closes). Once
    moderation has started, blind review, "not applicable" and the thresholds that decide flags are fixed.
    """
    _check_assessment_settings(round_, settings)
    given = {name: getattr(settings, name) for name in AssessmentSettings.__dataclass_fields__}
    changed = _changes(round_, given)
    fixed = {"assessors_per_application", "spread_points", "spread_percent", "blind_review", "allow_not_applicable"}
    if round_.moderation_started_at is not None and fixed & changed.keys():
        field_name = sorted(fixed & changed.keys())[0]
        raise DomainError(
            "Moderation has started, so only the minimum fundable score and the deadline can change", field=field_name
        )
    return _apply_changes(round_, changed, action="round.assessment_settings_updated", actor=actor)


def begin_assessing(*, actor: User | None, round_: Round, reason: str | None = None) -> None:
    """A closed call moves on to assessment. Does nothing if it is already assessing; InvalidTransition otherwise."""
    if round_.status == RoundStatus.ASSESSING:
        return
    _move(round_, RoundStatus.ASSESSING, actor=actor, action="round.assessing", reason=reason)


# --- decisions: the budget guard, the payment template and publishing outcomes ------------------------------


class BudgetExceeded(DomainError):
    """An award would take the call's commitments past its budget; nothing was committed."""

    def __init__(self, round_: Round, amount_pence: int) -> None:
        remaining = max(round_.budget_pence - round_.committed_pence, 0)
        super().__init__(
            f"Approving {format_pence(amount_pence)} would go over the call's budget: "
            f"{format_pence(remaining)} of {format_pence(round_.budget_pence)} is left to commit",
            field="amount",
        )


class BudgetBusy(DomainError):
    """Another decision was being saved against the same budget at the same moment (SQLite only)."""

    def __init__(self) -> None:
        super().__init__(
            "Another decision on this call was being saved at the same moment, so this one was not saved. "
            "Check the budget left and try again.",
            field="amount",
        )


def commit_budget(*, actor: User | None, round_: Round, amount_pence: int) -> None:
    """Commit amount_pence of the call's budget, atomically, whatever else is committing at the same moment.

    One conditional UPDATE adds to committed_pence only while the result stays within budget_pence; the database's
    CHECK (committed_pence <= budget_pence) backs it. Raises BudgetExceeded when it would not fit (nothing changes),
    or BudgetBusy when SQLite refused the write because another transaction committed first (try again).
    """
    if amount_pence <= 0:
        raise DomainError("An award must be more than £0", field="amount")
    statement = (
        sa.update(Round)
        .where(Round.id == round_.id, Round.committed_pence + amount_pence <= Round.budget_pence)
        .values(committed_pence=Round.committed_pence + amount_pence)
        .execution_options(synchronize_session=False)
    )
    try:
        result = db.session.execute(statement)
    except sa.exc.OperationalError as exc:
        if db.engine.dialect.name == "sqlite" and "locked" in str(exc.orig).lower():
            raise BudgetBusy() from exc
        raise
    db.session.refresh(round_, ["committed_pence", "budget_pence"])
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise BudgetExceeded(round_, amount_pence)
    record_event(
        "round.budget_committed",
        actor=actor,
        subject=round_,
        data={"amount_pence": amount_pence, "committed_pence": round_.committed_pence},
    )


def release_budget(*, actor: User | None, round_: Round, amount_pence: int) -> None:
    """Give back amount_pence of the call's commitments (an award declined or withdrawn). Flushes."""
    db.session.execute(
        sa.update(Round)
        .where(Round.id == round_.id)
        .values(committed_pence=Round.committed_pence - amount_pence)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(round_, ["committed_pence"])
    record_event(
        "round.budget_released",
        actor=actor,
        subject=round_,
        data={"amount_pence": amount_pence, "committed_pence": round_.committed_pence},
    )


def update_payment_template(*, actor: User | None, round_: Round, tranches: Sequence[Tranche]) -> bool:
    """Set the tranches the call's awards are paid in. Returns whether anything changed.

    Raises DomainError (field "tranches") listing what is wrong: percentages not adding up to 100, a first payment
    not due on acceptance, a missing name. Awards already made keep the schedule they were offered.
    """
    problems = template_problems(tranches)
    if problems:
        raise DomainError("; ".join(problems), field="tranches")
    rows = [tranche.as_json() for tranche in tranches]
    if rows == round_.payment_template:
        return False
    previous = round_.payment_template
    round_.payment_template = rows
    db.session.flush()
    record_event("round.payment_template_updated", actor=actor, subject=round_, data={"from": previous, "to": rows})
    return True


def update_monitoring(
    *, actor: User | None, round_: Round, metrics: Sequence[Metric], reports: Sequence[ReportRule]
) -> bool:
    """Set the numbers the call's grantees report and the reports each award owes. Returns whether anything changed.

    Raises DomainError (field "metrics" or "reports") listing what is wrong. Whether reports have already been
    scheduled (which fixes the settings) is the reporting domain's check.
    """
    problems = metric_problems(metrics)
    if problems:
        raise DomainError("; ".join(problems), field="metrics")
    problems = report_problems(reports)
    if problems:
        raise DomainError("; ".join(problems), field="reports")
    metric_rows = [metric.as_json() for metric in metrics]
    report_rows = [rule.as_json() for rule in reports]
    if metric_rows == round_.report_metrics and report_rows == round_.report_schedule:
        return False
    previous = {"metrics": round_.report_metrics, "reports": round_.report_schedule}
    round_.report_metrics = metric_rows
    round_.report_schedule = report_rows
    db.session.flush()
    record_event(
        "round.monitoring_updated",
        actor=actor,
        subject=round_,
        data={"from": previous, "to": {"metrics": metric_rows, "reports": report_rows}},
    )
    return True


def publish_outcomes(*, actor: User | None, round_: Round, now: datetime) -> None:
    """Record that the call's outcomes are published (applicants can now read their decisions) and move the call
    on to decided. Raises DomainError if they already were, InvalidTransition unless the call is assessing.
    Whether every application has a decision is the awards domain's check."""
    if round_.outcomes_published_at is not None:
        raise DomainError("The outcomes of this call have already been published")
    round_.outcomes_published_at = now
    round_.outcomes_published_by_id = actor.id if actor is not None else None
    _move(round_, RoundStatus.DECIDED, actor=actor, action="round.outcomes_published", reason=None)
