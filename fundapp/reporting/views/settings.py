"""A call's monitoring settings: the metrics grantees report and the reports each award owes.

The call's fund managers (and admins) change them until the first award's reports are scheduled; after that the page
shows them and says why they are fixed. Other staff are refused (403); applicants never learn the page exists (404).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts.permissions import is_staff
from fundapp.core.auth import authorize, signed_in
from fundapp.core.errors import DomainError
from fundapp.core.forms import keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.models import Round
from fundapp.programmes.monitoring import MAX_METRICS, metric_problems, parse_metrics, parse_reports, report_problems
from fundapp.programmes.states import QuestionType
from fundapp.reporting import bp, permissions, queries, services
from fundapp.reporting.forms.settings import BLANK_ROWS, MonitoringForm, monitoring_data

LOCKED = (
    "Grantees are already reporting against these settings, so they can no longer be changed. Reports already "
    "scheduled keep their due dates."
)


def _number_questions(round_: Round, keep: set[str]) -> list[tuple[str, str]]:
    """The call's number questions (key, label) in form order, then any target kept from before that the form no
    longer asks (so saving does not drop it silently)."""
    questions = [
        (q.key, q.label)
        for s in (round_.question_set.sections if round_.question_set is not None else [])
        for q in s.questions
        if q.type == QuestionType.NUMBER
    ]
    asked = {key for key, _ in questions}
    return questions + [(key, f"{key} (no longer on the application form)") for key in sorted(keep - asked)]


def _problems(form: MonitoringForm, exc: DomainError) -> list[str]:
    if exc.field == "metrics":
        return metric_problems(form.metric_list([])) or [exc.message]
    if exc.field == "reports":
        return report_problems(form.report_list([])) or [exc.message]
    return [exc.message]


@bp.route("/staff/calls/<int:round_id>/monitoring", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def round_monitoring(round_id: int):
    round_ = programme_queries.get_round(round_id)
    authorize(permissions.can_change_monitoring(current_user, round_), hide=not is_staff(current_user))
    metrics, reports = parse_metrics(round_.report_metrics or []), parse_reports(round_.report_schedule or [])
    locked = queries.count_round_reports(round_.id) > 0
    if locked and request.method == "POST":
        flash(LOCKED)
        return redirect(url_for("reporting.round_monitoring", round_id=round_.id))
    form = MonitoringForm(data=monitoring_data(metrics, reports) if request.method == "GET" else None)
    if request.method == "GET":
        form.pad(len(metrics) + BLANK_ROWS)
    questions = _number_questions(round_, {m.target_question for m in metrics if m.target_question})
    form.offer_targets(questions)
    problems: list[str] = []
    if not locked and form.validate_on_submit():
        try:
            changed = services.update_monitoring_settings(
                actor=current_user, round_=round_, metrics=form.metric_list(metrics), reports=form.report_list(reports)
            )
        except DomainError as exc:
            problems = _problems(form, exc)
        else:
            flash(
                "The monitoring settings have been saved. Awards accepted from now on report this way."
                if changed
                else "The monitoring settings have not changed.",
                "success" if changed else "info",
            )
            return redirect(url_for("reporting.round_monitoring", round_id=round_.id))
    return _page(round_, form, problems, locked=locked, questions=dict(questions), metrics=metrics, reports=reports)


def _page(round_: Round, form: MonitoringForm, problems: list[str], **context: Any) -> Any:
    has_errors = bool(form.errors or problems)
    page = render_template(
        "reporting/settings/monitoring.html",
        round_=round_,
        form=form,
        problems=problems,
        max_metrics=MAX_METRICS,
        locked_reason=LOCKED,
        # base.html says "Error:" itself when the form has errors; problems found by the service are the page's.
        title=f"{'Error: ' if problems and not form.errors else ''}Monitoring settings: {round_.name}",
        **context,
    )
    return page, (422 if has_errors else 200)
