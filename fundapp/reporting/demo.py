"""Demo monitoring for the earlier call, SEF-5, through the same services grantees and staff use.

The four accepted awards (awards/demo.py) each owe an interim report at their project's mid-point, which falls
around the day the demo is loaded (applications/demo.py gives their projects lengths that make it so). Each report
is left in a different state:

- Enfield Safer Schools Partnership: submitted with evidence and approved, which released the second payment;
  finance (not the fund manager who decided the award) approved it and recorded it paid;
- Lewisham Young Voices: submitted with evidence, waiting for the fund manager's review;
- Southall Community Alliance: submitted, then sent back with the fund manager's comments (the first submission
  stays in the report's history) for the organisation to change and resubmit;
- Croydon Digital Futures CIC: not started, and overdue.

Idempotent: a report is only filled while it is untouched (due, never saved), so loading again, or after someone
has used the demo, changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from fundapp.accounts.models import User
from fundapp.applications.demo import demo_document
from fundapp.awards import queries as award_queries
from fundapp.awards.demo import FINANCE_OFFICER, FUND_MANAGER, demo_person, organisation_owner, pay
from fundapp.awards.models import Award
from fundapp.awards.states import AwardStatus
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError
from fundapp.core.money import format_pence
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.demo import PREVIOUS_CALL
from fundapp.programmes.monitoring import ReportKind
from fundapp.reporting import queries, services
from fundapp.reporting.models import Report
from fundapp.reporting.states import ReportStatus

LEFT_OVERDUE = "Croydon Digital Futures CIC"
LEFT_FOR_REVIEW = "Lewisham Young Voices"


@dataclass(frozen=True)
class DemoReport:
    """What one organisation reports at the mid-point, and where the demo leaves the report."""

    organisation: str
    outcome: ReportStatus  # SUBMITTED, CHANGES_REQUESTED or APPROVED
    metrics: dict[str, int]
    delivered: str
    changes: str
    spent: tuple[int, ...]  # pounds spent so far on each line of the application's budget, in order
    boroughs: tuple[str, ...]
    evidence: tuple[str, str] | None = None  # (file name, title of the document)
    comments: str = ""  # the fund manager's


REPORTS = (
    DemoReport(
        organisation="Enfield Safer Schools Partnership",
        outcome=ReportStatus.APPROVED,
        metrics={
            "londoners_reached": 1420,
            "sessions_delivered": 22,
            "volunteers_involved": 6,
            "participants_reporting_change": 810,
        },
        delivered=(
            "We trained 142 teachers, pastoral staff and governors from 11 of Enfield's 22 secondary schools and "
            "colleges in 14 half-day sessions, and held 8 termly network meetings. Every member of staff we trained "
            "has since run a tutor-time session on spotting and reporting hate, so 1,278 pupils have heard the "
            "material. The first draft of the referral guide, written with the council's Prevent team, went to "
            "every school in the autumn. In our follow-up survey, 810 staff and pupils said they now feel more "
            "confident to challenge extremist views or to ask for help."
        ),
        changes=(
            "Two schools moved their training days to next term because of inspections, so we have trained fewer "
            "governors than planned. The online learning platform now launches in January, so we have spent little "
            "of that budget line so far."
        ),
        spent=(19_760, 10_080, 3_600, 600, 1_000),
        boroughs=("E09000010", "E09000014"),
        evidence=("Training register, autumn term.pdf", "Training register, autumn term"),
        comments="Thank you: a clear report with good progress towards your targets. We have released your second "
        "payment.",
    ),
    DemoReport(
        organisation=LEFT_FOR_REVIEW,
        outcome=ReportStatus.SUBMITTED,
        metrics={
            "londoners_reached": 318,
            "sessions_delivered": 19,
            "volunteers_involved": 9,
            "participants_reporting_change": 164,
        },
        delivered=(
            "We have run 19 of the 36 weekly workshops with 46 young people aged 14 to 19, and trained 12 of them "
            "as peer mentors. The mentors have run assemblies on online hate in three of the six schools, reaching "
            "272 pupils. Nine volunteers, four of them former participants, help run the sessions."
        ),
        changes=(
            "One school could not fit an assembly in before its exams, so the mentors will visit it next term. Our "
            "evaluation partner starts work in the second half of the project, so that budget line is not spent yet."
        ),
        spent=(8_250, 2_250, 1_325, 0),
        boroughs=("E09000023", "E09000011"),
        evidence=("Peer mentor assemblies - feedback.pdf", "Peer mentor assemblies: what pupils told us"),
    ),
    DemoReport(
        organisation="Southall Community Alliance",
        outcome=ReportStatus.CHANGES_REQUESTED,
        metrics={
            "londoners_reached": 410,
            "sessions_delivered": 17,
            "volunteers_involved": 11,
            "participants_reporting_change": 95,
        },
        delivered=(
            "Forty young people started the Interfaith Youth Leaders course in the spring. They have visited the "
            "gurdwara, two mosques, a mandir and St John's church, and held two dialogue evenings with about 370 "
            "family members and neighbours."
        ),
        changes="Nothing changed.",
        spent=(19_440, 4_050, 1_200, 1_500, 0),
        boroughs=("E09000009", "E09000018"),
        comments=(
            "Thank you for the report. Before we can approve it, please:\n"
            "1. Explain why £19,440 of the £27,000 for the project co-ordinator is already spent at the mid-point, "
            "and how you will pay for the post until the project ends. Your report says nothing changed from your "
            "plan.\n"
            "2. Your results say 95 participants reported a change, but 40 young people took part in the course. "
            "Tell us who else you counted and how you asked them."
        ),
    ),
)


def _interim(award: Award) -> Report | None:
    return next((r for r in queries.list_award_reports(award.id) if r.kind == ReportKind.INTERIM), None)


def _untouched(report: Report) -> bool:
    return report.status == ReportStatus.DUE and report.version == 0 and not report.submissions


def _typed(story: DemoReport, sections: int) -> dict[str, dict[str, object]]:
    """What the grantee types on each page of the report, as the forms would post it."""
    if len(story.spent) != sections:
        raise DomainError(f"The demo expected {story.organisation}'s budget to have {len(story.spent)} lines")
    return {
        "results": {"metrics": {key: f"{number:,}" for key, number in story.metrics.items()}},
        "delivery": {"delivered": story.delivered, "changes": story.changes},
        "spending": {"spend": {str(i): format_pence(pounds * 100) for i, pounds in enumerate(story.spent)}},
        "places": {"boroughs": list(story.boroughs)},
    }


def _fill_and_submit(report: Report, story: DemoReport, grantee: User) -> None:
    budget_lines = len(queries.load_report_context(report).budget)
    for section, typed in _typed(story, budget_lines).items():
        checked = services.save_section(
            actor=grantee, report=report, section=section, typed=typed, version=report.version, now=utcnow()
        )
        if checked.errors:
            raise DomainError(f"The demo's {section} for {story.organisation} is not valid: {checked.errors}")
    if story.evidence is not None:
        filename, title = story.evidence
        services.add_evidence(
            actor=grantee,
            report=report,
            filename=filename,
            data=demo_document(title, report.award.organisation),
            now=utcnow(),
        )
    services.submit_report(actor=grantee, report=report, version=report.version, now=utcnow())


def _pay_released(award: Award, payment_ids: list[int], finance: User) -> list[str]:
    paid = []
    for payment in (p for p in award.payments if p.id in payment_ids):
        pay(payment, finance)
        paid.append(f"payment: {payment.label.lower()} of {award.reference}")
    return paid


def _take_to_outcome(report: Report, story: DemoReport, manager: User, finance: User) -> list[str]:
    """Take an untouched report to where the story leaves it; returns what was created."""
    _fill_and_submit(report, story, organisation_owner(report.award))
    created = [f"monitoring report: {report.award.reference} {story.outcome.value.replace('_', ' ')}"]
    if story.outcome == ReportStatus.CHANGES_REQUESTED:
        services.request_changes(actor=manager, report=report, comments=story.comments, now=utcnow())
    elif story.outcome == ReportStatus.APPROVED:
        released = services.approve_report(actor=manager, report=report, comments=story.comments, now=utcnow())
        created += _pay_released(report.award, released, finance)
    return created


def _accepted_awards() -> dict[str, Award]:
    round_ = programme_queries.find_round_by_code(PREVIOUS_CALL)
    if round_ is None:
        return {}
    accepted = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE)
    return {a.organisation.name: a for a in award_queries.list_round_awards(round_.id) if a.status in accepted}


def load_demo_reports() -> list[str]:
    """Fill, submit and review the interim reports of SEF-5's accepted awards that are still untouched, leaving one
    in each state; returns what was created (nothing when there is nothing untouched to fill)."""
    awards = _accepted_awards()
    waiting = [(story, _interim(awards[story.organisation])) for story in REPORTS if story.organisation in awards]
    todo = [(story, report) for story, report in waiting if report is not None and _untouched(report)]
    if not todo:
        return []
    manager, finance = demo_person(FUND_MANAGER), demo_person(FINANCE_OFFICER)
    created: list[str] = []
    for story, report in todo:
        created += _take_to_outcome(report, story, manager, finance)
    return created


def try_monitoring() -> list[str]:
    """Lines for the sign-in message: who to sign in as to try SEF-5's monitoring reports (none before the demo's
    awards are accepted)."""
    awards = _accepted_awards()
    overdue, submitted = awards.get(LEFT_OVERDUE), awards.get(LEFT_FOR_REVIEW)
    if overdue is None or submitted is None:
        return []
    return [
        "To try monitoring reports (SEF-5):",
        f"- {organisation_owner(overdue).email} submits the overdue interim report of {overdue.reference};",
        f"- {FUND_MANAGER} reviews {submitted.reference}'s interim report (waiting for review): request changes, "
        f"then {organisation_owner(submitted).email} resubmits and you approve it;",
        f"- {FINANCE_OFFICER} approves and pays the second payment that approval releases, and exports the "
        "award register.",
    ]
