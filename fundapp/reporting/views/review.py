"""Staff review of monitoring reports: a call's reports, one report with its history, approving or asking for
changes."""

from __future__ import annotations

from flask import abort

from fundapp.core.auth import signed_in
from fundapp.reporting import bp


@bp.get("/staff/calls/<int:round_id>/reports")
@signed_in
def round_reports(round_id: int):
    abort(501)  # TO BE BUILT


@bp.get("/staff/reports/<int:report_id>")
@signed_in
def review_report(report_id: int):
    abort(501)  # TO BE BUILT


@bp.post("/staff/reports/<int:report_id>/approve")
@signed_in
def approve_report(report_id: int):
    abort(501)  # TO BE BUILT


@bp.post("/staff/reports/<int:report_id>/request-changes")
@signed_in
def request_report_changes(report_id: int):
    abort(501)  # TO BE BUILT
