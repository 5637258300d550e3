"""factory_boy factories for every model, flushed into the test's session. Traits name lifecycle states."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import factory
import pyotp
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory

from fundapp.accounts.models import Membership, Organisation, RoleAssignment, User
from fundapp.accounts.passwords import hash_password
from fundapp.accounts.states import LegalType, MemberRole, StaffRole
from fundapp.awards.models import Award, Decision, DueDiligenceCheck, Payment
from fundapp.awards.states import AwardStatus, DueDiligenceItem, Outcome, PaymentStatus, Register
from fundapp.core.clock import utcnow
from fundapp.programmes.models import Criterion, CriterionDescriptor, Fund, Round, Theme, Tier
from fundapp.programmes.payment_schedule import default_template_json, parse_template, split_amount
from fundapp.programmes.states import RoundStatus
from fundapp.reporting.register import PaymentLine, RegisterRow

DEFAULT_PASSWORD = "correct horse battery staple"
# Hashing with Argon2 is deliberately slow; factories share one hash of DEFAULT_PASSWORD.
_DEFAULT_HASH = hash_password(DEFAULT_PASSWORD)


def _session():  # type: ignore[no-untyped-def]
    from fundapp.extensions import db

    return db.session


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = _session
        sqlalchemy_session_persistence = "flush"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Rows made for a test are set-up, not a unit of work that needs an audit event (core.transactions).
        from fundapp.core.transactions import forget_unaudited_changes

        obj = super()._create(model_class, *args, **kwargs)
        forget_unaudited_changes(_session())
        return obj


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password_hash = _DEFAULT_HASH

    class Params:
        disabled = factory.Trait(is_active=False)


class RoleAssignmentFactory(BaseFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = StaffRole.ASSESSOR

    @factory.post_generation
    def enrol_in_two_factor(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Staff must have two-factor authentication, so a staff role comes with it set up (pass
        enrol_in_two_factor=False for someone who has not set it up yet)."""
        if extracted is False or self.user.totp_enabled_at is not None:
            return
        enrol_in_two_factor(self.user)


def enrol_in_two_factor(user: User) -> User:
    """Give user a fresh random TOTP secret, as if they had set two-factor authentication up."""
    user.totp_secret = pyotp.random_base32(length=32)
    user.totp_enabled_at = utcnow()
    _session().flush()
    return user


def staff_user(role: StaffRole, **scope: int | None) -> User:
    """A user holding one staff role (system-wide unless fund_id= or round_id= is given)."""
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=role, **scope)
    return user


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Community Group {n}")
    legal_type = LegalType.CIO
    charity_number = factory.Sequence(lambda n: f"{1100000 + n}")
    company_number = None
    address_line_1 = "1 High Street"
    town = "London"
    postcode = "SE1 7PB"
    borough_gss = "E09000028"  # Southwark
    annual_income_pence = 4_500_000


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MemberRole.OWNER


def applicant_with_organisation(**org: object) -> tuple[User, Organisation]:
    """An applicant who owns an organisation."""
    membership = MembershipFactory(organisation=OrganisationFactory(**org))
    return membership.user, membership.organisation


class FundFactory(BaseFactory):
    class Meta:
        model = Fund

    code = factory.Sequence(lambda n: f"F{n}")
    name = factory.Sequence(lambda n: f"Test Fund {n}")
    description = "A fund for tests."


class RoundFactory(BaseFactory):
    class Meta:
        model = Round

    fund = factory.SubFactory(FundFactory)
    code = factory.Sequence(lambda n: f"R-{n}")
    name = factory.Sequence(lambda n: f"Call {n}")
    status = RoundStatus.DRAFT
    opens_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))
    closes_at = factory.LazyAttribute(lambda o: o.opens_at + timedelta(days=42))
    budget_pence = 87_500_000
    eligible_legal_types = factory.LazyFunction(lambda: [t.value for t in LegalType])

    class Params:
        open = factory.Trait(
            status=RoundStatus.OPEN,
            opens_at=factory.LazyFunction(lambda: utcnow() - timedelta(days=14)),
            closes_at=factory.LazyFunction(lambda: utcnow() + timedelta(days=30)),
        )
        closed = factory.Trait(
            status=RoundStatus.CLOSED,
            opens_at=factory.LazyFunction(lambda: utcnow() - timedelta(days=120)),
            closes_at=factory.LazyFunction(lambda: utcnow() - timedelta(days=60)),
        )


class TierFactory(BaseFactory):
    class Meta:
        model = Tier

    round = factory.SubFactory(RoundFactory)
    name = "Tier 1"
    min_pence = 1_000_000
    max_pence = 2_500_000
    match_funding_percent = 0


class ThemeFactory(BaseFactory):
    class Meta:
        model = Theme

    round = factory.SubFactory(RoundFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    position = factory.Sequence(int)


class CriterionFactory(BaseFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(RoundFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    guidance = "How well the application meets this criterion."
    weight = 25
    scale_min = 0
    scale_max = 5
    position = factory.Sequence(int)


class CriterionDescriptorFactory(BaseFactory):
    class Meta:
        model = CriterionDescriptor

    criterion = factory.SubFactory(CriterionFactory)
    score = 5
    label = "Strong"


# --- question sets (programmes) ------------------------------------------------------------------------
# Imported here, not at the top, so this block can be appended without touching the rest of the file.

from fundapp.programmes.models import Question, QuestionSet, Section  # noqa: E402
from fundapp.programmes.states import QuestionType  # noqa: E402


class QuestionSetFactory(BaseFactory):
    class Meta:
        model = QuestionSet

    round = factory.SubFactory(RoundFactory)
    name = "Test application form"
    source = "tests"


class SectionFactory(BaseFactory):
    class Meta:
        model = Section

    question_set = factory.SubFactory(QuestionSetFactory)
    key = factory.Sequence(lambda n: f"section_{n}")
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(int)


class QuestionFactory(BaseFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    key = factory.Sequence(lambda n: f"question_{n}")
    type = QuestionType.SHORT_TEXT
    label = factory.Sequence(lambda n: f"Question {n}?")
    required = True
    position = factory.Sequence(int)
    config = factory.LazyFunction(dict)


def round_ready_to_open(**round_fields: object) -> Round:
    """A draft round that open_round accepts: one tier, criteria weighing 100, a one-question form."""
    round_ = RoundFactory(**round_fields)
    TierFactory(round=round_)
    CriterionFactory(round=round_, weight=60)
    CriterionFactory(round=round_, weight=40)
    QuestionFactory(section=SectionFactory(question_set=QuestionSetFactory(round=round_)))
    return round_


# --- applications ---------------------------------------------------------------------------------------

from fundapp.applications.models import Answer, Application, ApplicationSection  # noqa: E402
from fundapp.applications.states import ApplicationStatus, SectionStatus  # noqa: E402


def _reference(o: object) -> str:
    round_ = o.round  # type: ignore[attr-defined]
    round_.last_application_number += 1
    return f"{round_.code}-{round_.last_application_number:04d}"


class ApplicationFactory(BaseFactory):
    class Meta:
        model = Application

    round = factory.SubFactory(RoundFactory, open=True)
    organisation = factory.SubFactory(OrganisationFactory)
    status = ApplicationStatus.DRAFT
    project_title = factory.Sequence(lambda n: f"Project {n}")
    amount_requested_pence = 2_000_000

    class Params:
        submitted = factory.Trait(
            status=ApplicationStatus.SUBMITTED,
            reference=factory.LazyAttribute(_reference),
            submitted_at=factory.LazyFunction(utcnow),
        )
        eligible = factory.Trait(
            status=ApplicationStatus.ELIGIBLE,
            reference=factory.LazyAttribute(_reference),
            submitted_at=factory.LazyFunction(utcnow),
            screened_at=factory.LazyFunction(utcnow),
        )
        ineligible = factory.Trait(
            status=ApplicationStatus.INELIGIBLE,
            reference=factory.LazyAttribute(_reference),
            submitted_at=factory.LazyFunction(utcnow),
            screened_at=factory.LazyFunction(utcnow),
            eligibility_reasons=factory.LazyFunction(lambda: ["The amount requested is not inside any tier"]),
        )
        withdrawn = factory.Trait(
            status=ApplicationStatus.WITHDRAWN,
            withdrawn_at=factory.LazyFunction(utcnow),
            withdrawal_reason="We found other funding",
        )


class ApplicationSectionFactory(BaseFactory):
    class Meta:
        model = ApplicationSection

    application = factory.SubFactory(ApplicationFactory)
    section_key = factory.Sequence(lambda n: f"section_{n}")
    status = SectionStatus.IN_PROGRESS
    version = 1


class AnswerFactory(BaseFactory):
    class Meta:
        model = Answer

    application = factory.SubFactory(ApplicationFactory)
    question_key = factory.Sequence(lambda n: f"question_{n}")
    raw = "An answer"
    value = "An answer"


# --- attachments ----------------------------------------------------------------------------------------

from fundapp.applications.models import Attachment  # noqa: E402


def _stored_sample(_o: object) -> str:
    """Write a real PDF to the file store (the test's temporary UPLOAD_DIR) and return its key."""
    from fundapp.core import storage
    from tests.sample_files import pdf_bytes

    return storage.save(pdf_bytes())


def _stored_size(o: object) -> int:
    from fundapp.core import storage

    return len(storage.read(o.storage_key))  # type: ignore[attr-defined]


def _stored_sha256(o: object) -> str:
    import hashlib

    from fundapp.core import storage

    return hashlib.sha256(storage.read(o.storage_key)).hexdigest()  # type: ignore[attr-defined]


class AttachmentFactory(BaseFactory):
    """A PDF already stored and attached (to an application in any state: for lists, screening and views).

    Files applicants upload go through applications.attachments.add_attachment: use that to test uploading.
    """

    class Meta:
        model = Attachment

    application = factory.SubFactory(ApplicationFactory)
    question_key = "supporting_documents"
    storage_key = factory.LazyAttribute(_stored_sample)
    filename = factory.Sequence(lambda n: f"Evidence {n}.pdf")
    file_type = "pdf"
    content_type = "application/pdf"
    size_bytes = factory.LazyAttribute(_stored_size)
    sha256 = factory.LazyAttribute(_stored_sha256)


# --- assessment -----------------------------------------------------------------------------------------

from fundapp.assessment.models import Assessment, Connection, CriterionScore, Moderation  # noqa: E402
from fundapp.assessment.states import (  # noqa: E402
    AssessmentStatus,
    ConnectionKind,
    ModerationStatus,
    Recommendation,
)


class AssessmentFactory(BaseFactory):
    """An assessor's assignment (assigned by default). Use `scored` to give it scores on every criterion."""

    class Meta:
        model = Assessment

    application = factory.SubFactory(ApplicationFactory, eligible=True, status=ApplicationStatus.IN_ASSESSMENT)
    round_id = factory.LazyAttribute(lambda o: o.application.round_id)
    assessor = factory.LazyAttribute(
        lambda o: staff_user(StaffRole.ASSESSOR, round_id=o.application.round_id)  # a pool member of the call
    )
    status = AssessmentStatus.ASSIGNED

    class Params:
        in_progress = factory.Trait(
            status=AssessmentStatus.IN_PROGRESS,
            no_conflict_confirmed_at=factory.LazyFunction(utcnow),
            started_at=factory.LazyFunction(utcnow),
        )
        submitted = factory.Trait(
            status=AssessmentStatus.SUBMITTED,
            no_conflict_confirmed_at=factory.LazyFunction(utcnow),
            started_at=factory.LazyFunction(utcnow),
            submitted_at=factory.LazyFunction(utcnow),
            recommendation=Recommendation.FUND,
        )
        conflicted = factory.Trait(
            status=AssessmentStatus.CONFLICTED,
            conflict_kind=ConnectionKind.TRUSTEE,
            conflict_reason="I am a trustee of this charity",
            conflict_declared_at=factory.LazyFunction(utcnow),
        )


def score_assessment(assessment: Assessment, scores: dict[int, int | None] | list[int | None]) -> Assessment:
    """Give an assessment a score (None: not applicable) and a justification on each criterion of its call.

    `scores` is a list in criterion order or a mapping of criterion id to score.
    """
    criteria = assessment.round.criteria if assessment.round else []
    by_id = scores if isinstance(scores, dict) else {c.id: s for c, s in zip(criteria, scores, strict=True)}
    for criterion_id, score in by_id.items():
        assessment.scores.append(
            CriterionScore(
                criterion_id=criterion_id,
                score=score,
                not_applicable=score is None,
                justification=f"Scored {score if score is not None else 'not applicable'} because of the evidence.",
            )
        )
    _session().flush()
    return assessment


class ConnectionFactory(BaseFactory):
    class Meta:
        model = Connection

    assessor = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    kind = ConnectionKind.VOLUNTEER
    details = "I volunteer at their Saturday youth club."


class ModerationFactory(BaseFactory):
    class Meta:
        model = Moderation

    application = factory.SubFactory(ApplicationFactory, eligible=True, status=ApplicationStatus.ASSESSED)
    round_id = factory.LazyAttribute(lambda o: o.application.round_id)
    status = ModerationStatus.PENDING
    flags = factory.LazyFunction(list)


# --- awards ------------------------------------------------------------------------------------------------------


class DecisionFactory(BaseFactory):
    class Meta:
        model = Decision

    application = factory.SubFactory(ApplicationFactory, eligible=True, status=ApplicationStatus.APPROVED)
    round_id = factory.LazyAttribute(lambda o: o.application.round_id)
    outcome = Outcome.APPROVED
    reason = "Above the funding line"
    feedback = ""
    decided_at = factory.LazyFunction(utcnow)


def _award_payments(award: Award, create: bool, extracted: object, **kwargs: object) -> None:
    """Every award is paid in tranches: the call's template, split so the amounts add up to the award."""
    if not create or award.payments:
        return
    tranches = parse_template(award.round.payment_template or default_template_json())
    amounts = split_amount(award.amount_pence, [t.percent for t in tranches])
    for position, (tranche, amount) in enumerate(zip(tranches, amounts, strict=True), start=1):
        award.payments.append(
            Payment(
                position=position,
                label=tranche.label,
                trigger=tranche.trigger,
                percent=tranche.percent,
                amount_pence=amount,
            )
        )
    _session().flush()


class AwardFactory(BaseFactory):
    """An award (offered, with its payment schedule) for an approved application; traits for later states."""

    class Meta:
        model = Award

    application = factory.SubFactory(ApplicationFactory, eligible=True, status=ApplicationStatus.APPROVED)
    round = factory.LazyAttribute(lambda o: o.application.round)
    organisation = factory.LazyAttribute(lambda o: o.application.organisation)
    reference = factory.LazyAttribute(lambda o: o.application.reference)
    amount_pence = factory.LazyAttribute(lambda o: o.application.amount_requested_pence or 2_000_000)
    conditions = ""
    verification_code = factory.Sequence(lambda n: f"TEST-{n:04d}-AA")
    status = AwardStatus.OFFERED
    payments_schedule = factory.PostGeneration(_award_payments)

    class Params:
        letter_issued = factory.Trait(status=AwardStatus.LETTER_ISSUED, letter_issued_at=factory.LazyFunction(utcnow))
        accepted = factory.Trait(
            status=AwardStatus.ACCEPTED,
            letter_issued_at=factory.LazyFunction(utcnow),
            accepted_at=factory.LazyFunction(utcnow),
            accepted_name="Pat Signatory",
            accepted_position="Chair",
            accepted_letter_version=1,
            accepted_letter_sha256="0" * 64,
        )


class DueDiligenceCheckFactory(BaseFactory):
    class Meta:
        model = DueDiligenceCheck

    award = factory.SubFactory(AwardFactory)
    item = DueDiligenceItem.BANK_DETAILS
    note = "Checked"
    completed_at = factory.LazyFunction(utcnow)


def complete_due_diligence(award: Award, *, by: User | None = None) -> None:
    """Tick every item of the award's checklist."""
    for item in DueDiligenceItem:
        if item == DueDiligenceItem.CONDITIONS and not award.conditions.strip():
            continue
        if any(check.item == item for check in award.checks):
            continue
        DueDiligenceCheckFactory(
            award=award,
            item=item,
            register=Register.CHARITY_COMMISSION if item == DueDiligenceItem.REGISTRATION else None,
            registration_number="1123456" if item == DueDiligenceItem.REGISTRATION else None,
            completed_by_id=by.id if by else None,
        )
    _session().refresh(award)


# --- monitoring reports ---------------------------------------------------------------------------------------

from fundapp.programmes.monitoring import ReportKind  # noqa: E402
from fundapp.reporting.models import Report, ReportEvidence  # noqa: E402
from fundapp.reporting.states import ReportStatus  # noqa: E402


def _accepted_award(_o: object) -> Award:
    award = AwardFactory(
        accepted=True,
        application__round__outcomes_published_at=utcnow(),
        project_start=utcnow().date() - timedelta(days=120),
        project_end=utcnow().date() + timedelta(days=120),
    )
    give_budget_and_targets(award.application)
    return award


class ReportFactory(BaseFactory):
    """A report an accepted award owes (due in two weeks unless due_on= says otherwise); traits for later states."""

    class Meta:
        model = Report

    award = factory.LazyAttribute(_accepted_award)
    round_id = factory.LazyAttribute(lambda o: o.award.round_id)
    position = 1
    kind = ReportKind.INTERIM
    label = "Interim report"
    due_on = factory.LazyFunction(lambda: utcnow().date() + timedelta(days=14))
    status = ReportStatus.DUE


def report_values(report: Report) -> dict[str, object]:
    """What a grantee would type in every section of the report, valid for its call's metrics and budget."""
    from fundapp.reporting import queries

    ctx = queries.load_report_context(report)
    return {
        "metrics": {metric.key: str(10 * (number + 1)) for number, metric in enumerate(ctx.metrics)},
        "delivered": "We ran twelve workshops in schools and two community events.",
        "changes": "One venue closed, so two sessions moved to the youth centre.",
        "spend": {str(index): "100" for index in range(len(ctx.budget))},
        "boroughs": ["E09000002", "E09000030"],
    }


def fill_report(report: Report) -> Report:
    """Every section of the report saved with valid answers (as the grantee would), status untouched."""
    from fundapp.reporting import content, queries

    ctx = queries.load_report_context(report)
    raw = report_values(report)
    values: dict[str, object] = {}
    for section in content.SECTION_KEYS:
        values = content.merge_section(values, section, content.check_section(section, raw, ctx))
    report.raw = raw
    report.values = values
    _session().flush()
    return report


def submitted_report(*, by: User | None = None, **fields: object) -> Report:
    """A filled report submitted for review (through the service, so its submission and audit are real)."""
    from fundapp.reporting import services

    fields.setdefault("status", ReportStatus.DRAFT)
    report = fill_report(ReportFactory(**fields))
    member = by or _member_of(report.award.organisation)
    services.submit_report(actor=member, report=report, version=report.version, now=utcnow())
    return report


def _member_of(organisation: Organisation) -> User:
    membership = MembershipFactory(organisation=organisation, role=MemberRole.OWNER)
    return membership.user


class ReportEvidenceFactory(BaseFactory):
    class Meta:
        model = ReportEvidence

    report = factory.SubFactory(ReportFactory)
    storage_key = factory.LazyAttribute(_stored_sample)
    filename = "register.pdf"
    file_type = "pdf"
    content_type = "application/pdf"
    size_bytes = factory.LazyAttribute(_stored_size)
    sha256 = factory.LazyAttribute(_stored_sha256)
    uploaded_at = factory.LazyFunction(utcnow)


BUDGET_CATEGORIES = [{"value": "staff", "label": "Staff salaries"}, {"value": "venue", "label": "Venue hire"}]


def give_budget_and_targets(application: Application, *, targets: dict[str, int] | None = None) -> None:
    """Give the application's call a budget question (if it has none) and the application a two-line budget and a
    target for each of the default metrics, as the SEF form would have collected them."""
    from fundapp.programmes.models import Question, QuestionSet, Section

    round_ = application.round
    has_budget = _session().scalar(
        sa.select(Question.id)
        .join(Section, Section.id == Question.section_id)
        .join(QuestionSet, QuestionSet.id == Section.question_set_id)
        .where(QuestionSet.round_id == round_.id, Question.type == QuestionType.BUDGET_TABLE)
    )
    if has_budget is None:
        question_set = _session().scalar(sa.select(QuestionSet).where(QuestionSet.round_id == round_.id))
        section = SectionFactory(question_set=question_set or QuestionSetFactory(round=round_), key="budget")
        QuestionFactory(
            section=section, key="budget", type=QuestionType.BUDGET_TABLE, config={"categories": BUDGET_CATEGORIES}
        )
    total = application.amount_requested_pence or 2_000_000
    budget = [
        {"category": "staff", "description": "Youth worker, two days a week", "amount_pence": total - 300_000},
        {"category": "venue", "description": "Community hall", "amount_pence": 300_000},
    ]
    AnswerFactory(application=application, question_key="budget", raw=[], value=budget)
    defaults = {
        "londoners_reached": 400,
        "sessions_planned": 24,
        "volunteers_involved": 6,
        "participants_reporting_change": 250,
    }
    for key, number in (targets or defaults).items():
        AnswerFactory(application=application, question_key=key, raw=str(number), value=number)


# --- plain values (no database) -------------------------------------------------------------------------------


class PaymentLineFactory(factory.Factory):
    """One tranche as the award register reads it: paid on 2 April 2025 unless told otherwise."""

    class Meta:
        model = PaymentLine

    label = "First payment"
    amount_pence = 750_000
    status = PaymentStatus.PAID
    due_at = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
    paid_on = date(2025, 4, 2)
    reference = "BACS-0001"


class RegisterRowFactory(factory.Factory):
    """One award register row with fixed values (a registered charity's active grant in two boroughs, half paid),
    so what is written from it, such as a 360Giving file, is the same on every run (give each row of a file its
    own award_id, reference and organisation_id)."""

    class Meta:
        model = RegisterRow

    award_id = 1
    reference = "SEF-5-0001"
    fund_code = "SEF"
    fund_name = "Stronger Communities Fund"
    round_code = "SEF-5"
    round_name = "Stronger Communities Fund 2025"
    organisation_id = 101
    organisation_name = "Hackney Youth Voices"
    legal_type = LegalType.REGISTERED_CHARITY
    charity_number = "1123456"
    company_number = None
    organisation_postcode = "E8 1AA"
    project_title = "Youth voices in Hackney"
    project_summary = "Weekly workshops where young people plan and run campaigns on the issues that matter to them."
    tier = "Medium grants"
    themes = ("Young people",)
    boroughs = ("E09000012", "E09000030")
    amount_applied_pence = 1_500_000
    amount_awarded_pence = 1_500_000
    paid_pence = 750_000
    award_date = date(2025, 3, 14)
    planned_start = date(2025, 4, 1)
    planned_end = date(2026, 3, 31)
    status = AwardStatus.ACTIVE
    payments = factory.LazyFunction(
        lambda: (
            PaymentLineFactory(),
            PaymentLineFactory(label="Final payment", status=PaymentStatus.SCHEDULED, paid_on=None, reference=None),
        )
    )
    last_modified = datetime(2025, 4, 2, 10, 30, tzinfo=UTC)
