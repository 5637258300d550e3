"""Finance's payments: the payments due across the calls a finance officer covers, approving one (never on an award
the same person decided: separation of duties) and recording it as paid or failed.

Finance officers (for a call, a fund or everything) and admins see the page; other staff are refused (403);
applicants never learn it exists (404). A payment of a call the officer does not cover is refused (403).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts.forms import ConfirmForm
from fundapp.accounts.permissions import is_staff
from fundapp.awards import bp, permissions, queries, services
from fundapp.awards.forms.payments import RecordPaymentForm
from fundapp.awards.models import Payment
from fundapp.awards.states import PAYMENT_LABELS, PAYMENT_TAG_CLASSES, PaymentStatus
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import london_today, utcnow
from fundapp.core.errors import DomainError, InvalidTransition, NotAllowed
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.programmes.states import TRIGGER_LABELS

# How far back the page lists payments already made.
RECENTLY_PAID = timedelta(days=30)
TO_APPROVE = (PaymentStatus.SCHEDULED, PaymentStatus.FAILED)


def _finance_only() -> None:
    authorize(is_staff(current_user), hide=True)
    authorize(permissions.can_see_payments(current_user))


def _handled_payment(payment_id: int) -> Payment:
    """The payment, if the signed-in person handles payments for its call (404 for applicants, else 403)."""
    _finance_only()
    payment = queries.get_payment(payment_id)
    authorize(permissions.can_handle_payments(current_user, payment.award.round))
    return payment


def _row(payment: Payment) -> dict[str, Any]:
    return {
        "payment": payment,
        "award": payment.award,
        "when": TRIGGER_LABELS[payment.trigger],
        "label": PAYMENT_LABELS[payment.status],
        "tag_class": PAYMENT_TAG_CLASSES[payment.status],
        "decided_it": permissions.decided_it(current_user, payment.award),
    }


def _groups() -> list[dict[str, Any]]:
    """To approve (due, or failed and to be approved again), to pay (approved) and recently paid, with totals."""
    round_ids = queries.list_payment_round_ids(current_user)
    due = queries.list_payments(round_ids=round_ids)
    paid = queries.list_paid_payments(round_ids=round_ids, since=utcnow() - RECENTLY_PAID)
    parts = [
        ("to-approve", "To approve", [p for p in due if p.status in TO_APPROVE]),
        ("to-pay", "To pay", [p for p in due if p.status == PaymentStatus.APPROVED]),
        ("paid", "Paid in the last 30 days", paid),
    ]
    return [
        {"id": key, "heading": heading, "rows": [_row(p) for p in payments], "total": services.payments_total(payments)}
        for key, heading, payments in parts
    ]


def _payments_page(*, problem: str | None = None, status: int = 200) -> Any:
    return (
        render_template(
            "awards/payments.html",
            groups=_groups(),
            confirm_form=ConfirmForm(),
            problem=problem,
            title=f"{'Error: ' if problem else ''}Payments",
        ),
        status,
    )


@bp.get("/staff/payments")
@signed_in
def payments():
    _finance_only()
    return _payments_page()


@bp.post("/staff/payments/<int:payment_id>/approve")
@signed_in
@commits
def approve_payment(payment_id: int):
    payment = _handled_payment(payment_id)
    if not ConfirmForm().validate_on_submit():
        flash("This page had expired, so nothing was approved. Check the payment and approve it again.")
        return redirect(url_for("awards.payments"))
    what = f"{payment.label} of {payment.award.reference}"
    try:
        services.approve_payment(actor=current_user, payment=payment, now=utcnow())
    except NotAllowed as exc:
        # Separation of duties: refused, with the reason on the page.
        return _payments_page(problem=f"{what} was not approved. {exc.message}", status=403)
    except InvalidTransition:
        flash(f"{what} is {PAYMENT_LABELS[payment.status].lower()} already, so there is nothing to approve.")
    except DomainError as exc:
        flash(f"{what} was not approved. {exc.message}.")
    else:
        flash(f"{what} has been approved. It is now waiting to be paid.", "success")
    return redirect(url_for("awards.payments"))


@bp.route("/staff/payments/<int:payment_id>/record", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def record_payment(payment_id: int):
    payment = _handled_payment(payment_id)
    form = RecordPaymentForm()
    if request.method == "GET":
        form.paid_on.data = london_today()
    waiting = payment.status == PaymentStatus.APPROVED
    if waiting and form.validate_on_submit():
        try:
            _record(form, payment)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect(url_for("awards.payments", _anchor="paid" if form.paid else "to-approve"))
    elif request.method == "POST" and not waiting:
        flash(f"This payment is {PAYMENT_LABELS[payment.status].lower()}, so there is nothing to record.")
    page = render_template(
        "awards/payments_record.html",
        form=form,
        payment=payment,
        award=payment.award,
        waiting=waiting,
        when=TRIGGER_LABELS[payment.trigger],
        status_label=PAYMENT_LABELS[payment.status],
        status_tag_class=PAYMENT_TAG_CLASSES[payment.status],
        title=f"Record payment: {payment.label} of {payment.award.reference}",
    )
    return page, (422 if form.errors else 200)


def _record(form: RecordPaymentForm, payment: Payment) -> None:
    what = f"{payment.label} of {payment.award.reference}"
    if form.paid:
        services.record_payment_paid(
            actor=current_user,
            payment=payment,
            reference=form.reference.data or "",
            paid_on=form.paid_on.data,
            now=utcnow(),
        )
        flash(f"{what} has been recorded as paid.", "success")
    else:
        services.record_payment_failed(actor=current_user, payment=payment, reason=form.reason.data or "", now=utcnow())
        flash(f"{what} has been recorded as failed. Approve it again once the problem is fixed.", "success")
