"""Personal data: a person downloads everything held about them (their own, never anyone else's), and an admin
removes an organisation's personal data once its retention period has passed (anonymisation.py says what goes)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts import queries as account_queries
from fundapp.accounts.permissions import is_admin
from fundapp.core import storage
from fundapp.core.auth import requires, signed_in
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.reporting import anonymisation, bp, personal_data
from fundapp.reporting.forms.personal_data import AnonymiseForm


@bp.get("/account/your-data")
@signed_in
def your_data():
    return render_template("reporting/personal_data/your_data.html", title="Download your data")


@bp.get("/account/your-data/download")
@signed_in
def your_data_download():
    result = personal_data.download_personal_data(
        actor=current_user._get_current_object(), service_name=current_app.config["SERVICE_NAME"]
    )
    return storage.send_bytes(result.data, download_name=result.filename, mimetype="application/zip")


@bp.get("/admin/personal-data")
@requires(is_admin)
def admin_personal_data():
    search = request.args.get("q", "").strip()[:200]
    years = anonymisation.retention_years()
    found = anonymisation.find_organisations(search) if search else []
    return render_template(
        "reporting/personal_data/admin_list.html",
        due=anonymisation.list_due_for_anonymisation(now=utcnow(), years=years),
        search=search,
        found=found,
        found_retention=anonymisation.list_retention([o.id for o in found], years=years) if found else {},
        years=years,
        title="Personal data past its retention period",
    )


@bp.route("/admin/organisations/<int:organisation_id>/remove-personal-data", methods=["GET", "POST"])
@requires(is_admin)
@commits
@keeps_input_on_csrf_error
def admin_anonymise(organisation_id: int):
    organisation = account_queries.get_organisation(organisation_id)
    years = anonymisation.retention_years()
    form = AnonymiseForm()
    if form.validate_on_submit():
        try:
            removed = anonymisation.anonymise_organisation(
                actor=current_user, organisation=organisation, reason=form.reason.data or "", years=years
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(
                f"The personal data of {organisation.name} has been removed "
                f"({removed['people']} people, {removed['answers']} answers, {removed['files']} files).",
                "success",
            )
            return redirect(url_for("reporting.admin_personal_data"))
    return render_template(
        "reporting/personal_data/anonymise.html",
        organisation=organisation,
        retention=anonymisation.get_retention(organisation, years=years),
        now=utcnow(),
        years=years,
        form=form,
        max_chars=anonymisation.REASON_MAX_CHARS,
        title=f"Remove the personal data of {organisation.name}",
    )
