"""A call's payment schedule: the tranches its awards are paid in (a name, a share of the award and what makes each
due), set by the call's fund managers. Awards already made keep the schedule they were offered."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.core.auth import signed_in
from fundapp.core.errors import DomainError
from fundapp.core.forms import keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.programmes import bp, services
from fundapp.programmes.forms import PaymentScheduleForm
from fundapp.programmes.payment_schedule import MAX_TRANCHES, template_problems
from fundapp.programmes.views.rounds import managed_round


@bp.route("/staff/calls/<int:round_id>/payment-schedule", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def round_payment_schedule(round_id: int):
    round_ = managed_round(round_id)
    form = PaymentScheduleForm(data={"tranches": round_.payment_template} if request.method == "GET" else None)
    problems: list[str] = []
    if form.validate_on_submit():
        tranches = form.tranche_list()
        try:
            changed = services.update_payment_template(actor=current_user, round_=round_, tranches=tranches)
        except DomainError as exc:
            # The service joins the schedule's problems into one message; the page lists them one by one.
            problems = (template_problems(tranches) if exc.field == "tranches" else []) or [exc.message]
        else:
            flash(
                "The payment schedule has been saved. Awards made from now on are paid this way; awards already "
                "made keep their schedule."
                if changed
                else "The payment schedule has not changed.",
                "success" if changed else "info",
            )
            return redirect(url_for("programmes.round_detail", round_id=round_.id, _anchor="payment-schedule"))
    page = render_template(
        "programmes/round_payment_schedule.html",
        form=form,
        round_=round_,
        problems=problems,
        max_tranches=MAX_TRANCHES,
        title=f"{'Error: ' if problems and not form.errors else ''}Payment schedule: {round_.name}",
    )
    return page, (422 if form.errors or problems else 200)
