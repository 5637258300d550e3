"""Assessment background jobs: a daily reminder to assessors with overdue scorecards."""

from __future__ import annotations

from huey import crontab

from fundapp.core.jobs import in_app_context
from fundapp.extensions import huey


@huey.periodic_task(crontab(hour="8", minute="0"))
@in_app_context
def remind_overdue_assessors() -> int:
    """Every morning (08:00 UTC): remind assessors whose scorecards are past their call's deadline."""
    from fundapp.assessment.services import send_overdue_reminders
    from fundapp.core.clock import utcnow
    from fundapp.core.transactions import commit_unit_of_work

    emailed = send_overdue_reminders(now=utcnow())
    commit_unit_of_work()
    return emailed
