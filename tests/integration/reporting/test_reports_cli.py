"""`flask reports remind` sends what the daily job sends, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from fundapp.core.clock import to_london, utcnow
from fundapp.core.mail.models import OutboxMessage
from fundapp.extensions import db
from tests.factories import MembershipFactory, ReportFactory


def test_remind_emails_the_grantee_about_a_report_due_soon_and_an_overdue_one_once(app: Flask, db_session: Any) -> None:
    today = to_london(utcnow()).date()
    for due_on in (today + timedelta(days=5), today - timedelta(days=2)):
        report = ReportFactory(due_on=due_on)
        MembershipFactory(organisation=report.award.organisation)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["reports", "remind"])
    assert first.exit_code == 0, first.output
    assert "1 report due soon and 1 overdue" in first.output
    subjects = sorted(m.subject for m in db.session.scalars(sa.select(OutboxMessage)))
    assert any("is due soon" in s for s in subjects) and any("is overdue" in s for s in subjects)

    again = runner.invoke(args=["reports", "remind"])
    assert "0 reports due soon and 0 overdue" in again.output
