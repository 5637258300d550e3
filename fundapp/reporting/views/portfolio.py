"""The portfolio: reported results rolled up across a call or a fund, by theme and by borough, against targets."""

from __future__ import annotations

from flask import abort

from fundapp.core.auth import signed_in
from fundapp.reporting import bp


@bp.get("/staff/calls/<int:round_id>/portfolio")
@signed_in
def round_portfolio(round_id: int):
    abort(501)  # TO BE BUILT


@bp.get("/staff/funds/<int:fund_id>/portfolio")
@signed_in
def fund_portfolio(fund_id: int):
    abort(501)  # TO BE BUILT
