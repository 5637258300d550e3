"""Staff pages for calls (rounds): the call's set-up page."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from fundapp.accounts.permissions import is_staff
from fundapp.core.auth import authorize, signed_in
from fundapp.programmes import bp, permissions, queries, services
from fundapp.programmes.question_sets import QUESTION_TYPE_LABELS
from fundapp.programmes.states import ROUND_STAFF_LABELS, QuestionType, RoundStatus


@bp.get("/staff/calls/<int:round_id>")
@signed_in
def round_detail(round_id: int):
    round_ = queries.get_round(round_id)
    # Applicants may not know a call's set-up page exists (404); staff without a role on it get 403.
    authorize(permissions.can_view_round(current_user, round_), hide=not is_staff(current_user))
    problems = services.problems_before_opening(round_) if round_.status == RoundStatus.DRAFT else []
    return render_template(
        "programmes/round_detail.html",
        round_=round_,
        problems=problems,
        title=f"{round_.name} ({round_.code})",
    )


@bp.app_template_global()
def round_status_label(value: str) -> str:
    return ROUND_STAFF_LABELS[RoundStatus(value)]


@bp.app_template_global()
def question_type_label(value: str) -> str:
    return QUESTION_TYPE_LABELS[QuestionType(value)]
