"""`flask mail …`: deliver or inspect the email outbox from the terminal."""

from __future__ import annotations

import click
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="Email outbox.")


@mail_cli.command("deliver")
def deliver() -> None:
    """Try every due message in the outbox now (the worker also does this every minute)."""
    from fundapp.core.jobs import deliver_due_email

    counts = deliver_due_email(limit=10_000)
    click.echo(f"sent {counts['sent']}, will retry {counts['retrying']}, failed {counts['failed']}")
