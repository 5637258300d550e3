"""One world for the behavioural access matrix and the field-level rules: a fund with a call carrying an application
at every stage someone might reach it (a draft with a file, an assessed, moderated, decided and awarded one with a
letter, payments, reports and evidence), a finished letter batch and export, a second fund with its own fund
manager, and a person for each role of the matrix, all owned by someone other than the person trying them.

Built from the factories and the awards/assessment set-ups the domain tests use, with distinctive values (a sort
code, an assessor's name, scores) that the field-level tests look for.
"""

from __future__ import annotations

import enum
import io
import zipfile
from dataclasses import dataclass, field

import sqlalchemy as sa

from fundapp.accounts.models import Organisation, RoleAssignment, User
from fundapp.accounts.states import StaffRole
from fundapp.applications.models import Application, Attachment
from fundapp.applications.services import COPY_KIND
from fundapp.assessment.models import Assessment, Connection
from fundapp.assessment.states import ModerationStatus
from fundapp.awards.models import Award, LetterBatch, Payment
from fundapp.awards.states import BatchStatus, DueDiligenceItem
from fundapp.core import storage
from fundapp.core.clock import utcnow
from fundapp.core.documents import store_document
from fundapp.extensions import db
from fundapp.programmes.models import Criterion, Fund, Round, Theme, Tier
from fundapp.reporting import services as reporting_services
from fundapp.reporting.models import Export, Report, ReportEvidence
from fundapp.reporting.states import ExportFormat, ExportScope, ExportStatus, ReportStatus
from tests.factories import (
    AssessmentFactory,
    AttachmentFactory,
    ConnectionFactory,
    CriterionFactory,
    FundFactory,
    MembershipFactory,
    ModerationFactory,
    ReportEvidenceFactory,
    ThemeFactory,
    UserFactory,
    fill_report,
    give_budget_and_targets,
    round_ready_to_open,
    score_assessment,
    staff_user,
)
from tests.integration.awards.offers import accept, make_offer

# Distinctive values the field-level rules look for.
SORT_CODE = "40-11-62"
ACCOUNT_NUMBER = "31926819"
ASSESSOR_NAME = "Zebedee Quartermaine"
ASSESSOR_EMAIL = "zebedee.quartermaine@example.org"
ASSESSOR_COMMENT = "Xylophonic justification of the score"


class Role(enum.StrEnum):
    """The people of the matrix, in the order they are tried (the refusals of most endpoints come first)."""

    ANONYMOUS = "anonymous"
    OTHER_APPLICANT = "other applicant"  # member of another organisation
    MEMBER = "member"  # member of the applying organisation
    ASSESSOR_UNASSIGNED = "assessor not assigned"  # in the call's pool, not assigned this application
    ASSESSOR_CONFLICTED = "assessor conflicted"  # assigned, declared a conflict
    ASSESSOR = "assessor assigned"
    OTHER_FUND_MANAGER = "fund manager of another fund"
    FINANCE = "finance officer"
    ADMIN = "admin"
    FUND_MANAGER = "fund manager"


@dataclass
class World:
    people: dict[Role, User | None]
    fund: Fund
    other_fund: Fund
    round: Round  # the call being decided: the awarded application and its assessments
    open_round: Round  # an open call of the same fund: the member's draft
    organisation: Organisation
    other_organisation: Organisation
    application: Application  # approved and awarded
    draft: Application
    section_key: str
    draft_file: Attachment
    file: Attachment  # on the awarded application
    assessment: Assessment  # the assigned assessor's, submitted and scored
    connection: Connection  # the assigned assessor's
    award: Award
    payment: Payment
    report: Report  # draft, with evidence
    evidence: ReportEvidence
    spare_evidence: ReportEvidence
    submitted_report: Report
    batch: LetterBatch
    export: Export
    tier: Tier
    theme: Theme
    criterion: Criterion
    pool_member: User  # the unassigned assessor, as a user to remove from the pool
    role_assignment: RoleAssignment
    extra: dict[str, object] = field(default_factory=dict)


def build_world() -> World:
    """Every object the matrix needs, flushed into the current session."""
    offer = make_offer(letter=True, conditions="")
    accept(offer)
    setup = offer.setup
    round_, award, member = setup.round, offer.award, offer.owner
    application = setup.applications[0]
    fund = round_.fund

    criterion = CriterionFactory(round=round_, weight=100, scale_min=0, scale_max=5, name="Need")
    db.session.expire(round_)
    assessor = staff_user(StaffRole.ASSESSOR, round_id=round_.id)
    assessor.full_name, assessor.email = ASSESSOR_NAME, ASSESSOR_EMAIL
    unassigned = staff_user(StaffRole.ASSESSOR, round_id=round_.id)
    conflicted = staff_user(StaffRole.ASSESSOR, round_id=round_.id)
    assessment = AssessmentFactory(application=application, assessor=assessor, submitted=True, comment=ASSESSOR_COMMENT)
    score_assessment(assessment, {criterion.id: 4})
    AssessmentFactory(application=application, assessor=conflicted, conflicted=True)
    ModerationFactory(application=application, status=ModerationStatus.RESOLVED)
    connection = ConnectionFactory(assessor=assessor)
    file = AttachmentFactory(application=application)
    store_document(
        kind=COPY_KIND,
        subject=application,
        data=b"%PDF-1.7 copy of the application",
        filename=f"{application.reference}.pdf",
        content_type="application/pdf",
        template_version="test",
        inputs={},
        actor=member,
    )

    # Bank details live in the due diligence notes (finance types what they checked) and payment references.
    for check in award.checks:
        if check.item == DueDiligenceItem.BANK_DETAILS:
            check.note = f"Statement seen: sort code {SORT_CODE}, account {ACCOUNT_NUMBER}"
    payment = award.payments[0]

    give_budget_and_targets(application)
    # Accepting scheduled the award's reports: the first is being written (with evidence), the second submitted.
    report, second, *_ = db.session.scalars(
        sa.select(Report).where(Report.award_id == award.id).order_by(Report.position)
    )
    report.status = ReportStatus.DRAFT
    evidence = ReportEvidenceFactory(report=report)
    spare_evidence = ReportEvidenceFactory(report=report)  # for removing: a removal deletes the stored file
    fill_report(second)
    second.status = ReportStatus.DRAFT
    reporting_services.submit_report(actor=member, report=second, version=second.version, now=utcnow())

    open_round = round_ready_to_open(fund=fund, open=True)
    db.session.expire(open_round)
    assert open_round.question_set is not None
    section_key = open_round.question_set.sections[0].key
    draft = _draft(open_round, setup.applicants[0], application.organisation)
    draft_file = AttachmentFactory(application=draft)
    theme = ThemeFactory(round=open_round)

    zip_bytes = _zip_of({f"{award.reference}.pdf": b"%PDF-1.7 letter"})
    batch = LetterBatch(
        round_id=round_.id,
        status=BatchStatus.DONE,
        award_ids=[award.id],
        total=1,
        done=1,
        zip_storage_key=storage.save(zip_bytes),
        zip_size_bytes=len(zip_bytes),
        created_by_id=setup.manager.id,
        finished_at=utcnow(),
    )
    export_bytes = b"reference,amount\r\nX,1\r\n"
    export = Export(
        format=ExportFormat.CSV,
        scope=ExportScope.ROUND,
        round_id=round_.id,
        round_ids=[round_.id],
        status=ExportStatus.DONE,
        total=1,
        done=1,
        file_name="awards.csv",
        storage_key=storage.save(export_bytes),
        size_bytes=len(export_bytes),
        created_by_id=setup.finance.id,
        finished_at=utcnow(),
    )
    db.session.add_all([batch, export])

    other_fund = FundFactory()
    other_member, other_organisation = _member()
    admin = staff_user(StaffRole.ADMIN)
    db.session.flush()
    people: dict[Role, User | None] = {
        Role.ANONYMOUS: None,
        Role.OTHER_APPLICANT: other_member,
        Role.MEMBER: member,
        Role.ASSESSOR_UNASSIGNED: unassigned,
        Role.ASSESSOR_CONFLICTED: conflicted,
        Role.ASSESSOR: assessor,
        Role.OTHER_FUND_MANAGER: staff_user(StaffRole.FUND_MANAGER, fund_id=other_fund.id),
        Role.FINANCE: setup.finance,
        Role.ADMIN: admin,
        Role.FUND_MANAGER: setup.manager,
    }
    return World(
        people=people,
        fund=fund,
        other_fund=other_fund,
        round=round_,
        open_round=open_round,
        organisation=application.organisation,
        other_organisation=other_organisation,
        application=application,
        draft=draft,
        section_key=section_key,
        draft_file=draft_file,
        file=file,
        assessment=assessment,
        connection=connection,
        award=award,
        payment=payment,
        report=report,
        evidence=evidence,
        spare_evidence=spare_evidence,
        submitted_report=second,
        batch=batch,
        export=export,
        tier=open_round.tiers[0],
        theme=theme,
        criterion=open_round.criteria[0],
        pool_member=unassigned,
        role_assignment=unassigned.role_assignments[0],
    )


def _member() -> tuple[User, Organisation]:
    membership = MembershipFactory(user=UserFactory())
    return membership.user, membership.organisation


def _draft(round_: Round, user: User, organisation: Organisation) -> Application:
    from fundapp.applications import services

    return services.start_application(actor=user, round_=round_, organisation=organisation, now=utcnow())


def _zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
