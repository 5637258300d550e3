"""Loading a call for the staff pages about its decisions and awards, with the access rule every one of them applies;
and sending an award letter, the same for staff and the organisation.

Applicants (and anyone without a staff role) must not learn these pages exist: 404. Staff know calls exist, so
staff without a say in this one are refused: 403. The call's finance officers see its decisions and awards; only
its fund managers (and admins) decide.
"""

from __future__ import annotations

from flask import Response
from flask_login import current_user

from fundapp.accounts.permissions import is_staff
from fundapp.awards import permissions, queries
from fundapp.awards.models import Award
from fundapp.core import storage
from fundapp.core.audit import record_read_event
from fundapp.core.auth import authorize
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.models import Round


def viewed_round(round_id: int) -> Round:
    """The call, for staff who see its decisions and awards: 404 for people who are not staff, 403 for other
    staff."""
    round_ = programme_queries.get_round(round_id)
    authorize(permissions.can_view_awards(current_user, round_), hide=not is_staff(current_user))
    return round_


def decided_round(round_id: int) -> Round:
    """The call, for the people who decide its applications (finance officers may look, not change: 403)."""
    round_ = viewed_round(round_id)
    authorize(permissions.can_decide(current_user, round_))
    return round_


def send_letter(award: Award, version: int) -> Response:
    """Send one version of the award's letter (404 if there is no such version or its file is missing), recording
    who read it: every reading of an offer is part of its record. The caller has checked who may read it."""
    document = queries.get_letter(award_id=award.id, version=version)
    storage.require_stored_file(document.storage_key, what=f"Award letter {document.id}")
    record_read_event(
        "award_letter.downloaded",
        actor=current_user,
        subject=award,
        data={"document_id": document.id, "version": document.version, "sha256": document.sha256},
    )
    return storage.send_stored_file(document.storage_key, download_name=document.filename, mimetype="application/pdf")
