"""`flask demo load`: the whole demo, one domain after another, committed once at the end."""

from __future__ import annotations

from collections import Counter

import click
from flask.cli import AppGroup

from fundapp.applications.demo import load_demo_applications
from fundapp.core.errors import DomainError
from fundapp.core.transactions import commit_unit_of_work
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.demo import CURRENT_CALL, load_demo, sign_in_table

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
def load() -> None:
    """Load the demo Shared Endeavour Fund (SEF-5 closed, SEF-6 open with applications) and a person per role."""
    try:
        created = load_demo()
        current = programme_queries.find_round_by_code(CURRENT_CALL)
        if current is not None:
            created += load_demo_applications(current)
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
