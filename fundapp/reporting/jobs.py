"""Reporting background jobs: the daily reminder to grantees with reports due soon or overdue, and writing a
finance export of the award register (run_export)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from huey import crontab

from fundapp.core.clock import utcnow
from fundapp.core.jobs import RETRIES, in_app_context, is_final_attempt, is_retry
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


# --- exports --------------------------------------------------------------------------------------------------

# The export's page shows its progress; the job commits the count every this many rows (one short write).
PROGRESS_EVERY = 1000
# A failed export is tried again this long after (a database blip, a full disk being cleared), RETRIES times.
RETRY_DELAY_SECONDS = 10
FAILURE_MESSAGE = "The file could not be written ({kind}). Try again; if it fails again, tell the service team."


def run_export(
    export_id: int, *, now_fn: Callable[[], datetime] = utcnow, final: bool = True, resumes: bool = False
) -> None:
    """Write a queued export: claim it (only one job wins; a retry, `resumes`, picks up the export its failed run
    left running), write the register to a temporary file beside the file store one row at a time, committing the
    count every PROGRESS_EVERY rows, then store the file and mark the export done; or keep its 360Giving problems and
    mark it invalid (the partly written file is discarded). If anything goes wrong, nothing half-made is kept (the
    temporary file and any stored file are deleted) and the error is logged: a `final` failure marks the export
    failed, any other is raised for huey to retry (the export stays running). Commits at each of those boundaries
    (a job, not a request)."""
    from flask import current_app

    from fundapp.core import storage
    from fundapp.core.transactions import commit_unit_of_work, rollback_unit_of_work
    from fundapp.reporting import exports, register, services

    path: Path | None = None
    key: str | None = None

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            services.record_export_progress(export_id=export_id, done=done)
            commit_unit_of_work()

    try:
        job = services.claim_export(export_id=export_id, now=now_fn())
        if job is None and resumes:
            job = services.resume_export(export_id=export_id, now=now_fn())
        commit_unit_of_work()
        if job is None:
            return
        path = storage.temporary_file(suffix=f".{job.file_name.rsplit('.', 1)[-1]}")
        rows = exports.CountedRows(
            register.iter_register_rows(round_ids=job.round_ids, date_from=job.date_from, date_to=job.date_to)
        )
        problems = exports.write_export(
            job.export_format, rows, path, config=current_app.config, now=now_fn(), on_progress=progress
        )
        stored = None
        if not problems:
            size, sha256 = path.stat().st_size, exports.file_sha256(path)
            key = storage.save_file(path)
            stored = services.StoredExport(storage_key=key, file_name=job.file_name, size_bytes=size, sha256=sha256)
        services.finish_export(export_id=export_id, written=rows.count, stored=stored, problems=problems, now=now_fn())
        commit_unit_of_work()
    except Exception as exc:
        rollback_unit_of_work()
        if key is not None:
            storage.delete(key)
        if not final:
            current_app.logger.warning(
                "Export %s failed (%s: %s); it will be retried", export_id, type(exc).__name__, exc
            )
            raise
        current_app.logger.exception("Export %s failed", export_id)
        services.fail_export(export_id=export_id, error=FAILURE_MESSAGE.format(kind=type(exc).__name__), now=now_fn())
        commit_unit_of_work()
    finally:
        if path is not None:
            path.unlink(missing_ok=True)


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS, context=True)
@in_app_context
def export_award_register(export_id: int, task: Any = None) -> None:
    """Write a finance export of the award register queued by services.start_export (run_export); a failure is
    retried RETRIES times, RETRY_DELAY_SECONDS apart, before the export is marked failed."""
    run_export(export_id, final=is_final_attempt(task), resumes=is_retry(task))
