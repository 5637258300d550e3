"""Staff pages for calls (rounds): the call's page, creating a call, changing its details, opening and closing it.

The pages for the rest of a call's set-up (tiers, themes, scoring criteria, eligibility, application form,
copying) are in round_setup.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from fundapp.accounts.forms import ConfirmForm
from fundapp.accounts.permissions import is_staff
from fundapp.core.auth import authorize, requires, signed_in
from fundapp.core.errors import DomainError
from fundapp.core.forms import keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.programmes import bp, permissions, queries, services
from fundapp.programmes.forms import CreateCallForm, EditCallForm
from fundapp.programmes.models import Round
from fundapp.programmes.permissions import is_any_fund_manager
from fundapp.programmes.question_sets import QUESTION_TYPE_LABELS, file_questions
from fundapp.programmes.states import ROUND_STAFF_LABELS, TRIGGER_LABELS, QuestionType, RoundStatus


def managed_round(round_id: int) -> Round:
    """The call, if the signed-in person may change it: 404 for people who may not know it exists, else 403."""
    round_ = queries.get_round(round_id)
    authorize(permissions.can_manage_round(current_user, round_), hide=not is_staff(current_user))
    return round_


# The page that fixes each thing problems_before_opening asks for, found by the words it uses (first match wins).
_FIXED_ON = (
    ("criteria", "programmes.round_criteria"),
    ("tier", "programmes.round_tiers"),
    ("themes", "programmes.round_themes"),
    ("application form", "programmes.round_application_form"),
)


def _with_links(round_: Round, problems: list[str]) -> list[tuple[str, str | None]]:
    """Each problem with the URL of the set-up page that fixes it (None when no page does)."""
    return [
        (problem, next((url_for(page, round_id=round_.id) for words, page in _FIXED_ON if words in problem), None))
        for problem in problems
    ]


# Where the call's page remembers, across the redirect after a refused "Open call", which call could not open.
_REFUSED_TO_OPEN = "call_refused_to_open"


def _detail_page(round_: Round, *, refused: bool = False):
    """The call's page. `refused`: the manager has just tried to open it, so what is missing is shown as an error."""
    problems = services.problems_before_opening(round_) if round_.status == RoundStatus.DRAFT or refused else []
    refused = refused and bool(problems)
    return render_template(
        "programmes/round_detail.html",
        round_=round_,
        problems=_with_links(round_, problems),
        refused=refused,
        can_manage=permissions.can_manage_round(current_user, round_),
        document_labels=dict(file_questions(round_.question_set)),
        trigger_labels=TRIGGER_LABELS,
        title=f"{'Error: ' if refused else ''}{round_.name} ({round_.code})",
    )


@bp.get("/staff/calls/<int:round_id>")
@signed_in
def round_detail(round_id: int):
    round_ = queries.get_round(round_id)
    # Applicants may not know a call's set-up page exists (404); staff without a role on it get 403.
    authorize(permissions.can_view_round(current_user, round_), hide=not is_staff(current_user))
    return _detail_page(round_, refused=session.pop(_REFUSED_TO_OPEN, None) == round_.id)


@bp.get("/staff/funds")
@requires(is_any_fund_manager)
def funds():
    manageable = [fund for fund in queries.list_funds() if permissions.can_manage_fund(current_user, fund)]
    return render_template("programmes/funds.html", funds=manageable, title="Choose a fund for the new call")


@bp.route("/staff/calls/new", methods=["GET", "POST"])
@requires(is_any_fund_manager)
@commits
@keeps_input_on_csrf_error
def round_new():
    funds = [fund for fund in queries.list_funds() if permissions.can_manage_fund(current_user, fund)]
    form = CreateCallForm()
    form.set_funds(funds)
    if request.method == "GET":
        form.fund.data = request.args.get("fund_id", "")
    if form.validate_on_submit():
        try:
            round_ = services.create_round(
                actor=current_user,
                fund=queries.get_fund(int(form.fund.data)),
                code=form.code.data,
                name=form.name.data,
                summary=form.summary.data or "",
                opens_at=form.opens_at(),
                closes_at=form.closes_at(),
                budget_pence=form.budget.pence,
            )
        except DomainError as exc:
            form.add_error(exc)
        else:
            flash(f"{round_.name} ({round_.code}) has been created as a draft. Next, set up its tiers.", "success")
            return redirect(url_for("programmes.round_detail", round_id=round_.id))
    return render_template("programmes/round_new.html", form=form, funds=funds, title="Create a call")


@bp.route("/staff/calls/<int:round_id>/edit", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def round_edit(round_id: int):
    round_ = managed_round(round_id)
    form = EditCallForm(obj=round_)
    if request.method == "GET":
        form.show_stored(round_)
    if form.validate_on_submit():
        try:
            services.update_round(
                actor=current_user,
                round_=round_,
                code=form.code.data,
                name=form.name.data,
                summary=form.summary.data or "",
                description=form.description.data or "",
                opens_at=form.opens_at(),
                closes_at=form.closes_at(),
                budget_pence=form.budget.pence,
                project_earliest_start=form.project_earliest_start.data,
                project_latest_end=form.project_latest_end.data,
                max_applications_per_organisation=form.max_applications_per_organisation.number,
            )
        except DomainError as exc:
            form.add_error(exc)
        else:
            flash("The call's details have been saved.", "success")
            return redirect(url_for("programmes.round_detail", round_id=round_.id))
    return render_template(
        "programmes/round_edit.html", form=form, round_=round_, title=f"Change the call's details: {round_.name}"
    )


@bp.post("/staff/calls/<int:round_id>/open")
@signed_in
@commits
def round_open(round_id: int):
    round_ = managed_round(round_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.open_round(actor=current_user, round_=round_)
        except services.RoundNotReady:
            # Nothing was changed: the call's page shows what is missing as an error, each linked to its set-up page.
            session[_REFUSED_TO_OPEN] = round_.id
        except DomainError as exc:
            flash(exc.message)
        else:
            flash(f"{round_.name} is open for applications.", "success")
    return redirect(url_for("programmes.round_detail", round_id=round_.id))


@bp.post("/staff/calls/<int:round_id>/close")
@signed_in
@commits
def round_close(round_id: int):
    round_ = managed_round(round_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.close_round(actor=current_user, round_=round_)
        except DomainError as exc:
            flash(exc.message)
        else:
            flash(f"{round_.name} is closed to new applications.", "success")
    return redirect(url_for("programmes.round_detail", round_id=round_.id))


@bp.app_template_global()
def round_status_label(value: str) -> str:
    return ROUND_STAFF_LABELS[RoundStatus(value)]


@bp.app_template_global()
def question_type_label(value: str) -> str:
    return QUESTION_TYPE_LABELS[QuestionType(value)]
