"""Bulk award letters for a call: how many awards are ready, start a batch, watch its progress, download its ZIP.

Access as on the other awards staff pages (views.loading): applicants and other non-staff get 404, staff without a
role on the call 403. The call's finance officers may watch a batch and download its ZIP: they pay against these
letters and already see every issued letter on the award pages, so the ZIP shows them nothing new. Only the call's
fund managers (and admins) start a batch (a POST from anyone else is refused with 403).
"""

from __future__ import annotations

import re

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.awards import bp, permissions, queries, services
from fundapp.awards.forms.batches import StartLetterBatchForm
from fundapp.awards.models import LetterBatch
from fundapp.awards.states import BatchStatus
from fundapp.awards.views.loading import viewed_round
from fundapp.core import storage
from fundapp.core.audit import record_read_event
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error
from fundapp.core.limits import by_user, limited
from fundapp.core.transactions import commits
from fundapp.core.uploads import format_file_size
from fundapp.programmes.models import Round

BATCH_LABELS = {
    BatchStatus.QUEUED: "Waiting to start",
    BatchStatus.RUNNING: "Issuing letters",
    BatchStatus.DONE: "Finished",
    BatchStatus.FAILED: "Failed",
}
BATCH_TAG_CLASSES = {
    BatchStatus.QUEUED: "govuk-tag--grey",
    BatchStatus.RUNNING: "govuk-tag--blue",
    BatchStatus.DONE: "govuk-tag--green",
    BatchStatus.FAILED: "govuk-tag--red",
}
FINISHED = (BatchStatus.DONE, BatchStatus.FAILED)


def _zip_url(batch: LetterBatch) -> str | None:
    if batch.zip_storage_key is None:
        return None
    return url_for("awards.letter_batch_zip", round_id=batch.round_id, batch_id=batch.id)


def _zip_label(batch: LetterBatch) -> str:
    return f"Download the letters (ZIP, {format_file_size(batch.zip_size_bytes or 0)})"


def _progress_text(batch: LetterBatch) -> str:
    text = f"{batch.done} of {batch.total} letter{'' if batch.total == 1 else 's'} issued"
    if batch.failed:
        text += f"; {batch.failed} could not be issued"
    return text


@bp.app_template_global()
def batch_label(status: BatchStatus) -> str:
    return BATCH_LABELS[status]


@bp.app_template_global()
def batch_tag_class(status: BatchStatus) -> str:
    return BATCH_TAG_CLASSES[status]


def _render_batches(round_: Round, form: StartLetterBatchForm, status: int = 200):
    batches = queries.list_batches(round_.id)
    active = next((b for b in batches if b.status not in FINISHED), None)
    return render_template(
        "awards/letter_batches.html",
        round_=round_,
        plan=services.plan_letter_batch(round_),
        batches=batches,
        active=active,
        form=form,
        can_start=permissions.can_decide(current_user, round_),
        zip_url=_zip_url,
        progress_text=_progress_text,
        title=f"{'Error: ' if form.errors else ''}Award letters: {round_.name}",
    ), status


@bp.route("/staff/calls/<int:round_id>/letters", methods=["GET", "POST"])
@signed_in
@limited("RATELIMIT_LETTER_BATCH_PER_USER", by_user)
@commits
def letter_batches(round_id: int):
    round_ = viewed_round(round_id)
    form = StartLetterBatchForm()
    if request.method == "POST":
        authorize(permissions.can_decide(current_user, round_))
        if form.validate_on_submit():
            try:
                batch = services.start_letter_batch(actor=current_user, round_=round_, now=utcnow())
            except DomainError as exc:
                add_domain_error(form, exc, {"": "submit"})  # the refusal belongs to the button: shown in the summary
            else:
                return redirect(url_for("awards.letter_batch", round_id=round_.id, batch_id=batch.id))
        return _render_batches(round_, form, 422)
    return _render_batches(round_, form)


def _viewed_batch(round_id: int, batch_id: int) -> tuple[Round, LetterBatch]:
    round_ = viewed_round(round_id)
    return round_, queries.get_batch(round_id=round_.id, batch_id=batch_id)


@bp.get("/staff/calls/<int:round_id>/letters/<int:batch_id>")
@signed_in
def letter_batch(round_id: int, batch_id: int):
    round_, batch = _viewed_batch(round_id, batch_id)
    return render_template(
        "awards/letter_batch.html",
        round_=round_,
        batch=batch,
        finished=batch.status in FINISHED,
        progress_text=_progress_text(batch),
        failures=[line for line in (batch.error or "").splitlines() if line.strip()],
        zip_url=_zip_url(batch),
        zip_label=_zip_label(batch),
        title=f"Award letters, run {batch.id}: {round_.name}",
    )


@bp.get("/staff/calls/<int:round_id>/letters/<int:batch_id>/status.json")
@signed_in
def letter_batch_status(round_id: int, batch_id: int):
    _round, batch = _viewed_batch(round_id, batch_id)
    response = jsonify(
        status=batch.status.value,
        done=batch.done,
        failed=batch.failed,
        total=batch.total,
        percent=(100 * batch.done // batch.total) if batch.total else 100,
        zip_url=_zip_url(batch),
        zip_label=_zip_label(batch) if batch.zip_storage_key else None,
        text=_progress_text(batch),
        label=BATCH_LABELS[batch.status],
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _zip_name(round_: Round, batch: LetterBatch) -> str:
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", round_.code).strip("-") or "call"
    return f"{code}-award-letters-{batch.id}.zip"


@bp.get("/staff/calls/<int:round_id>/letters/<int:batch_id>/letters.zip")
@signed_in
def letter_batch_zip(round_id: int, batch_id: int):
    round_, batch = _viewed_batch(round_id, batch_id)
    if batch.zip_storage_key is None:
        abort(404)
    storage.require_stored_file(batch.zip_storage_key, what=f"Letter batch {batch.id}'s ZIP")
    key, name = batch.zip_storage_key, _zip_name(round_, batch)
    record_read_event(
        "letters.batch_downloaded",
        actor=current_user,
        subject=batch,
        data={"round_id": round_.id, "size_bytes": batch.zip_size_bytes},
    )
    return storage.send_stored_file(key, download_name=name, mimetype="application/zip")
