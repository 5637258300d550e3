"""A GET may write one thing: the audit of what it showed (e.g. a staff download). Nothing else gets through."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.core.audit import AuditEvent, record_event, record_read_event
from fundapp.extensions import db
from tests.factories import UserFactory


def test_a_get_request_commits_the_audit_of_what_it_showed(app: Flask, db_session: Any) -> None:
    user = UserFactory()
    with app.test_request_context("/anything", method="GET"):
        event = record_read_event("thing.read", actor=user, subject=user, data={"what": "a file"})
    db.session.rollback()  # what was committed survives the end of the unit of work
    saved = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.id == event.id))
    assert saved is not None
    assert (saved.action, saved.actor_id, saved.data) == ("thing.read", user.id, {"what": "a file"})


def test_a_read_audit_refuses_to_commit_other_changes(app: Flask, db_session: Any) -> None:
    user = UserFactory()
    with app.test_request_context("/anything", method="GET"):
        user.full_name = "Changed while reading"
        with pytest.raises(RuntimeError, match="only change"):
            record_read_event("thing.read", actor=user, subject=user)


def test_a_get_request_still_cannot_commit_anything_else(app: Flask, db_session: Any) -> None:
    user = UserFactory()
    with app.test_request_context("/anything", method="GET"):
        record_event("thing.changed", actor=user)
        with pytest.raises(RuntimeError, match="must not change data"):
            db.session.commit()
