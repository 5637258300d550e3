"""The applicant's offer: the award (amount, schedule, conditions, reporting dates), its letter, and accepting or
declining it.

Members of the organisation see the award once the call's outcomes are published; everyone else gets 404 (an
award's existence is the organisation's business). Only the organisation's owners sign for it: other members see
who can. The letter version the page showed travels with the form, so a letter re-issued in the meantime is never
accepted unread.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts.states import MemberRole
from fundapp.awards import bp, letters, permissions, queries, services
from fundapp.awards.forms.applicant import AcceptForm, DeclineForm
from fundapp.awards.models import Award
from fundapp.awards.states import AWARD_APPLICANT_LABELS, AWARD_TAG_CLASSES, AwardStatus, PaymentStatus
from fundapp.awards.views.loading import send_letter
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import utcnow
from fundapp.core.documents import StoredDocument
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.programmes.monitoring import parse_reports
from fundapp.programmes.states import TRIGGER_LABELS


def _members_award(award_id: int) -> Award:
    """The award, if the signed-in person is a member of its organisation and the outcomes are published; 404
    otherwise."""
    award = queries.get_award(award_id)
    authorize(permissions.can_view_award_as_applicant(current_user, award), hide=True)
    return award


def _answer(award: Award, key: str) -> str:
    for answer in award.application.answers:
        if answer.question_key == key and isinstance(answer.value, str):
            return answer.value.strip()
    return ""


def _payment_state(status: PaymentStatus, due: bool) -> str:
    if status == PaymentStatus.PAID:
        return "Paid"
    return "Due – being processed" if due else "Not due yet"


def _offer_context(award: Award, letter_versions: list[StoredDocument]) -> dict[str, Any]:
    """What the offer page shows besides its forms: the schedule, reporting dates, letters, owners and status."""
    owners = [m.user for m in award.organisation.memberships if m.role == MemberRole.OWNER]
    return {
        "award": award,
        "letters": letter_versions,
        "latest": letter_versions[0] if letter_versions else None,
        "schedule": [
            {
                "payment": p,
                "when": TRIGGER_LABELS[p.trigger],
                "state": _payment_state(p.status, p.due_at is not None),
            }
            for p in award.payments
        ],
        "reporting": letters.reporting_dates(
            award.project_start, award.project_end, parse_reports(award.round.report_schedule)
        ),
        "owners": sorted(owners, key=lambda user: user.full_name),
        "is_owner": permissions.can_accept_award(current_user, award),
        "status_label": AWARD_APPLICANT_LABELS[award.status],
        "status_tag_class": AWARD_TAG_CLASSES[award.status],
        "open": award.status == AwardStatus.LETTER_ISSUED and bool(letter_versions),
    }


@bp.route("/awards/<int:award_id>", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def applicant_award(award_id: int):
    award = _members_award(award_id)
    if request.method == "POST":
        authorize(permissions.can_accept_award(current_user, award))
    context = _offer_context(award, queries.list_letters(award.id))
    latest: StoredDocument | None = context["latest"]
    form = AcceptForm()
    if latest is not None:
        form.set_letter(organisation_name=award.organisation.name, version=latest.version)
    if request.method == "GET":
        form.prefill(name=_answer(award, "signatory_name"), position=_answer(award, "signatory_position"))
    if form.validate_on_submit():
        try:
            services.accept_award(
                actor=current_user,
                award=award,
                name=form.name.data,
                position=form.position.data,
                confirmed=bool(form.confirm.data),
                letter_version=form.shown_version(),
                ip_address=request.remote_addr,
                now=utcnow(),
            )
        except services.LetterChanged as exc:
            add_domain_error(form, exc)
            if latest is not None:
                form.show_newer_letter(organisation_name=award.organisation.name, version=latest.version)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(f"You have accepted the grant for {award.reference}. We have told the fund's staff.", "success")
            return redirect(url_for("awards.applicant_award", award_id=award.id))
    page = render_template(
        "awards/applicant_award.html",
        form=form,
        title=f"Your grant offer: {award.reference}",
        **context,
    )
    return page, (422 if form.errors else 200)


@bp.route("/awards/<int:award_id>/decline", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def applicant_decline(award_id: int):
    award = _members_award(award_id)
    authorize(permissions.can_accept_award(current_user, award))
    latest = queries.list_letters(award.id)[:1]
    if award.status != AwardStatus.LETTER_ISSUED or not latest:
        flash("This offer cannot be declined now.")
        return redirect(url_for("awards.applicant_award", award_id=award.id))
    form = DeclineForm()
    if not form.letter_version.data:
        form.letter_version.data = str(latest[0].version)
    if form.validate_on_submit():
        try:
            services.decline_award(
                actor=current_user,
                award=award,
                reason=form.reason.data,
                letter_version=form.shown_version(),
                ip_address=request.remote_addr,
                now=utcnow(),
            )
        except services.LetterChanged as exc:
            form.letter_version.data = str(latest[0].version)
            form.reason.errors = [*form.reason.errors, exc.message]
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(f"You have declined the grant for {award.reference}. We have told the fund's staff.", "success")
            return redirect(url_for("awards.applicant_award", award_id=award.id))
    page = render_template(
        "awards/applicant_decline.html",
        form=form,
        award=award,
        latest=latest[0],
        title=f"Decline your grant offer: {award.reference}",
    )
    return page, (422 if form.errors else 200)


@bp.get("/awards/<int:award_id>/letter/<int:version>")
@signed_in
def applicant_letter(award_id: int, version: int):
    award = _members_award(award_id)
    # The organisation reading its offer is part of the record of the offer (read before it was answered).
    return send_letter(award, version)
