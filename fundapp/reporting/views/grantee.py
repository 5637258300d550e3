"""A grantee's monitoring reports: the list, each report's sections (save and return), evidence, check and submit."""

from __future__ import annotations

from flask import abort

from fundapp.core.auth import signed_in
from fundapp.reporting import bp


@bp.get("/reports")
@signed_in
def grantee_reports():
    abort(501)  # TO BE BUILT


@bp.get("/reports/<int:report_id>")
@signed_in
def grantee_report(report_id: int):
    abort(501)  # TO BE BUILT


@bp.route("/reports/<int:report_id>/sections/<section>", methods=["GET", "POST"])
@signed_in
def grantee_report_section(report_id: int, section: str):
    abort(501)  # TO BE BUILT


@bp.route("/reports/<int:report_id>/evidence", methods=["GET", "POST"])
@signed_in
def grantee_report_evidence(report_id: int):
    abort(501)  # TO BE BUILT


@bp.post("/reports/<int:report_id>/evidence/<int:evidence_id>/remove")
@signed_in
def grantee_remove_evidence(report_id: int, evidence_id: int):
    abort(501)  # TO BE BUILT


@bp.get("/reports/<int:report_id>/evidence/<int:evidence_id>")
@signed_in
def report_evidence_file(report_id: int, evidence_id: int):
    abort(501)  # TO BE BUILT


@bp.route("/reports/<int:report_id>/submit", methods=["GET", "POST"])
@signed_in
def grantee_report_submit(report_id: int):
    abort(501)  # TO BE BUILT
