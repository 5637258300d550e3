"""How far a call's assessment has got, computed once from what the dashboard loads (no database here).

The headline counts, the per-assessor table and the assignment queue all come from one pass over the call's
applications, its assessments and its pool, so they always agree with each other:

- an application counts once it is in the assessment pipeline (eligible, being assessed, assessed, moderated or
  decided); withdrawn and ineligible ones, and their assessments, are left out;
- a scorecard is "assigned" while it is active (not started, in progress or submitted), "started" while in
  progress, and "overdue" when it is not submitted, the call's assessment deadline has passed and its
  application is still being assessed (the same rule as the reminder emails);
- the assignment queue holds the applications that can still be given assessors and have fewer active ones than
  the call asks for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.states import ACTIVE, AssessmentStatus

# Applications that can be given assessors (as queries.ASSIGNABLE).
ASSIGNABLE = frozenset({ApplicationStatus.ELIGIBLE, ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.ASSESSED})
# Applications whose scorecards are all in: assessed, and everything after it.
ASSESSED_OR_LATER = frozenset(
    {
        ApplicationStatus.ASSESSED,
        ApplicationStatus.MODERATED,
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.RESERVE,
    }
)
# A decision is only ever made on a moderated application.
MODERATED_OR_LATER = ASSESSED_OR_LATER - {ApplicationStatus.ASSESSED}
# Applications whose unsubmitted scorecards can be overdue (assessors are still expected to score them).
STILL_SCORED = frozenset({ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.ASSESSED})
UNSUBMITTED = frozenset({AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS})


class PersonLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def full_name(self) -> str: ...
    @property
    def email(self) -> str: ...


class OrganisationLike(Protocol):
    @property
    def name(self) -> str: ...


class ApplicationLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def status(self) -> ApplicationStatus: ...
    @property
    def reference(self) -> str | None: ...
    @property
    def project_title(self) -> str | None: ...
    @property
    def organisation(self) -> OrganisationLike: ...


class AssessmentLike(Protocol):
    @property
    def application_id(self) -> int: ...
    @property
    def assessor_id(self) -> int: ...
    @property
    def status(self) -> AssessmentStatus: ...
    @property
    def assessor(self) -> PersonLike: ...


@dataclass(frozen=True)
class AssessorProgress:
    """One assessor's scorecards in the call. `in_pool` is False for someone taken out of the pool after
    submitting scorecards (their work still counts)."""

    assessor_id: int
    name: str
    email: str
    assigned: int = 0
    started: int = 0
    submitted: int = 0
    overdue: int = 0
    conflicts: int = 0
    in_pool: bool = True


@dataclass(frozen=True)
class QueueItem:
    """An application that still needs assessors: it has `active` of the `needed` the call asks for."""

    application_id: int
    reference: str
    organisation_name: str
    project_title: str
    active: int
    needed: int

    @property
    def missing(self) -> int:
        return self.needed - self.active


@dataclass(frozen=True)
class RoundProgress:
    """The call's assessment at a glance: applications, scorecards, assessors and the assignment queue."""

    applications: int
    fully_assigned: int
    assessed: int
    moderated: int
    scorecards_assigned: int
    scorecards_not_started: int
    scorecards_started: int
    scorecards_submitted: int
    scorecards_overdue: int
    conflicts: int
    assessors: tuple[AssessorProgress, ...]
    queue: tuple[QueueItem, ...]
    deadline_passed: bool


def _is_overdue(assessment: AssessmentLike, application: ApplicationLike, deadline_passed: bool) -> bool:
    return deadline_passed and assessment.status in UNSUBMITTED and application.status in STILL_SCORED


def _assessor_rows(
    pool: Iterable[PersonLike],
    assessments: Sequence[AssessmentLike],
    applications: dict[int, ApplicationLike],
    deadline_passed: bool,
) -> tuple[AssessorProgress, ...]:
    counts: dict[int, dict[str, int]] = {}
    people: dict[int, tuple[PersonLike, bool]] = {person.id: (person, True) for person in pool}
    for assessment in assessments:
        application = applications[assessment.application_id]
        people.setdefault(assessment.assessor_id, (assessment.assessor, False))
        mine = counts.setdefault(assessment.assessor_id, {})
        status = assessment.status
        for name, applies in (
            ("assigned", status in ACTIVE),
            ("started", status == AssessmentStatus.IN_PROGRESS),
            ("submitted", status == AssessmentStatus.SUBMITTED),
            ("overdue", _is_overdue(assessment, application, deadline_passed)),
            ("conflicts", status == AssessmentStatus.CONFLICTED),
        ):
            mine[name] = mine.get(name, 0) + int(applies)
    rows = [
        AssessorProgress(
            assessor_id=person.id,
            name=person.full_name,
            email=person.email,
            in_pool=in_pool,
            **counts.get(person.id, {}),
        )
        for person, in_pool in people.values()
    ]
    return tuple(sorted(rows, key=lambda row: (not row.in_pool, row.name.lower(), row.assessor_id)))


def round_progress(
    *,
    applications: Sequence[ApplicationLike],
    assessments: Sequence[AssessmentLike],
    pool: Sequence[PersonLike],
    assessors_per_application: int,
    deadline: datetime | None,
    now: datetime,
) -> RoundProgress:
    """The call's progress from its applications (any statuses: those outside the pipeline are left out), all its
    assessments (with their assessor) and its pool of assessors (ordered as they should be listed)."""
    pipeline = {a.id: a for a in applications if a.status in ASSIGNABLE or a.status in ASSESSED_OR_LATER}
    counted = [a for a in assessments if a.application_id in pipeline]
    deadline_passed = deadline is not None and deadline < now
    active: dict[int, int] = {}
    for assessment in counted:
        if assessment.status in ACTIVE:
            active[assessment.application_id] = active.get(assessment.application_id, 0) + 1
    statuses = [a.status for a in counted]
    queue = tuple(
        QueueItem(
            application_id=a.id,
            reference=a.reference or "",
            organisation_name=a.organisation.name,
            project_title=a.project_title or "",
            active=active.get(a.id, 0),
            needed=assessors_per_application,
        )
        for a in sorted(pipeline.values(), key=lambda a: (a.reference or "", a.id))
        if a.status in ASSIGNABLE and active.get(a.id, 0) < assessors_per_application
    )
    return RoundProgress(
        applications=len(pipeline),
        fully_assigned=sum(1 for a in pipeline.values() if active.get(a.id, 0) >= assessors_per_application),
        assessed=sum(1 for a in pipeline.values() if a.status in ASSESSED_OR_LATER),
        moderated=sum(1 for a in pipeline.values() if a.status in MODERATED_OR_LATER),
        scorecards_assigned=sum(1 for s in statuses if s in ACTIVE),
        scorecards_not_started=statuses.count(AssessmentStatus.ASSIGNED),
        scorecards_started=statuses.count(AssessmentStatus.IN_PROGRESS),
        scorecards_submitted=statuses.count(AssessmentStatus.SUBMITTED),
        scorecards_overdue=sum(1 for s in counted if _is_overdue(s, pipeline[s.application_id], deadline_passed)),
        conflicts=statuses.count(AssessmentStatus.CONFLICTED),
        assessors=_assessor_rows(pool, counted, pipeline, deadline_passed),
        queue=queue,
        deadline_passed=deadline_passed,
    )
