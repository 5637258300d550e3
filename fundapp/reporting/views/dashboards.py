"""Dashboards for fund managers and finance: per call and per fund, and where the money goes across London."""

from __future__ import annotations

from flask import abort

from fundapp.core.auth import signed_in
from fundapp.reporting import bp


@bp.get("/staff/calls/<int:round_id>/dashboard")
@signed_in
def round_dashboard(round_id: int):
    abort(501)  # TO BE BUILT


@bp.get("/staff/funds/<int:fund_id>/dashboard")
@signed_in
def fund_dashboard(fund_id: int):
    abort(501)  # TO BE BUILT


@bp.get("/staff/calls/<int:round_id>/boroughs")
@signed_in
def round_boroughs(round_id: int):
    abort(501)  # TO BE BUILT


@bp.get("/staff/funds/<int:fund_id>/boroughs")
@signed_in
def fund_boroughs(fund_id: int):
    abort(501)  # TO BE BUILT
