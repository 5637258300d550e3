"""`flask demo load`: the whole demo, one domain after another, committed once at the end."""

from __future__ import annotations

from collections import Counter

import click
from flask.cli import AppGroup

from fundapp.applications.demo import load_demo_applications, load_earlier_call_applications
from fundapp.assessment.demo import load_demo_assessment
from fundapp.awards.demo import load_demo_awards
from fundapp.core.errors import DomainError
from fundapp.core.transactions import commit_unit_of_work
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.demo import (
    CURRENT_CALL,
    OTHER_APPLICANTS,
    PREVIOUS_CALL,
    close_previous_call,
    demo_code,
    load_demo,
    sign_in_table,
)
from fundapp.reporting.demo import load_demo_reports, try_monitoring

demo_cli = AppGroup("demo", help="Demo data.")


def load_all() -> list[str]:
    """Every domain's demo data in the order the lifecycle needs; returns what was created.

    The earlier call is created open, receives its bids (dated inside its window), is closed, and only then
    assessed, decided and awarded; the open call gets its bids at the server clock and is left for a fund manager
    to assign. SEF-5's accepted awards then have their interim reports in every state.
    """
    created = load_demo()
    current = programme_queries.find_round_by_code(CURRENT_CALL)
    if current is not None:
        created += load_demo_applications(current)
    previous = programme_queries.find_round_by_code(PREVIOUS_CALL)
    if previous is not None:
        created += load_earlier_call_applications(previous)
    close_previous_call()
    created += load_demo_assessment()
    created += load_demo_awards()
    created += load_demo_reports()
    return created


@demo_cli.command("code")
@click.argument("email")
def code(email: str) -> None:
    """Print a demo staff member's current two-factor code, and the key that adds them to an authenticator app."""
    try:
        current, key = demo_code(email)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Code for {email} now: {current} (it changes every 30 seconds, and each code works once).")
    click.echo(f"To use an authenticator app instead, add a key by hand: {key} (time-based, 6 digits, 30 seconds).")


@demo_cli.command("load")
def load() -> None:
    """Load the demo Shared Endeavour Fund (SEF-5 assessed, decided and awarded, with interim reports in every state;
    SEF-6 open with applications) and a person per role."""
    try:
        created = load_all()
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    commit_unit_of_work()
    if created:
        kinds = Counter(item.partition(":")[0] for item in created)
        click.echo("Created " + ", ".join(f"{count} × {kind}" for kind, count in kinds.items()) + ".")
    else:
        click.echo("The demo data was already loaded; nothing new was created.")
    click.echo("")
    click.echo("Sign in at /sign-in with any of these accounts:")
    click.echo(sign_in_table())
    click.echo(
        f"The {len(OTHER_APPLICANTS)} other organisations that applied (hello@….example.org) use the same password."
    )
    click.echo(
        "Staff (the first six) also give a two-factor code after the password: `flask demo code <email>` prints the "
        "current one, and the key to add to an authenticator app instead."
    )
    walkthrough = try_monitoring()
    if walkthrough:
        click.echo("")
        click.echo("\n".join(walkthrough))
