"""Bulk award letters as background jobs: one task per award, so a consumer with two worker processes
(`huey_consumer fundapp.worker.huey -k process -w 2`) renders two letters at a time, one on each core.

run_letter_batch claims the batch and queues build_batch_letter for each of its awards; the task that counts the
last award queues finish_letter_batch, which stores the ZIP. In immediate mode (tests, HUEY_IMMEDIATE=1) every task
runs inline, in order, right after the commit that started the batch.

Each award's work is three steps: read what the letter says (then end the read transaction, so SQLite's snapshot is
fresh for the write), render the PDF outside any transaction (the slow part, about half a second of one core), and
record + count it in one short write transaction. Two processes writing to SQLite at once can still meet "database
is locked"; the task is retried (3 times, a second apart), and the work is idempotent: an award the batch has
already counted is never counted again.
"""

from __future__ import annotations

from typing import Any

from fundapp.core.jobs import RETRIES, in_app_context, is_final_attempt
from fundapp.extensions import huey

__all__ = ["RETRIES", "build_batch_letter", "finish_letter_batch", "run_letter_batch"]


def _rollback() -> None:
    from fundapp.core.transactions import rollback_unit_of_work

    rollback_unit_of_work()


def _commit() -> None:
    from fundapp.core.transactions import commit_unit_of_work

    commit_unit_of_work()


@huey.task()
@in_app_context
def run_letter_batch(batch_id: int) -> None:
    """Mark the batch running (only one job wins) and queue one task per award."""
    from fundapp.awards import services

    try:
        award_ids = services.mark_batch_running(batch_id=batch_id)
        _commit()
    except BaseException:
        _rollback()
        raise
    for award_id in award_ids:
        build_batch_letter(batch_id, award_id)


def _settle(batch_id: int, award_id: int, *, letter: Any, pdf: bytes | None) -> bool:
    """The write transaction for one award: record and count it (or count it as failed). Returns whether the batch
    is now complete."""
    from fundapp.awards import services
    from fundapp.core.clock import utcnow
    from fundapp.core.errors import DomainError

    try:
        progress = services.record_batch_letter(
            batch_id=batch_id, award_id=award_id, letter=letter, pdf=pdf, now=utcnow()
        )
    except DomainError as exc:
        _rollback()
        return _fail(batch_id, award_id, exc.message)
    _commit()
    return progress is not None and progress.complete


def _fail(batch_id: int, award_id: int, problem: str) -> bool:
    from fundapp.awards import services

    progress = services.record_batch_failure(batch_id=batch_id, award_id=award_id, problem=problem)
    _commit()
    return progress is not None and progress.complete


def _build(batch_id: int, award_id: int) -> bool:
    from fundapp.awards import letters, queries, services
    from fundapp.core.clock import utcnow
    from fundapp.core.errors import DomainError

    batch = services.running_batch(batch_id)
    if batch is None:  # finished, or not started: nothing to do
        _rollback()
        return False
    if services.batch_letter_settled(batch_id=batch_id, award_id=award_id):
        complete = batch.done + batch.failed >= batch.total
        _rollback()  # a retry after this award's commit: only queueing the finish can be missing
        return complete
    award = queries.get_award(award_id)
    try:
        letter = services.batch_letter_context(batch=batch, award=award, now=utcnow())
    except DomainError as exc:
        _rollback()
        return _fail(batch_id, award_id, exc.message)
    _rollback()  # end the read transaction before the slow part
    pdf = letters.render_letter(letter) if letter is not None else None
    return _settle(batch_id, award_id, letter=letter, pdf=pdf)


@huey.task(retries=RETRIES, retry_delay=1, context=True)
@in_app_context
def build_batch_letter(batch_id: int, award_id: int, task: Any = None) -> None:
    """Issue one award's letter for the batch and count it; the task that counts the last award queues the finish.
    On its last attempt, an award that still cannot be done (the database stayed locked, a file could not be
    written) is counted as failed so the batch always finishes."""
    from flask import current_app

    try:
        complete = _build(batch_id, award_id)
    except Exception as exc:
        _rollback()
        if not is_final_attempt(task):
            current_app.logger.warning(
                "Letter for award %s of batch %s failed (%s); it will be retried", award_id, batch_id, exc
            )
            raise  # huey tries again in a second (a retry in immediate mode would never run)
        current_app.logger.exception("Letter for award %s of batch %s could not be issued", award_id, batch_id)
        complete = _fail(batch_id, award_id, f"could not be issued ({type(exc).__name__})")
    if complete:
        finish_letter_batch(batch_id)


@huey.task(retries=RETRIES, retry_delay=1)
@in_app_context
def finish_letter_batch(batch_id: int) -> None:
    """Close the complete batch and store its ZIP (only one caller wins the claim)."""
    from fundapp.awards import services
    from fundapp.core.clock import utcnow

    try:
        services.finish_letter_batch(batch_id=batch_id, now=utcnow())
        _commit()
    except BaseException:
        _rollback()
        raise
