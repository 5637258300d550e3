"""Fund managers' pages for deciding a call: the ranking with each decision, one application's decision, approving
everything above the funding line, and publishing the outcomes to applicants.

The call's staff who see its awards (its fund managers, finance officers and admins) see the decisions page; only
fund managers (and admins) decide, approve in bulk and publish (403 otherwise, on the confirmation pages too).
Applicants never learn the pages exist (404); other staff are refused (403). One application's decision page is,
like its other staff pages, 404 to anyone who may not see the call's awards: an application's existence is the
organisation's business.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts import queries as account_queries
from fundapp.accounts.forms import ConfirmForm
from fundapp.accounts.permissions import is_staff
from fundapp.applications import queries as application_queries
from fundapp.applications.models import Application
from fundapp.applications.states import DECIDED, STAFF_LABELS, ApplicationStatus
from fundapp.assessment import queries as assessment_queries
from fundapp.assessment import scoring
from fundapp.assessment import services as assessment_services
from fundapp.assessment.ranking import RankedApplication, build_ranking, tier_for
from fundapp.assessment.states import RECOMMENDATION_LABELS
from fundapp.awards import bp, permissions, queries, services
from fundapp.awards.forms.decisions import OUTCOME_HINTS, BulkApprovalForm, DecisionForm, WithdrawDecisionForm
from fundapp.awards.models import Award, Decision
from fundapp.awards.states import Outcome
from fundapp.awards.views.loading import decided_round, viewed_round
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.money import format_pence
from fundapp.core.transactions import commits, rollback_unit_of_work
from fundapp.core.wording import plural
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.models import Round

# How staff see a decision, in words and colour.
DECISION_TAGS = {
    Outcome.APPROVED: ("Approved", "govuk-tag--green"),
    Outcome.REJECTED: ("Rejected", "govuk-tag--red"),
    Outcome.RESERVE: ("Reserve list", "govuk-tag--yellow"),
}


# --- the decisions page --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    """One row of the decisions page: the ranking's row, the application's status and the decision so far."""

    ranked: RankedApplication
    status: ApplicationStatus
    decision: Decision | None
    award: Award | None

    @property
    def decidable(self) -> bool:
        return self.status in services.DECIDABLE

    @property
    def tag(self) -> tuple[str, str] | None:
        return DECISION_TAGS[self.decision.outcome] if self.decision is not None else None


@dataclass(frozen=True)
class Progress:
    """How far the call's decisions have got."""

    decided: int
    to_decide: int  # still in assessment, in moderation or moderated and waiting
    waiting_above_line: int  # moderated, above the funding line, not yet decided
    by_outcome: dict[Outcome, int]


def _decision_rows(round_: Round) -> tuple[Any, list[DecisionRow], Progress]:
    """The ranking, each of its rows with its decision and award, and the counts (a fixed number of statements)."""
    ranking = build_ranking(round_)
    statuses = {a.id: a.status for a in assessment_queries.list_ranking_applications(round_.id)}
    decisions = queries.list_round_decisions(round_.id)
    awards = {award.application_id: award for award in queries.list_round_awards(round_.id)}
    rows = [
        DecisionRow(
            ranked=row,
            status=statuses[row.application_id],
            decision=decisions.get(row.application_id),
            award=awards.get(row.application_id),
        )
        for row in ranking.rows
    ]
    progress = Progress(
        decided=sum(1 for r in rows if r.status in DECIDED),
        to_decide=sum(1 for r in rows if r.status not in DECIDED),
        waiting_above_line=sum(1 for r in rows if r.ranked.above_line and r.status == ApplicationStatus.MODERATED),
        by_outcome=dict(Counter(r.decision.outcome for r in rows if r.decision is not None)),
    )
    return ranking, rows, progress


@bp.get("/staff/calls/<int:round_id>/decisions")
@signed_in
def decisions(round_id: int):
    round_ = viewed_round(round_id)
    ranking, rows, progress = _decision_rows(round_)
    published_by = (
        account_queries.get_user(round_.outcomes_published_by_id) if round_.outcomes_published_by_id else None
    )
    return render_template(
        "awards/decisions.html",
        round_=round_,
        ranking=ranking,
        rows=rows,
        progress=progress,
        has_awards=any(r.award is not None for r in rows),
        published_by=published_by,
        can_decide=permissions.can_decide(current_user, round_),
        decision_tags=DECISION_TAGS,
        title=f"Decisions: {round_.name}",
    )


# --- one application's decision ------------------------------------------------------------------------------


def _application_in(round_id: int, application_id: int) -> tuple[Round, Application]:
    """The call and its application, for staff who see the call's awards; 404 for anyone else (who may not know
    the application exists), for another call's application and for one not taking part in assessment."""
    round_ = programme_queries.get_round(round_id)
    authorize(is_staff(current_user) and permissions.can_view_awards(current_user, round_), hide=True)
    application = application_queries.get_application(application_id)
    authorize(
        application.round_id == round_.id and application.status in assessment_queries.IN_ASSESSMENT_PIPELINE,
        hide=True,
    )
    return round_, application


def _summary(application: Application) -> dict[str, Any]:
    """What the panel needs to see while deciding: tier, final score and each assessor's recommendation."""
    submitted = assessment_queries.list_submitted_scorecards([application.id])
    moderation = assessment_queries.find_moderation(application.id)
    percent = assessment_services.final_percent(application, submitted, moderation)
    return {
        "tier": tier_for(application.amount_requested_pence, application.round.tiers),
        "score": scoring.format_percent(percent) if percent is not None else "Not scored",
        "recommendations": [RECOMMENDATION_LABELS[a.recommendation] for a in submitted if a.recommendation is not None],
    }


def _why_not_decidable(application: Application, decision: Decision | None) -> str | None:
    if application.status in services.DECIDABLE:
        return None
    if decision is not None and decision.published_at is None:
        return "This application has been decided. Until the outcomes are published you can take the decision back."
    if decision is not None:
        return "This application has been decided and the applicant has been told."
    return "This application can be decided once it has been moderated."


def _save_decision(form: DecisionForm, application: Application) -> str:
    """Call the one service the chosen outcome needs; returns the confirmation to show. Raises DomainError."""
    common: dict[str, Any] = {
        "actor": current_user,
        "application": application,
        "reason": form.reason.data or "",
        "now": utcnow(),
    }
    reference = application.reference
    if form.chosen == Outcome.APPROVED:
        award = services.approve_application(
            **common, amount_pence=form.amount.pence or 0, conditions=form.conditions.data or ""
        )
        left = application.round.budget_pence - application.round.committed_pence
        return (
            f"{reference} approved for {format_pence(award.amount_pence)}. "
            f"{format_pence(left)} of the budget is left to commit."
        )
    if form.chosen == Outcome.REJECTED:
        services.reject_application(**common, feedback=form.feedback.data or "")
        return f"{reference} rejected. The applicant will read your feedback once the outcomes are published."
    services.reserve_application(**common, feedback=form.feedback.data or "")
    return f"{reference} is on the reserve list."


@bp.route("/staff/calls/<int:round_id>/decisions/<int:application_id>", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def decide(round_id: int, application_id: int):
    round_, application = _application_in(round_id, application_id)
    can_decide = permissions.can_decide(current_user, round_)
    if request.method == "POST":
        authorize(can_decide)
    form = _decision_form(application)
    if form.validate_on_submit():
        try:
            message = _save_decision(form, application)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(message, "success")
            return redirect(url_for("awards.decisions", round_id=round_.id))
    return _render_decide(round_, application, form, decision_form=form, failed=request.method == "POST")


def _decision_form(application: Application, **kwargs: Any) -> DecisionForm:
    moderated = application.status == ApplicationStatus.MODERATED
    return DecisionForm(
        outcomes=tuple(Outcome) if moderated else (Outcome.APPROVED, Outcome.REJECTED),
        amount=application.amount_requested_pence,
        **kwargs,
    )


def _render_decide(
    round_: Round,
    application: Application,
    form: DecisionForm | WithdrawDecisionForm,
    *,
    decision_form: DecisionForm,
    failed: bool,
    withdraw_form: WithdrawDecisionForm | None = None,
) -> tuple[str, int]:
    decision = queries.find_decision(application.id)
    return render_template(
        "awards/decide.html",
        round_=round_,
        application=application,
        decision=decision,
        award=queries.find_award_for_application(application.id) if decision is not None else None,
        form=form,  # the page's form: its errors make the error summary
        decision_form=decision_form,
        why_not=_why_not_decidable(application, decision),
        withdraw_form=withdraw_form or WithdrawDecisionForm(formdata=None),
        can_decide=permissions.can_decide(current_user, round_),
        staff_label=STAFF_LABELS[application.status],
        decision_tags=DECISION_TAGS,
        outcome_hints={outcome.value: hint for outcome, hint in OUTCOME_HINTS.items()},
        conditions_max=services.CONDITIONS_MAX_CHARS,
        feedback_max=services.FEEDBACK_MAX_CHARS,
        reason_max=services.REASON_MAX_CHARS,
        title=f"{'Error: ' if failed and not form.errors else ''}Decide {application.reference}",
        **_summary(application),
    ), (422 if failed else 200)


# --- approving everything above the funding line -------------------------------------------------------------


@bp.post("/staff/calls/<int:round_id>/decisions/<int:application_id>/withdraw")
@signed_in
@commits
@keeps_input_on_csrf_error
def withdraw_decision(round_id: int, application_id: int):
    round_, application = _application_in(round_id, application_id)
    authorize(permissions.can_decide(current_user, round_))
    form = WithdrawDecisionForm()
    if form.validate_on_submit():
        try:
            services.withdraw_decision(
                actor=current_user, application=application, reason=form.reason.data or "", now=utcnow()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(f"The decision on {application.reference} was taken back: decide it again.", "success")
            return redirect(url_for("awards.decide", round_id=round_.id, application_id=application.id))
    # The decision form is not shown for a decided application: the page's form (and error summary) is this one.
    return _render_decide(
        round_,
        application,
        form,
        decision_form=_decision_form(application, formdata=None),
        withdraw_form=form,
        failed=True,
    )


@bp.route("/staff/calls/<int:round_id>/decisions/approve-above-line", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def approve_above_line(round_id: int):
    round_ = decided_round(round_id)
    form = BulkApprovalForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            awards = services.approve_above_line(
                actor=current_user,
                round_=round_,
                fingerprint=form.fingerprint.data or "",
                reason=form.reason.data or "",
                now=utcnow(),
            )
        except DomainError as exc:
            # All or nothing: undo any approval made before the refusal, then show the list as it is now.
            rollback_unit_of_work()
            problems.append(exc.message)
        else:
            total = sum(award.amount_pence for award in awards)
            flash(f"Approved {plural(len(awards), 'application')}: {format_pence(total)} committed.", "success")
            return redirect(url_for("awards.decisions", round_id=round_.id))
    plan = services.plan_bulk_approval(round_)
    form.fingerprint.data = plan.fingerprint
    form.submit.label.text = f"Approve {plural(len(plan.application_ids), 'application')}"
    failed = request.method == "POST"
    return render_template(
        "awards/approve_above_line.html",
        round_=round_,
        plan=plan,
        form=form,
        problems=problems,
        title=f"{'Error: ' if failed and not form.errors else ''}"
        f"Approve everything above the funding line: {round_.name}",
    ), (422 if failed else 200)


# --- publishing the outcomes ---------------------------------------------------------------------------------


def _publish_context(round_: Round) -> dict[str, Any]:
    decisions = queries.list_round_decisions(round_.id)
    awards = queries.list_round_awards(round_.id)
    counts = Counter(decision.outcome for decision in decisions.values())
    return {
        "counts": [(outcome, DECISION_TAGS[outcome][0], counts.get(outcome, 0)) for outcome in Outcome],
        "decided": len(decisions),
        "awarded_pence": sum(award.amount_pence for award in awards),
        "undecided": services.undecided_references(round_),
        "published_by": (
            account_queries.get_user(round_.outcomes_published_by_id) if round_.outcomes_published_by_id else None
        ),
    }


@bp.route("/staff/calls/<int:round_id>/decisions/publish", methods=["GET", "POST"])
@signed_in
@commits
def publish_outcomes(round_id: int):
    round_ = decided_round(round_id)
    form = ConfirmForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            told = services.publish_outcomes(actor=current_user, round_=round_, now=utcnow())
        except DomainError as exc:
            problems.append(exc.message)
        else:
            flash(f"Outcomes published: {plural(told, 'applicant')} emailed", "success")
            return redirect(url_for("awards.decisions", round_id=round_.id))
    failed = request.method == "POST"
    return render_template(
        "awards/publish_outcomes.html",
        round_=round_,
        form=form,
        problems=problems,
        title=f"{'Error: ' if failed and not form.errors else ''}Publish outcomes: {round_.name}",
        **_publish_context(round_),
    ), (422 if failed else 200)
