"""Reporting background jobs: the daily reminder to grantees with reports due soon or overdue, and writing a
finance export of the award register (run_export)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from huey import crontab

from fundapp.core.clock import utcnow
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


# --- exports --------------------------------------------------------------------------------------------------

# The export's page shows its progress; the job commits the count every this many rows (one short write).
PROGRESS_EVERY = 1000
FAILURE_MESSAGE = "The file could not be written ({kind}). Try again; if it fails again, tell the service team."


def run_export(export_id: int, *, now_fn: Callable[[], datetime] = utcnow) -> None:
    """Write a queued export: claim it (only one job wins), write the register to a temporary file beside the file
    store one row at a time, committing the count every PROGRESS_EVERY rows, then store the file and mark the export
    done; or keep its 360Giving problems and mark it invalid (the partly written file is discarded); or, if
    anything goes wrong, mark it failed. Commits at each of those boundaries (a job, not a request)."""
    from flask import current_app

    from fundapp.core import storage
    from fundapp.core.transactions import commit_unit_of_work, rollback_unit_of_work
    from fundapp.reporting import exports, register, services

    try:
        job = services.claim_export(export_id=export_id, now=now_fn())
        commit_unit_of_work()
    except BaseException:
        rollback_unit_of_work()
        raise
    if job is None:
        return

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            services.record_export_progress(export_id=export_id, done=done)
            commit_unit_of_work()

    path = storage.temporary_file(suffix=f".{job.file_name.rsplit('.', 1)[-1]}")
    key: str | None = None
    try:
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
        current_app.logger.exception("Export %s failed", export_id)
        services.fail_export(export_id=export_id, error=FAILURE_MESSAGE.format(kind=type(exc).__name__), now=now_fn())
        commit_unit_of_work()
    finally:
        path.unlink(missing_ok=True)


@huey.task()
@in_app_context
def export_award_register(export_id: int) -> None:
    """Write a finance export of the award register queued by services.start_export (run_export)."""
    run_export(export_id)
