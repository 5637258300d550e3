"""Fund managers' pages for moderation and the ranking (with its CSV export).

The call's staff who may see its assessment (its fund managers, finance officers and admins) see these pages;
only fund managers (and admins) change anything. Applicants never learn the pages exist (404); other staff are
refused (403). An application's moderation page is, like its other staff pages, 404 to anyone who may not see
the call's assessment: an application's existence is the organisation's business.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts.forms import ConfirmForm
from fundapp.accounts.permissions import is_staff
from fundapp.applications import queries as application_queries
from fundapp.applications.models import Application
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment import bp, permissions, queries, scoring, services
from fundapp.assessment.forms.moderation import ModerationForm, RankingFiltersForm, moderation_form
from fundapp.assessment.models import Assessment, Moderation
from fundapp.assessment.ranking import Ranking, RankingFilters, build_ranking, export_table
from fundapp.assessment.states import (
    MODERATION_LABELS,
    MODERATION_TAG_CLASSES,
    RECOMMENDATION_LABELS,
    AssessmentStatus,
    ModerationStatus,
)
from fundapp.assessment.views.loading import managed_round, viewed_round
from fundapp.core import storage
from fundapp.core.audit import record_read_event
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import london_today
from fundapp.core.errors import DomainError
from fundapp.core.forms import keeps_input_on_csrf_error
from fundapp.core.spreadsheets import csv_bytes
from fundapp.core.transactions import commits
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.models import Criterion, Round

# The moderation queue: flagged first, then those whose mean needs confirming, then those done.
QUEUE_ORDER = {ModerationStatus.FLAGGED: 0, ModerationStatus.PENDING: 1, ModerationStatus.RESOLVED: 2}
WAITING = (AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS)


# --- the moderation queue --------------------------------------------------------------------------------


def _queue_rows(round_: Round) -> tuple[list[dict[str, Any]], int]:
    """Each moderation with its application's current score, in queue order; and how many of those waiting for
    their mean to be confirmed can be confirmed now (every assessor has submitted)."""
    moderations = queries.list_round_moderations(round_.id)
    submitted: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in queries.list_submitted_scorecards([m.application_id for m in moderations]):
        submitted[assessment.application_id].append(assessment)
    waiting = {a.application_id for a in queries.list_round_assessments(round_.id) if a.status in WAITING}
    rows = [
        {
            "moderation": m,
            "application": m.application,
            "score": scoring.format_percent(services.final_percent(m.application, submitted[m.application_id], m)),
            "label": MODERATION_LABELS[m.status],
            "tag_class": MODERATION_TAG_CLASSES[m.status],
        }
        for m in sorted(moderations, key=lambda m: QUEUE_ORDER[m.status])
    ]
    confirmable = sum(
        1
        for m in moderations
        if m.status == ModerationStatus.PENDING
        and m.application.status == ApplicationStatus.ASSESSED
        and m.application_id not in waiting
    )
    return rows, confirmable


@bp.get("/staff/calls/<int:round_id>/moderation")
@signed_in
def moderation_queue(round_id: int):
    round_ = viewed_round(round_id)
    rows, confirmable = _queue_rows(round_)
    return render_template(
        "assessment/moderation_queue.html",
        round_=round_,
        rows=rows,
        confirmable=confirmable,
        flagged=sum(1 for r in rows if r["moderation"].status == ModerationStatus.FLAGGED),
        can_manage=permissions.can_manage_assessment(current_user, round_),
        title=f"Moderation: {round_.name}",
    )


@bp.post("/staff/calls/<int:round_id>/moderation/start")
@signed_in
@commits
def start_moderation(round_id: int):
    round_ = managed_round(round_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.start_moderation(actor=current_user, round_=round_)
        except DomainError as exc:
            flash(exc.message)
        else:
            flash("Moderation has started. Assessors can no longer reopen their submitted scorecards.", "success")
    return redirect(url_for("assessment.moderation_queue", round_id=round_.id))


@bp.post("/staff/calls/<int:round_id>/moderation/confirm-unflagged")
@signed_in
@commits
def confirm_unflagged(round_id: int):
    round_ = managed_round(round_id)
    if ConfirmForm().validate_on_submit():
        try:
            count = services.confirm_unflagged(actor=current_user, round_=round_)
        except DomainError as exc:
            flash(exc.message)
        else:
            if count:
                flash(f"Confirmed {count} application{'s' if count != 1 else ''}", "success")
            else:
                flash("No unflagged application was waiting for its mean score to be confirmed")
    return redirect(url_for("assessment.moderation_queue", round_id=round_.id))


# --- moderating one application ----------------------------------------------------------------------------


def _moderated_application(application_id: int) -> tuple[Application, Round]:
    """The application and its call, if the person may see the call's assessment and the application takes part
    in it; 404 otherwise (drafts and other calls' applications are not theirs to know of)."""
    application = application_queries.get_application(application_id)
    round_ = programme_queries.get_round(application.round_id)
    authorize(
        is_staff(current_user)
        and permissions.can_view_assessment(current_user, round_)
        and application.status in queries.IN_ASSESSMENT_PIPELINE,
        hide=True,
    )
    return application, round_


def _justification(criterion: Criterion, assessment: Assessment) -> str:
    row = assessment.score_for(criterion.id)
    return row.justification if row is not None else ""


def _score_text(criterion: Criterion, assessment: Assessment) -> str:
    row = assessment.score_for(criterion.id)
    if row is None or (row.score is None and not row.not_applicable):
        return "Not scored"
    if row.not_applicable:
        return "Not applicable"
    label = next((d.label for d in criterion.descriptors if d.score == row.score), "")
    return f"{row.score} – {label}" if label else str(row.score)


def _why_not_moderatable(
    round_: Round, application: Application, moderation: Moderation | None, waiting: int
) -> str | None:
    """Why the page cannot take a moderator's scores now (None when it can)."""
    if waiting:
        return (
            f"{waiting} assessor{'s have' if waiting != 1 else ' has'} not submitted a scorecard yet. "
            "It can be moderated once every assessor has."
        )
    if moderation is None:
        return "It can be moderated once all its assessors have submitted their scorecards."
    if moderation.status == ModerationStatus.RESOLVED:
        return None
    if round_.moderation_started_at is None:
        return "Start moderation for the call, on the moderation page, before moderating applications."
    if application.status != ApplicationStatus.ASSESSED:
        return "This application is not waiting for moderation."
    return None


def _moderation_context(
    round_: Round, application: Application, moderation: Moderation | None, submitted: list[Assessment]
) -> dict[str, Any]:
    """What the moderation page shows: the scorecards side by side, each assessor's overall view, the scores."""
    scorecards = [services.scores_of(a) for a in submitted]
    means = scoring.criterion_means(round_.criteria, scorecards)
    numbered = list(enumerate(submitted, start=1))
    return {
        "means": means,
        "assessors": numbered,
        "criteria": [
            {
                "criterion": c,
                "cells": [(_score_text(c, a), _justification(c, a)) for a in submitted],
                "mean": scoring.format_points(means.get(c.id)),
                "moderated": moderation.score_for(c.id) if moderation is not None else None,
            }
            for c in round_.criteria
        ],
        "overall": [
            (
                number,
                a,
                RECOMMENDATION_LABELS[a.recommendation] if a.recommendation else "",
                scoring.format_percent(scoring.assessment_percent(round_.criteria, scores)),
            )
            for (number, a), scores in zip(numbered, scorecards, strict=True)
        ],
        "mean_score": scoring.format_percent(services.final_percent(application, submitted, None)),
        "final_score": scoring.format_percent(services.final_percent(application, submitted, moderation)),
        "status_label": MODERATION_LABELS[moderation.status] if moderation is not None else "",
        "status_tag_class": MODERATION_TAG_CLASSES[moderation.status] if moderation is not None else "",
    }


@bp.route("/staff/applications/<int:application_id>/moderation", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def moderate(application_id: int):
    application, round_ = _moderated_application(application_id)
    can_manage = permissions.can_manage_assessment(current_user, round_)
    if request.method == "POST":
        authorize(can_manage)
    moderation = queries.find_moderation(application.id)
    context = _moderation_context(round_, application, moderation, queries.list_submitted_scorecards([application.id]))
    waiting = sum(1 for a in queries.list_application_assessments(application.id) if a.status in WAITING)
    why_not = _why_not_moderatable(round_, application, moderation, waiting)
    form = moderation_form(round_.criteria, context["means"])
    problems: list[str] = []
    if form.validate_on_submit():
        problems = _resolve(form, moderation, why_not)
        if not problems and not form.errors:
            return redirect(url_for("assessment.moderation_queue", round_id=round_.id))
    return render_template(
        "assessment/moderation_application.html",
        application=application,
        round_=round_,
        moderation=moderation,
        form=form,
        problems=problems,
        why_not=why_not,
        can_moderate=can_manage and why_not is None and moderation.status != ModerationStatus.RESOLVED,
        # The page is named as its h1 names it, with the reference (base.html says "Error: " when a field has one).
        title=f"{'Error: ' if problems and not form.errors else ''}Moderate: "
        f"{application.project_title or 'Untitled project'} ({application.reference})",
        **context,
    )


def _resolve(form: ModerationForm, moderation: Moderation | None, why_not: str | None) -> list[str]:
    """Resolve the moderation with what was posted; returns the problems that belong to no field (the form's
    fields get theirs). A success leaves both empty, and says so in a banner."""
    if moderation is None:
        return [why_not or "This application is not waiting for moderation."]
    entries = {cid: services.ModeratedEntry(choice, reason) for cid, (choice, reason) in form.entries().items()}
    try:
        score = services.resolve_moderation(
            actor=current_user, moderation=moderation, entries=entries, note=form.note.data or ""
        )
    except services.FormErrors as exc:
        return form.show_errors(exc.errors)
    except DomainError as exc:
        return [exc.message]
    reference = moderation.application.reference
    flash(f"{reference} has been moderated. Its final score is {score}.", "success")
    return []


# --- the ranking -------------------------------------------------------------------------------------------


def _filtered(result: Ranking) -> tuple[RankingFiltersForm, RankingFilters]:
    form = RankingFiltersForm(request.args, themes=result.themes, tiers=result.tiers, boroughs=result.boroughs)
    form.validate()
    return form, form.filters()


@bp.get("/staff/calls/<int:round_id>/ranking")
@signed_in
def ranking(round_id: int):
    round_ = viewed_round(round_id)
    result = build_ranking(round_)
    form, filters = _filtered(result)
    return render_template(
        "assessment/ranking.html",
        round_=round_,
        ranking=result,
        rows=result.shown(filters),
        filters=filters,
        form=form,
        csv_url=url_for("assessment.ranking_csv", round_id=round_.id, **filters.describe()),
        title=f"Ranking: {round_.name}",
    )


@bp.get("/staff/calls/<int:round_id>/ranking.csv")
@signed_in
def ranking_csv(round_id: int):
    round_ = viewed_round(round_id)
    result = build_ranking(round_)
    _form, filters = _filtered(result)
    rows = result.shown(filters)
    header, table = export_table(rows)
    record_read_event(
        "ranking.exported",
        actor=current_user,
        subject=round_,
        data={"filters": filters.describe(), "rows": len(rows)},
    )
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", round_.code)
    filename = f"{code}-ranking-{london_today().isoformat()}.csv"
    return storage.send_bytes(csv_bytes(header, table), download_name=filename, mimetype="text/csv")
