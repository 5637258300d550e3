"""A call's monitoring settings: the metrics grantees report and the reports each award owes."""

from __future__ import annotations

from flask import abort

from fundapp.core.auth import signed_in
from fundapp.reporting import bp


@bp.route("/staff/calls/<int:round_id>/monitoring", methods=["GET", "POST"])
@signed_in
def round_monitoring(round_id: int):
    abort(501)  # TO BE BUILT
