"""Liveness checks for the health endpoint."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError


def database_is_reachable() -> bool:
    """True when a trivial query succeeds on the app's database."""
    from fundapp.extensions import db

    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True
