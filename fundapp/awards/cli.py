"""`flask letters build --round CODE --output DIR`: bulk award letters from the terminal.

Issues the letter of every award of the call that is ready for one (as a batch from the web page would: on offer,
due diligence complete, no letter yet), rendering on both cores with a pool of worker processes that each build the
app once, then writes every current letter of the call's awards into DIR as <reference>.pdf with a manifest.csv.
Each letter is committed on its own, so an interrupted run can simply be run again: it picks up where it stopped.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, ScriptInfo
from sqlalchemy.exc import OperationalError

from fundapp.accounts import queries as account_queries
from fundapp.accounts.models import User
from fundapp.awards import letters, permissions, queries, services
from fundapp.awards.states import AwardStatus
from fundapp.core import storage
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError
from fundapp.core.transactions import commit_unit_of_work, rollback_unit_of_work
from fundapp.core.wording import plural
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.models import Round

letters_cli = AppGroup("letters", help="Award letters.")

# Two processes writing to SQLite at once can meet "database is locked": try the write again a few times.
WRITE_ATTEMPTS = 4

# The app of a pool worker process (built once per process by _start_worker).
_worker_app: Flask | None = None


def issue_one(award_id: int, actor_id: int) -> tuple[str, str | None]:
    """Issue one award's letter and commit: read what it says, render it outside any transaction, then record it.
    Returns the award's reference and why it was not issued (None when it was). An award whose letter was issued
    meanwhile is left as it is."""
    award = queries.get_award(award_id)
    actor = account_queries.get_user(actor_id)
    reference = award.reference
    try:
        letter = services.letter_context(actor=actor, award=award, now=utcnow())
    except DomainError as exc:
        rollback_unit_of_work()
        return reference, exc.message
    rollback_unit_of_work()  # end the read transaction before the slow part
    pdf = letters.render_letter(letter)
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            award = queries.get_award(award_id)
            if award.status != AwardStatus.OFFERED:
                rollback_unit_of_work()
                return reference, None  # issued meanwhile (from the web page, or another run)
            services.record_letter(
                actor=account_queries.get_user(actor_id), award=award, letter=letter, pdf=pdf, now=utcnow()
            )
            commit_unit_of_work()
            return reference, None
        except DomainError as exc:
            rollback_unit_of_work()
            return reference, exc.message
        except OperationalError:
            rollback_unit_of_work()
            if attempt == WRITE_ATTEMPTS:
                raise
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def _start_worker(app_import_path: str | None) -> None:
    """Pool initializer: build the app once in this process, as the `flask` command found it (--app or FLASK_APP,
    else wsgi.py in the working folder), from the same environment."""
    global _worker_app
    _worker_app = ScriptInfo(app_import_path=app_import_path).load_app()


def _issue_in_worker(award_id: int, actor_id: int) -> tuple[str, str | None]:
    assert _worker_app is not None  # nosec B101  # for mypy: the pool initialiser sets it before any task
    with _worker_app.app_context():
        return issue_one(award_id, actor_id)


def _issue_all(award_ids: list[int], actor_id: int, *, workers: int, tick: Callable[[], None]) -> list[tuple[str, str]]:
    """Issue every letter (in this process when workers is 1); returns the (reference, reason) of those not issued."""
    problems: list[tuple[str, str]] = []

    def note(result: tuple[str, str | None]) -> None:
        if result[1] is not None:
            problems.append((result[0], result[1]))
        tick()

    if workers == 1:
        for award_id in award_ids:
            note(issue_one(award_id, actor_id))
        return problems
    # spawn, not fork: each worker starts clean (no inherited database connections) and builds its own app.
    context = multiprocessing.get_context("spawn")
    script = click.get_current_context().find_object(ScriptInfo)
    app_path = script.app_import_path if script is not None else None
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(app_path,)
    ) as pool:
        futures = [pool.submit(_issue_in_worker, award_id, actor_id) for award_id in award_ids]
        for future in as_completed(futures):
            note(future.result())
    return problems


def _choose_actor(round_: Round, email: str | None) -> tuple[User, bool]:
    """The person the letters are signed by and audited as: --actor, or the call's first fund manager."""
    if email:
        user = account_queries.find_user_by_email(email)
        if user is None or not permissions.can_decide(user, round_):
            raise click.ClickException(f"{email} is not a fund manager of {round_.code}: choose one with --actor")
        return user, False
    managers = queries.list_staff_to_notify(round_)
    if not managers:
        raise click.ClickException(f"{round_.code} has no fund manager to sign the letters: name one with --actor")
    return managers[0], True


def _write_letters(round_id: int, output: Path) -> int:
    """Write every current letter of the call's awards into output, with manifest.csv; returns the files written."""
    chosen = services.current_letters(round_id)
    output.mkdir(parents=True, exist_ok=True)
    for award, document in chosen:
        (output / services.letter_file_name(award.reference)).write_bytes(storage.read(document.storage_key))
    (output / services.ZIP_MANIFEST).write_bytes(services.letter_manifest(chosen))
    return len(chosen) + 1


def _show_problems(problems: Iterable[tuple[str, str]]) -> None:
    for reference, reason in sorted(problems):
        click.echo(f"  {reference}: {reason}", err=True)


@letters_cli.command("build")
@click.option("--round", "round_code", required=True, help="The call's code, e.g. SEF-5.")
@click.option(
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the letters and manifest.csv into (created if missing).",
)
@click.option("--actor", "actor_email", default=None, help="Email of the fund manager the letters are signed by.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32), help="Processes rendering.")
def build(round_code: str, output: Path, actor_email: str | None, workers: int) -> None:
    """Issue the letters of every award of a call that is ready for one, then write all its letters to a folder."""
    round_ = programme_queries.find_round_by_code(round_code.strip())
    if round_ is None:
        raise click.ClickException(f"No call has the code {round_code!r}")
    if round_.outcomes_published_at is None:
        raise click.ClickException(f"The outcomes of {round_.code} have not been published yet: publish them first")
    actor, chosen_by_default = _choose_actor(round_, actor_email)
    note = " (the call's first fund manager; choose another with --actor)" if chosen_by_default else ""
    click.echo(f"Letters are signed by {actor.full_name} <{actor.email}>{note}.")
    plan = services.plan_letter_batch(round_)
    round_id, code, actor_id = round_.id, round_.code, actor.id
    award_ids = list(plan.ready_award_ids)
    rollback_unit_of_work()
    problems: list[tuple[str, str]] = []
    if award_ids:
        with click.progressbar(length=len(award_ids), label=f"Issuing {plural(len(award_ids), 'letter')}") as bar:
            problems = _issue_all(award_ids, actor_id, workers=workers, tick=lambda: bar.update(1))
    written = _write_letters(round_id, output)
    rollback_unit_of_work()
    issued = len(award_ids) - len(problems)
    click.echo(
        f"{code}: issued {plural(issued, 'letter')}, skipped {len(plan.waiting_references)} waiting on due "
        f"diligence, wrote {plural(written, 'file')} to {output}."
    )
    if problems:
        click.echo(f"{plural(len(problems), 'letter')} not issued:", err=True)
        _show_problems(problems)
        raise SystemExit(1)


__all__ = ["build", "issue_one", "letters_cli"]
