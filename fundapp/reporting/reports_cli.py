"""`flask reports remind`: send the monitoring-report reminders now (what the worker's daily job does), for a
service run without a worker or to catch up after one was down."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from fundapp.core.clock import utcnow
from fundapp.core.transactions import commit_unit_of_work
from fundapp.core.wording import plural
from fundapp.reporting.services import send_report_reminders

reports_cli = AppGroup("reports", help="Monitoring reports.")


@reports_cli.command("remind")
def remind() -> None:
    """Email grantees about reports due within two weeks (once) and overdue ones (weekly)."""
    sent = send_report_reminders(now=utcnow())
    commit_unit_of_work()
    click.echo(f"Reminded grantees about {plural(sent.due_soon, 'report')} due soon and {sent.overdue} overdue.")
