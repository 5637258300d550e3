"""Staff pages for a call's set-up: tiers, themes, scoring criteria, who can apply, the application form, copying,
and how it is assessed (assessment settings, which stay open to change after applications arrive).

Every page is for the call's fund managers and admins (rounds.managed_round). Tiers, themes, criteria and the
form are locked by the services once an application has been submitted; the pages say so instead of offering
changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts.forms import ConfirmForm
from fundapp.core.auth import signed_in
from fundapp.core.errors import DomainError
from fundapp.core.forms import Form, add_domain_error, keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.programmes import bp, permissions, queries, question_sets, services
from fundapp.programmes.forms import (
    AssessmentSettingsForm,
    CopyFromCallForm,
    CriterionForm,
    EligibilityForm,
    ThemeForm,
    TierForm,
    previous_call,
)
from fundapp.programmes.models import Criterion, Round
from fundapp.programmes.services import CriterionSpec, DescriptorSpec, ThemeSpec, TierSpec
from fundapp.programmes.views.rounds import managed_round


def _locked(round_: Round) -> bool:
    return round_.last_application_number > 0


def _row_of(rows: list[Any], row_id: int) -> Any:
    """The round's row with this id (a tier, theme or criterion); 404 for one that is not the round's."""
    row = next((r for r in rows if r.id == row_id), None)
    if row is None:
        abort(404)
    return row


def _other_calls(round_: Round) -> list[Round]:
    """The calls this person may see, other than this one, newest first: what they may copy from."""
    return [r for r in queries.list_rounds() if r.id != round_.id and permissions.can_view_round(current_user, r)]


@dataclass(frozen=True)
class _NamedList:
    """A list of a call's named items (tiers, themes) that one page adds to and removes from."""

    attribute: str  # the round's relationship and the name of the service's argument
    spec: Any  # TierSpec or ThemeSpec: .of(row) gives a stored row's plain values
    replace: Callable[..., None]  # services.replace_tiers or replace_themes
    form: type[Form]
    new_spec: Callable[[Any], Any]  # the new item's plain values from the validated form
    errors_at: str  # the form field that shows the service's refusals
    template: str
    title: str

    @property
    def page(self) -> str:
        return f"programmes.round_{self.attribute}"


TIERS = _NamedList(
    attribute="tiers",
    spec=TierSpec,
    replace=services.replace_tiers,
    form=TierForm,
    new_spec=lambda form: TierSpec(
        form.name.data.strip(), form.min_grant.pence, form.max_grant.pence, form.match_funding_percent.number
    ),
    # The tier rules (more than £0, smallest not above largest, no overlap) are about the amounts.
    errors_at="min_grant",
    template="programmes/round_tiers.html",
    title="Tiers",
)
THEMES = _NamedList(
    attribute="themes",
    spec=ThemeSpec,
    replace=services.replace_themes,
    form=ThemeForm,
    new_spec=lambda form: ThemeSpec(form.name.data.strip(), (form.description.data or "").strip()),
    errors_at="name",
    template="programmes/round_themes.html",
    title="Themes",
)


def _add_item(round_id: int, kind: _NamedList):
    """The list page: show the items and add one by giving the service the whole new list."""
    round_ = managed_round(round_id)
    rows = getattr(round_, kind.attribute)
    form = kind.form(taken=[row.name for row in rows])
    if form.validate_on_submit():
        new = kind.new_spec(form)
        try:
            kind.replace(actor=current_user, round_=round_, **{kind.attribute: [*map(kind.spec.of, rows), new]})
        except DomainError as exc:
            add_domain_error(form, exc, {kind.attribute: kind.errors_at})
        else:
            flash(f"{new.name} has been added.", "success")
            return redirect(url_for(kind.page, round_id=round_.id))
    return render_template(
        kind.template, form=form, round_=round_, locked=_locked(round_), title=f"{kind.title}: {round_.name}"
    )


def _confirmed(action: Callable[[], object], done: str) -> None:
    """Run a one-button action (its form is only the CSRF token) and say how it went on the next page."""
    if ConfirmForm().validate_on_submit():
        try:
            action()
        except DomainError as exc:
            flash(exc.message)
        else:
            flash(done, "success")


def _remove_item(round_id: int, row_id: int, kind: _NamedList):
    """Remove one item by giving the service the list without it, then go back to the list."""
    round_ = managed_round(round_id)
    rows = getattr(round_, kind.attribute)
    name = _row_of(rows, row_id).name
    kept = [kind.spec.of(r) for r in rows if r.id != row_id]
    _confirmed(
        lambda: kind.replace(actor=current_user, round_=round_, **{kind.attribute: kept}), f"{name} has been removed."
    )
    return redirect(url_for(kind.page, round_id=round_.id))


@bp.route("/staff/calls/<int:round_id>/tiers", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def round_tiers(round_id: int):
    return _add_item(round_id, TIERS)


@bp.post("/staff/calls/<int:round_id>/tiers/<int:tier_id>/remove")
@signed_in
@commits
def round_remove_tier(round_id: int, tier_id: int):
    return _remove_item(round_id, tier_id, TIERS)


@bp.route("/staff/calls/<int:round_id>/themes", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def round_themes(round_id: int):
    return _add_item(round_id, THEMES)


@bp.post("/staff/calls/<int:round_id>/themes/<int:theme_id>/remove")
@signed_in
@commits
def round_remove_theme(round_id: int, theme_id: int):
    return _remove_item(round_id, theme_id, THEMES)


# --- scoring criteria: one at a time, since each has its own descriptors --------------------------------

# The lock (field 'criteria') is shown at the name; descriptor rules concern the chosen scale.
CRITERION_FIELDS = {"criteria": "name", "descriptors": "scale"}


def _criterion_spec(form: CriterionForm) -> CriterionSpec:
    scale = form.chosen_scale()
    assert scale is not None and form.weight.number is not None  # nosec B101  # the form has validated both
    return CriterionSpec(
        name=form.name.data.strip(),
        weight=form.weight.number,
        scale_min=scale[0],
        scale_max=scale[1],
        guidance=(form.guidance.data or "").strip(),
        descriptors=tuple(DescriptorSpec(*point) for point in form.descriptors()),
    )


def _criterion_page(
    round_: Round,
    form: CriterionForm,
    save: Callable[[CriterionSpec], object],
    *,
    done: str,
    template: str,
    title: str,
    criterion: Criterion | None = None,
):
    """Save the validated criterion with `save` and go back to the list, or show the page with what went wrong."""
    if form.validate_on_submit():
        spec = _criterion_spec(form)
        try:
            save(spec)
        except DomainError as exc:
            add_domain_error(form, exc, CRITERION_FIELDS)
        else:
            flash(f"{spec.name} has been {done}.", "success")
            return redirect(url_for("programmes.round_criteria", round_id=round_.id))
    others = [c for c in round_.criteria if c is not criterion]
    return render_template(
        template,
        form=form,
        round_=round_,
        criterion=criterion,
        locked=_locked(round_),
        total=sum(c.weight for c in round_.criteria),
        left=100 - sum(c.weight for c in others),  # the most this criterion may weigh
        title=f"{title}: {round_.name}",
    )


@bp.route("/staff/calls/<int:round_id>/criteria", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def round_criteria(round_id: int):
    round_ = managed_round(round_id)
    return _criterion_page(
        round_,
        CriterionForm(taken=[c.name for c in round_.criteria]),
        lambda spec: services.add_criterion(actor=current_user, round_=round_, spec=spec),
        done="added",
        template="programmes/round_criteria.html",
        title="Scoring criteria",
    )


@bp.route("/staff/calls/<int:round_id>/criteria/<int:criterion_id>", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def round_edit_criterion(round_id: int, criterion_id: int):
    round_ = managed_round(round_id)
    criterion = _row_of(round_.criteria, criterion_id)
    form = CriterionForm(obj=criterion, taken=[c.name for c in round_.criteria if c is not criterion])
    if request.method == "GET":
        form.show_stored(criterion)
    return _criterion_page(
        round_,
        form,
        lambda spec: services.update_criterion(actor=current_user, criterion=criterion, spec=spec),
        done="saved",
        template="programmes/round_edit_criterion.html",
        title=f"Change {criterion.name}",
        criterion=criterion,
    )


@bp.post("/staff/calls/<int:round_id>/criteria/<int:criterion_id>/remove")
@signed_in
@commits
def round_remove_criterion(round_id: int, criterion_id: int):
    round_ = managed_round(round_id)
    criterion = _row_of(round_.criteria, criterion_id)
    _confirmed(
        lambda: services.remove_criterion(actor=current_user, criterion=criterion),
        f"{criterion.name} has been removed.",
    )
    return redirect(url_for("programmes.round_criteria", round_id=round_.id))


@bp.route("/staff/calls/<int:round_id>/eligibility", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def round_eligibility(round_id: int):
    round_ = managed_round(round_id)
    form = EligibilityForm(obj=round_)
    form.set_file_questions(question_sets.file_questions(round_.question_set))
    if form.validate_on_submit():
        try:
            services.update_round(
                actor=current_user,
                round_=round_,
                eligible_legal_types=form.eligible_legal_types.data,
                required_documents=form.required_documents.data,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash("Who can apply and the documents they must send have been saved.", "success")
            return redirect(url_for("programmes.round_detail", round_id=round_.id))
    return render_template(
        "programmes/round_eligibility.html", form=form, round_=round_, title=f"Who can apply: {round_.name}"
    )


@bp.route("/staff/calls/<int:round_id>/application-form", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def round_application_form(round_id: int):
    round_ = managed_round(round_id)
    others = _other_calls(round_)
    form = CopyFromCallForm()
    form.set_calls(others, default=previous_call(others, round_))
    if form.validate_on_submit():
        source = queries.get_round(form.chosen_id())
        try:
            services.copy_question_set(actor=current_user, from_round=source, to_round=round_)
        except DomainError as exc:
            add_domain_error(form, exc, {"question_set": "from_round"})
        else:
            flash(f"The application form of {source.name} ({source.code}) has been copied.", "success")
            return redirect(url_for("programmes.round_application_form", round_id=round_.id))
    return render_template(
        "programmes/round_application_form.html",
        form=form,
        round_=round_,
        locked=_locked(round_),
        title=f"Application form: {round_.name}",
    )


@bp.post("/staff/calls/<int:round_id>/application-form/default")
@signed_in
@commits
def round_default_form(round_id: int):
    round_ = managed_round(round_id)
    _confirmed(
        lambda: services.load_question_set(
            actor=current_user, round_=round_, data=question_sets.default_question_set()
        ),
        "The default Shared Endeavour Fund application form has been loaded.",
    )
    return redirect(url_for("programmes.round_application_form", round_id=round_.id))


@bp.route("/staff/calls/<int:round_id>/copy-set-up", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def round_copy_setup(round_id: int):
    round_ = managed_round(round_id)
    others = _other_calls(round_)
    form = CopyFromCallForm()
    form.set_calls(others, default=previous_call(others, round_))
    if form.validate_on_submit():
        source = queries.get_round(form.chosen_id())
        try:
            services.copy_setup(actor=current_user, from_round=source, to_round=round_)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(
                f"The set-up of {source.name} ({source.code}) has been copied. The dates, budget and project window "
                "are this call's own: check them.",
                "success",
            )
            return redirect(url_for("programmes.round_detail", round_id=round_.id))
    return render_template(
        "programmes/round_copy_setup.html",
        form=form,
        round_=round_,
        locked=_locked(round_),
        title=f"Copy the set-up from another call: {round_.name}",
    )


@bp.route("/staff/calls/<int:round_id>/assessment-settings", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def round_assessment_settings(round_id: int):
    round_ = managed_round(round_id)
    form = AssessmentSettingsForm()
    if request.method == "GET":
        form.show_stored(round_)
    if form.validate_on_submit():
        settings = services.AssessmentSettings(
            assessors_per_application=form.assessors_per_application.number,
            spread_points=form.spread_points.number,
            spread_percent=form.spread_percent.number,
            min_fundable_percent=form.min_fundable_percent.number,
            blind_review=form.blind_review.chosen,
            allow_not_applicable=form.allow_not_applicable.chosen,
            assessment_deadline=form.deadline(),
        )
        try:
            services.update_assessment_settings(actor=current_user, round_=round_, settings=settings)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash("The assessment settings have been saved.", "success")
            return redirect(url_for("programmes.round_detail", round_id=round_.id, _anchor="assessment"))
    return render_template(
        "programmes/round_assessment_settings.html",
        form=form,
        round_=round_,
        title=f"Assessment settings: {round_.name}",
    )
