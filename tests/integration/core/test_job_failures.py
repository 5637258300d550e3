"""Background jobs that fail: each kind of job whose work raises is retried as configured, and when it finally fails
it is reported (the page the person watches says so in plain words, the error is logged) and nothing half-made is
left behind (no ZIP, no file).

huey's immediate mode (the rest of the suite) cannot show a retry: a failed task with a retry delay is put on an
in-memory schedule that nothing reads. So these tests queue tasks in memory and run them the way the consumer does
(`worker`): take a task off the queue, execute it, and move retries from the schedule back to the queue once their
delay has passed (here: at once, the clock is not waited on).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from huey.storage import MemoryStorage
from sqlalchemy.exc import OperationalError

from fundapp.awards import jobs as letter_jobs
from fundapp.awards import letters
from fundapp.awards.models import LetterBatch
from fundapp.awards.states import BatchStatus
from fundapp.core import jobs as core_jobs
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.mail import services as mail_services
from fundapp.core.mail.models import OutboxMessage, OutboxStatus
from fundapp.core.mail.services import queue_email
from fundapp.core.transactions import commit_unit_of_work
from fundapp.extensions import db, huey
from fundapp.reporting import exports as export_writers
from fundapp.reporting import jobs as export_jobs
from fundapp.reporting import services as export_services
from fundapp.reporting.models import Export
from fundapp.reporting.states import ExportFormat, ExportScope, ExportStatus
from tests.helpers import page_title, sign_in
from tests.integration.awards.test_batches import letters_call, start
from tests.integration.reporting.export_world import finance_for, register_call
from tests.smtp import SMTPSink

BLIP = OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))
LATER = datetime(2100, 1, 1)  # a clock past every retry's delay


class Worker:
    """Runs queued tasks as huey's consumer does, counting how many it ran."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def run(self) -> list[str]:
        """Run every queued task, and every retry as soon as it is scheduled, until nothing is left."""
        while True:
            for task in huey.read_schedule(LATER):  # the consumer's scheduler: due retries go back on the queue
                huey.enqueue(task)
            task = huey.dequeue()
            if task is None:
                return self.ran
            self.ran.append(task.name)
            huey.execute(task, timestamp=LATER)


@pytest.fixture()
def worker(monkeypatch: pytest.MonkeyPatch, db_session: Any) -> Iterator[Worker]:
    """Queue tasks in memory instead of running them inline; the test runs them with worker.run()."""
    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(huey, "storage", MemoryStorage(huey.name))
    yield Worker()


def failing(real: Callable[..., Any], *, times: int, error: Exception = BLIP) -> Callable[..., Any]:
    """real, except that its first `times` calls raise error; the calls are counted in .calls."""

    def fake(*args: Any, **kwargs: Any) -> Any:
        fake.calls += 1  # type: ignore[attr-defined]
        if fake.calls <= times:  # type: ignore[attr-defined]
            raise error
        return real(*args, **kwargs)

    fake.calls = 0  # type: ignore[attr-defined]
    return fake


def _logged(caplog: pytest.LogCaptureFixture, level: int, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == level and text in r.getMessage()]


def _stored_files(app: Flask) -> set[Path]:
    return {path for path in Path(app.config["UPLOAD_DIR"]).rglob("*") if path.is_file()}


def test_jobs_that_do_one_piece_of_work_are_retried_three_times() -> None:
    for task in (letter_jobs.build_batch_letter, letter_jobs.finish_letter_batch, export_jobs.export_award_register):
        assert task.retries == core_jobs.RETRIES == 3, task.name
    assert letter_jobs.build_batch_letter.task_class.default_retry_delay == 1
    assert export_jobs.export_award_register.task_class.default_retry_delay == export_jobs.RETRY_DELAY_SECONDS


# --- letter batches ---------------------------------------------------------------------------------------------


def _batch(round_id: int) -> LetterBatch:
    db.session.expire_all()
    return db.session.scalars(sa.select(LetterBatch).where(LetterBatch.round_id == round_id)).one()


def test_a_letter_that_fails_once_is_retried_and_the_batch_finishes_with_every_letter(
    client: Any, worker: Worker, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    world = letters_call(ready=2, waiting=0)
    render = failing(letters.render_letter, times=1)
    monkeypatch.setattr(letters, "render_letter", render)
    assert start(client, world).status_code == 302
    assert _batch(world.setup.round.id).status == BatchStatus.QUEUED  # nothing ran inline

    with caplog.at_level(logging.INFO):
        ran = worker.run()

    assert ran.count("build_batch_letter") == 3  # two awards, one of them twice
    batch = _batch(world.setup.round.id)
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 2, 0)
    assert batch.zip_storage_key is not None
    assert render.calls == 3  # type: ignore[attr-defined]
    assert _logged(caplog, logging.WARNING, "it will be retried")


def test_a_letter_that_always_fails_is_tried_four_times_then_reported_and_no_zip_is_made(
    app: Flask, client: Any, worker: Worker, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    world = letters_call(ready=1, waiting=0)
    render = failing(letters.render_letter, times=99)
    monkeypatch.setattr(letters, "render_letter", render)
    files_before = _stored_files(app)
    start(client, world)

    with caplog.at_level(logging.INFO):
        worker.run()

    assert render.calls == 1 + core_jobs.RETRIES  # type: ignore[attr-defined]
    batch = _batch(world.setup.round.id)
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.FAILED, 0, 1)
    assert batch.zip_storage_key is None
    assert _stored_files(app) == files_before  # no letter, no ZIP
    [final] = _logged(caplog, logging.ERROR, "could not be issued")
    assert final.exc_info is not None  # with the traceback
    page = client.get(f"{world.url}/{batch.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Letters not issued" in text and f"{world.ready[0].reference}: could not be issued" in text
    assert "Traceback" not in text and "server closed" not in text


def test_in_immediate_mode_a_failing_letter_is_counted_failed_at_once_and_logged(
    db_session: Any, client: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    world = letters_call(ready=1, waiting=0)
    render = failing(letters.render_letter, times=99)
    monkeypatch.setattr(letters, "render_letter", render)
    with caplog.at_level(logging.ERROR):
        start(client, world)  # the jobs run inline, after the commit
    assert render.calls == 1  # type: ignore[attr-defined]
    assert _batch(world.setup.round.id).status == BatchStatus.FAILED
    assert _logged(caplog, logging.ERROR, "could not be issued")


# --- exports ----------------------------------------------------------------------------------------------------


def _ask_for_export(client: Any) -> tuple[Any, Export]:
    world = register_call()
    finance = finance_for(world)
    export = export_services.start_export(
        actor=finance, scope=ExportScope.ROUND, export_format=ExportFormat.CSV, round_id=world.round.id, now=utcnow()
    )
    commit_unit_of_work()  # queues the job
    sign_in(client, finance)
    return finance, export


def _export(export_id: int) -> Export:
    db.session.expire_all()
    return db.session.get_one(Export, export_id)


def _status_seen_by(fake: Callable[..., Any], export_id: int) -> Callable[..., Any]:
    """fake, noting the export's status (as committed) each time it is called."""
    seen: list[ExportStatus] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(db.session.scalar(sa.select(Export.status).where(Export.id == export_id)))
        return fake(*args, **kwargs)

    spy.seen = seen  # type: ignore[attr-defined]
    return spy


def test_an_export_that_fails_once_is_retried_and_done_with_its_file(
    client: Any, worker: Worker, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _finance, export = _ask_for_export(client)
    write = _status_seen_by(failing(export_writers.write_export, times=1), export.id)
    monkeypatch.setattr(export_writers, "write_export", write)

    with caplog.at_level(logging.WARNING):
        ran = worker.run()

    assert ran.count("export_award_register") == 2
    assert write.seen == [ExportStatus.RUNNING, ExportStatus.RUNNING]  # type: ignore[attr-defined]
    export = _export(export.id)
    assert (export.status, export.done, export.total) == (ExportStatus.DONE, 3, 3)
    assert export.storage_key is not None
    assert _logged(caplog, logging.WARNING, "it will be retried")
    started = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export.started")).all()
    assert len(started) == 1  # the retry resumed the running export, it did not start it again
    download = client.get(f"/staff/exports/{export.id}/download")
    assert download.status_code == 200
    download.close()


def test_an_export_that_always_fails_stays_running_until_its_last_try_then_is_reported_without_a_file(
    app: Flask, client: Any, worker: Worker, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _finance, export = _ask_for_export(client)
    # The file is written and stored, then recording it fails: the stored file must go too.
    finish = _status_seen_by(failing(export_services.finish_export, times=99), export.id)
    monkeypatch.setattr(export_services, "finish_export", finish)
    files_before = _stored_files(app)

    with caplog.at_level(logging.WARNING):
        worker.run()

    assert finish.seen == [ExportStatus.RUNNING] * (1 + core_jobs.RETRIES)  # type: ignore[attr-defined]
    export = _export(export.id)
    assert export.status == ExportStatus.FAILED
    assert export.storage_key is None
    assert export.error == export_jobs.FAILURE_MESSAGE.format(kind="OperationalError")
    assert _stored_files(app) == files_before  # neither the temporary file nor the stored one is left
    assert len(_logged(caplog, logging.WARNING, "it will be retried")) == core_jobs.RETRIES
    [final] = _logged(caplog, logging.ERROR, f"Export {export.id} failed")
    assert final.exc_info is not None
    page = client.get(f"/staff/exports/{export.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and not page_title(page).startswith("Error")
    assert "The export failed" in text and "The file could not be written (OperationalError). Try again" in text
    assert "Ask for the export again" in text and "Traceback" not in text and "server closed" not in text
    assert client.get(f"/staff/exports/{export.id}/download").status_code == 404


# --- email ------------------------------------------------------------------------------------------------------


def test_when_the_delivery_job_itself_fails_the_email_stays_in_the_outbox_and_the_retry_sends_it(
    app: Flask, worker: Worker, monkeypatch: pytest.MonkeyPatch, mail: SMTPSink, caplog: pytest.LogCaptureFixture
) -> None:
    list_due = failing(mail_services.list_due_message_ids, times=1)
    monkeypatch.setattr(mail_services, "list_due_message_ids", list_due)
    with app.test_request_context(method="POST"):
        message = queue_email(
            to="ada@example.org",
            subject="Reset your password",
            template="accounts/emails/password_reset",
            context={"name": "Ada", "link": "http://localhost/reset-password/x", "minutes": 60},
        )
        commit_unit_of_work()  # queues deliver_outbox

    with caplog.at_level(logging.ERROR):
        assert worker.run() == ["deliver_outbox"]  # not retried by huey: the outbox is its own retry
    assert _logged(caplog, logging.ERROR, "Unhandled exception in task")
    db.session.expire_all()
    assert db.session.get_one(OutboxMessage, message.id).status == OutboxStatus.PENDING
    assert mail.messages == []

    core_jobs.retry_outbox()  # the every-minute periodic task, called as the scheduler would
    worker.run()

    assert len(mail.to("ada@example.org")) == 1
    db.session.expire_all()
    assert db.session.get_one(OutboxMessage, message.id).status == OutboxStatus.SENT
