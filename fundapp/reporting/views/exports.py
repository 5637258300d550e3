"""Finance exports of the award register: asking for one, its progress, its problems and the download."""

from __future__ import annotations

from flask import abort

from fundapp.core.auth import signed_in
from fundapp.reporting import bp


@bp.route("/staff/exports", methods=["GET", "POST"])
@signed_in
def exports():
    abort(501)  # TO BE BUILT


@bp.get("/staff/exports/<int:export_id>")
@signed_in
def export_status(export_id: int):
    abort(501)  # TO BE BUILT


@bp.get("/staff/exports/<int:export_id>/download")
@signed_in
def export_download(export_id: int):
    abort(501)  # TO BE BUILT
