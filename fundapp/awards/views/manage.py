"""Staff pages for a call's awards: the list, one award (due-diligence checklist, letters, acceptance, payments),
completing and undoing checks, issuing the letter and downloading any issued version of it.

The call's fund managers, finance officers and admins see the pages; applicants never learn they exist (404) and
other staff are refused (403). Finance officers and fund managers complete checks; only fund managers issue letters.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from fundapp.accounts.models import Organisation
from fundapp.accounts.permissions import is_staff
from fundapp.awards import bp, permissions, queries, services
from fundapp.awards.forms.manage import CheckForm, IssueLetterForm, UndoCheckForm, WithdrawAwardForm
from fundapp.awards.models import Award
from fundapp.awards.states import (
    AWARD_STAFF_LABELS,
    AWARD_TAG_CLASSES,
    DUE_DILIGENCE_HINTS,
    DUE_DILIGENCE_LABELS,
    PAYMENT_LABELS,
    PAYMENT_TAG_CLASSES,
    REGISTER_LABELS,
    AwardStatus,
    DueDiligenceItem,
    PaymentStatus,
    Register,
)
from fundapp.awards.views.loading import send_letter, viewed_round
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.programmes.states import TRIGGER_LABELS

# Where the letter can still change: before the offer is answered.
OPEN_OFFER = (AwardStatus.OFFERED, AwardStatus.LETTER_ISSUED)


# --- the call's awards -------------------------------------------------------------------------------------


@bp.get("/staff/calls/<int:round_id>/awards")
@signed_in
def round_awards(round_id: int):
    round_ = viewed_round(round_id)
    awards = queries.list_round_awards(round_.id)
    letters = queries.latest_letters(award.id for award in awards)
    rows = []
    for award in awards:
        items = services.checklist_items(award)
        rows.append(
            {
                "award": award,
                "label": AWARD_STAFF_LABELS[award.status],
                "tag_class": AWARD_TAG_CLASSES[award.status],
                "checked": len(items) - len(services.outstanding_checks(award)),
                "item_count": len(items),
                "letter": letters.get(award.id),
                "paid_pence": services.payments_total(award.payments, status=PaymentStatus.PAID),
            }
        )
    return render_template(
        "awards/round_awards.html",
        round_=round_,
        rows=rows,
        total_pence=sum(award.amount_pence for award in awards),
        paid_pence=sum(row["paid_pence"] for row in rows),
        title=f"Awards: {round_.name}",
    )


# --- one award ---------------------------------------------------------------------------------------------


def _viewed_award(award_id: int) -> Award:
    """The award, for staff who see its call's awards: 404 for people who are not staff, 403 for other staff."""
    award = queries.get_award(award_id)
    authorize(permissions.can_view_awards(current_user, award.round), hide=not is_staff(current_user))
    return award


def _item(value: str) -> DueDiligenceItem:
    try:
        return DueDiligenceItem(value)
    except ValueError:
        abort(404)


def _register_guess(organisation: Organisation) -> tuple[str | None, str]:
    """The register and number the organisation gave, to prefill the registration check."""
    charity = (organisation.charity_number or "").strip().upper()
    if charity:
        if charity.startswith("SC"):
            return Register.OSCR.value, charity
        if charity.startswith("NIC"):
            return Register.CCNI.value, charity
        return Register.CHARITY_COMMISSION.value, charity
    company = (organisation.company_number or "").strip().upper()
    if company:
        return Register.COMPANIES_HOUSE.value, company
    return None, ""


def _blank_check_form(award: Award, item: DueDiligenceItem) -> CheckForm:
    data: dict[str, Any] = {}
    if item == DueDiligenceItem.REGISTRATION:
        register, number = _register_guess(award.organisation)
        data = {"register": register, "registration_number": number}
    return CheckForm(formdata=None, item=item, data=data)


def _why_no_letter(award: Award) -> str | None:
    """Why a letter cannot be issued now (None when it can)."""
    if award.round.outcomes_published_at is None:
        return "Letters can be issued once the call's outcomes have been published."
    missing = services.outstanding_checks(award)
    if missing:
        return "Finish due diligence first: " + "; ".join(DUE_DILIGENCE_LABELS[i] for i in missing) + "."
    return None


def _checklist(award: Award, posted: CheckForm | None) -> list[dict[str, Any]]:
    done = {check.item: check for check in award.checks}
    rows = []
    for item in services.checklist_items(award):
        check = done.get(item)
        rows.append(
            {
                "item": item,
                "label": DUE_DILIGENCE_LABELS[item],
                "hint": DUE_DILIGENCE_HINTS[item],
                "check": check,
                "register_label": REGISTER_LABELS.get(check.register) if check and check.register else None,
                "form": posted if posted is not None and posted.item == item else _blank_check_form(award, item),
            }
        )
    return rows


def _payments(award: Award) -> list[dict[str, Any]]:
    return [
        {
            "payment": payment,
            "trigger": TRIGGER_LABELS.get(payment.trigger, str(payment.trigger)),
            "label": PAYMENT_LABELS[payment.status],
            "tag_class": PAYMENT_TAG_CLASSES[payment.status],
        }
        for payment in award.payments
    ]


def _render_award(
    award: Award,
    *,
    posted: CheckForm | None = None,
    letter_error: str | None = None,
    withdraw_form: WithdrawAwardForm | None = None,
    status: int = 200,
):
    round_ = award.round
    letters = queries.list_letters(award.id)
    errors = (
        bool(letter_error) or bool(posted is not None and posted.errors) or bool(withdraw_form and withdraw_form.errors)
    )
    return render_template(
        "awards/award_detail.html",
        award=award,
        round_=round_,
        decision=queries.find_decision(award.application_id),
        label=AWARD_STAFF_LABELS[award.status],
        tag_class=AWARD_TAG_CLASSES[award.status],
        checklist=_checklist(award, posted),
        posted=posted,
        checks_open=award.status == AwardStatus.OFFERED,
        can_check=permissions.can_check_due_diligence(current_user, round_),
        can_issue=permissions.can_decide(current_user, round_),
        offer_open=award.status in OPEN_OFFER,
        why_no_letter=_why_no_letter(award),
        letter_error=letter_error,
        letters=letters,
        payments=_payments(award),
        paid_pence=services.payments_total(award.payments, status=PaymentStatus.PAID),
        can_see_payments=permissions.can_see_payments(current_user),
        undo_form=UndoCheckForm(),
        issue_form=IssueLetterForm(),
        withdraw_form=withdraw_form or WithdrawAwardForm(formdata=None),
        can_withdraw=permissions.can_decide(current_user, round_) and _withdrawable(award),
        title=f"{'Error: ' if errors else ''}Award {award.reference}",
    ), status


@bp.get("/staff/awards/<int:award_id>")
@signed_in
def award_detail(award_id: int):
    return _render_award(_viewed_award(award_id))


@bp.post("/staff/awards/<int:award_id>/checks/<item>")
@signed_in
@commits
@keeps_input_on_csrf_error
def complete_check(award_id: int, item: str):
    award = _viewed_award(award_id)
    chosen = _item(item)
    authorize(permissions.can_check_due_diligence(current_user, award.round))
    form = CheckForm(item=chosen)
    if form.validate_on_submit():
        try:
            services.complete_check(
                actor=current_user,
                award=award,
                item=chosen,
                note=form.note.data or "",
                register=form.register.data if form.is_registration else None,
                registration_number=form.registration_number.data if form.is_registration else None,
                now=utcnow(),
            )
        except DomainError as exc:
            add_domain_error(form, exc, {"item": "note"})
        else:
            flash(f"“{DUE_DILIGENCE_LABELS[chosen]}” is checked", "success")
            return redirect(url_for("awards.award_detail", award_id=award.id, _anchor="due-diligence"))
    return _render_award(award, posted=form, status=422)


@bp.post("/staff/awards/<int:award_id>/checks/<item>/undo")
@signed_in
@commits
def undo_check(award_id: int, item: str):
    award = _viewed_award(award_id)
    chosen = _item(item)
    authorize(permissions.can_check_due_diligence(current_user, award.round))
    if UndoCheckForm().validate_on_submit():
        try:
            services.undo_check(actor=current_user, award=award, item=chosen)
        except DomainError as exc:
            flash(exc.message)
        else:
            flash(f"“{DUE_DILIGENCE_LABELS[chosen]}” is no longer checked", "success")
    return redirect(url_for("awards.award_detail", award_id=award.id, _anchor="due-diligence"))


@bp.post("/staff/awards/<int:award_id>/letter")
@signed_in
@commits
def issue_letter(award_id: int):
    award = _viewed_award(award_id)
    authorize(permissions.can_decide(current_user, award.round))
    if not IssueLetterForm().validate_on_submit():
        return _render_award(award, letter_error="This page had expired. Issue the letter again.", status=422)
    try:
        document = services.issue_award_letter(actor=current_user, award=award, now=utcnow())
    except DomainError as exc:
        return _render_award(award, letter_error=exc.message, status=422)
    flash(f"Version {document.version} of the offer letter for {award.reference} has been issued", "success")
    return redirect(url_for("awards.award_detail", award_id=award.id, _anchor="letter"))


def _withdrawable(award: Award) -> bool:
    unpaid = all(p.status in (PaymentStatus.SCHEDULED, PaymentStatus.FAILED) for p in award.payments)
    return award.status in services.WITHDRAWABLE and unpaid


@bp.post("/staff/awards/<int:award_id>/withdraw")
@signed_in
@commits
@keeps_input_on_csrf_error
def withdraw_award(award_id: int):
    award = _viewed_award(award_id)
    authorize(permissions.can_decide(current_user, award.round))
    form = WithdrawAwardForm()
    if form.validate_on_submit():
        try:
            services.withdraw_award(actor=current_user, award=award, reason=form.reason.data or "", now=utcnow())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(f"The offer {award.reference} has been withdrawn and the organisation told.", "success")
            return redirect(url_for("awards.award_detail", award_id=award.id))
    return _render_award(award, withdraw_form=form, status=422)


@bp.get("/staff/awards/<int:award_id>/letters/<int:version>")
@signed_in
def staff_letter(award_id: int, version: int):
    award = _viewed_award(award_id)
    return send_letter(award, version)
