"""`flask users …`: create the first admin from the terminal."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from fundapp.accounts import services
from fundapp.accounts.passwords import password_problem
from fundapp.core.errors import DomainError
from fundapp.core.transactions import commit_unit_of_work

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True, help="Email address to sign in with.")
@click.option("--name", "full_name", prompt="Full name", help="The admin's full name.")
@click.password_option(help="At least 12 characters (prompted, hidden, when not given).")
def create_admin(email: str, full_name: str, password: str) -> None:
    """Create an admin account (or give an existing account the admin role)."""
    problem = password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    try:
        user = services.create_admin(email=email, full_name=full_name, password=password)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    commit_unit_of_work()
    click.echo(f"{user.email} is an admin. Sign in at /sign-in.")
