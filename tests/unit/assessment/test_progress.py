"""A call's assessment progress from plain values: headline counts, each assessor's scorecards, overdue work and
the assignment queue, all from one pass so they agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.progress import round_progress
from fundapp.assessment.states import AssessmentStatus

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
A, S = ApplicationStatus, AssessmentStatus


@dataclass(frozen=True)
class Person:
    id: int
    full_name: str
    email: str = ""


@dataclass(frozen=True)
class Org:
    name: str


@dataclass(frozen=True)
class App:
    id: int
    status: ApplicationStatus
    reference: str | None = None
    project_title: str = "A project"
    organisation: Org = Org("Community Group")


@dataclass(frozen=True)
class Card:
    application_id: int
    assessor: Person
    status: AssessmentStatus

    @property
    def assessor_id(self) -> int:
        return self.assessor.id


ANA, BEN, CAT, DEV = Person(1, "Ana Ortiz"), Person(2, "ben Cole"), Person(3, "Cat Ng"), Person(4, "Dev Rao")


def _progress(apps, cards, *, pool=(ANA, BEN, CAT), per_application=2, deadline=None):  # type: ignore[no-untyped-def]
    return round_progress(
        applications=apps,
        assessments=cards,
        pool=list(pool),
        assessors_per_application=per_application,
        deadline=deadline,
        now=NOW,
    )


def test_an_empty_call_has_nothing_to_count_and_lists_its_pool() -> None:
    progress = _progress([], [])
    assert (progress.applications, progress.fully_assigned, progress.assessed, progress.moderated) == (0, 0, 0, 0)
    assert progress.scorecards_assigned == progress.scorecards_overdue == 0
    assert progress.queue == ()
    # Sorted by name whatever the capitals, with nothing assigned yet.
    assert [(row.name, row.assigned, row.in_pool) for row in progress.assessors] == [
        ("Ana Ortiz", 0, True),
        ("ben Cole", 0, True),
        ("Cat Ng", 0, True),
    ]


def test_headline_counts_follow_the_applications_statuses() -> None:
    apps = [
        App(1, A.ELIGIBLE, "R-1"),
        App(2, A.IN_ASSESSMENT, "R-2"),
        App(3, A.ASSESSED, "R-3"),
        App(4, A.MODERATED, "R-4"),
        App(5, A.APPROVED, "R-5"),
        App(6, A.REJECTED, "R-6"),
        App(7, A.RESERVE, "R-7"),
        App(8, A.INELIGIBLE, "R-8"),  # never assessed
        App(9, A.WITHDRAWN, "R-9"),  # left out, with its scorecards
    ]
    cards = [Card(9, ANA, S.ASSIGNED)]
    progress = _progress(apps, cards)
    assert progress.applications == 7
    assert progress.assessed == 5  # assessed, moderated and the three decided
    assert progress.moderated == 4  # decisions are only made on moderated applications
    assert progress.scorecards_assigned == 0
    assert progress.assessors[0].assigned == 0


def test_scorecards_are_counted_by_status_for_the_call_and_for_each_assessor() -> None:
    apps = [App(1, A.IN_ASSESSMENT, "R-1"), App(2, A.IN_ASSESSMENT, "R-2"), App(3, A.ASSESSED, "R-3")]
    cards = [
        Card(1, ANA, S.ASSIGNED),
        Card(1, BEN, S.IN_PROGRESS),
        Card(2, ANA, S.SUBMITTED),
        Card(2, CAT, S.CONFLICTED),
        Card(2, BEN, S.UNASSIGNED),
        Card(3, ANA, S.SUBMITTED),
        Card(3, CAT, S.SUBMITTED),
    ]
    progress = _progress(apps, cards)
    assert (
        progress.scorecards_assigned,
        progress.scorecards_not_started,
        progress.scorecards_started,
        progress.scorecards_submitted,
        progress.conflicts,
    ) == (5, 1, 1, 3, 1)
    rows = {row.name: row for row in progress.assessors}
    assert (rows["Ana Ortiz"].assigned, rows["Ana Ortiz"].started, rows["Ana Ortiz"].submitted) == (3, 0, 2)
    assert (rows["ben Cole"].assigned, rows["ben Cole"].started, rows["ben Cole"].submitted) == (1, 1, 0)
    assert (rows["Cat Ng"].assigned, rows["Cat Ng"].submitted, rows["Cat Ng"].conflicts) == (1, 1, 1)
    # Application 2 has one active assessor (the conflicted and the unassigned ones do not count).
    assert progress.fully_assigned == 2
    assert [(item.reference, item.active, item.missing) for item in progress.queue] == [("R-2", 1, 1)]


def test_nothing_is_overdue_before_the_deadline_or_without_one() -> None:
    apps = [App(1, A.IN_ASSESSMENT, "R-1")]
    cards = [Card(1, ANA, S.ASSIGNED), Card(1, BEN, S.IN_PROGRESS)]
    for deadline in (None, NOW + timedelta(minutes=1)):
        progress = _progress(apps, cards, deadline=deadline)
        assert progress.scorecards_overdue == 0
        assert progress.deadline_passed is False


def test_after_the_deadline_unsubmitted_scorecards_of_applications_still_being_scored_are_overdue() -> None:
    apps = [App(1, A.IN_ASSESSMENT, "R-1"), App(2, A.ASSESSED, "R-2"), App(3, A.MODERATED, "R-3")]
    cards = [
        Card(1, ANA, S.ASSIGNED),  # overdue
        Card(1, BEN, S.IN_PROGRESS),  # overdue
        Card(1, CAT, S.SUBMITTED),
        Card(2, ANA, S.IN_PROGRESS),  # overdue: the call raised its assessors per application
        Card(2, BEN, S.CONFLICTED),
        Card(3, CAT, S.IN_PROGRESS),  # moderated already: nobody is waiting for it
    ]
    progress = _progress(apps, cards, deadline=NOW - timedelta(seconds=1))
    assert progress.deadline_passed is True
    assert progress.scorecards_overdue == 3
    assert {row.name: row.overdue for row in progress.assessors} == {"Ana Ortiz": 2, "ben Cole": 1, "Cat Ng": 0}


def test_the_queue_holds_assignable_applications_short_of_assessors_in_reference_order() -> None:
    apps = [
        App(1, A.ELIGIBLE, "R-3", organisation=Org("Third")),
        App(2, A.IN_ASSESSMENT, "R-1"),
        App(3, A.IN_ASSESSMENT, "R-2"),
        App(4, A.MODERATED, "R-4"),  # cannot be given assessors any more
    ]
    cards = [Card(2, ANA, S.SUBMITTED), Card(3, ANA, S.ASSIGNED), Card(3, BEN, S.ASSIGNED)]
    progress = _progress(apps, cards, per_application=2)
    assert [(item.reference, item.active, item.needed) for item in progress.queue] == [("R-1", 1, 2), ("R-3", 0, 2)]
    assert progress.queue[1].organisation_name == "Third"
    assert progress.fully_assigned == 1
    assert _progress(apps, cards, per_application=1).queue[0].reference == "R-3"


def test_an_assessor_taken_out_of_the_pool_keeps_their_row_after_the_pool() -> None:
    apps = [App(1, A.ASSESSED, "R-1")]
    cards = [Card(1, DEV, S.SUBMITTED), Card(1, ANA, S.SUBMITTED)]
    progress = _progress(apps, cards, pool=[ANA])
    assert [(row.name, row.submitted, row.in_pool) for row in progress.assessors] == [
        ("Ana Ortiz", 1, True),
        ("Dev Rao", 1, False),
    ]


def test_headline_scorecard_counts_add_up_to_the_assessors_rows() -> None:
    apps = [App(i, A.IN_ASSESSMENT, f"R-{i}") for i in range(1, 6)]
    statuses = [S.ASSIGNED, S.IN_PROGRESS, S.SUBMITTED, S.CONFLICTED, S.UNASSIGNED]
    people = [ANA, BEN, CAT]
    cards = [Card(app.id, people[(app.id + n) % 3], statuses[(app.id * 2 + n) % 5]) for app in apps for n in range(3)]
    progress = _progress(apps, cards, deadline=NOW - timedelta(days=1))
    rows = progress.assessors
    assert sum(r.assigned for r in rows) == progress.scorecards_assigned
    assert sum(r.started for r in rows) == progress.scorecards_started
    assert sum(r.submitted for r in rows) == progress.scorecards_submitted
    assert sum(r.overdue for r in rows) == progress.scorecards_overdue
    assert progress.scorecards_overdue == progress.scorecards_not_started + progress.scorecards_started
