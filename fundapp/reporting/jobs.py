"""Reporting background jobs: the daily reminder to grantees with reports due soon or overdue."""

from __future__ import annotations

from huey import crontab

from fundapp.core.jobs import in_app_context
from fundapp.extensions import huey


@huey.periodic_task(crontab(hour="7", minute="30"))
@in_app_context
def remind_grantees_about_reports() -> int:
    """Every morning (07:30 UTC): remind grantees of reports due within two weeks, and of overdue ones weekly."""
    from fundapp.core.clock import utcnow
    from fundapp.core.transactions import commit_unit_of_work
    from fundapp.reporting.services import send_report_reminders

    sent = send_report_reminders(now=utcnow())
    commit_unit_of_work()
    return sent.due_soon + sent.overdue
