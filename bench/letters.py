"""Benchmark: award letters, one at a time and in bulk through the job queue.

In a throwaway SQLite database (and queue, and file store) in a temporary folder, seeds two calls of N awards
(default 200) ready for their letters: approved, outcomes published, due diligence complete. Then measures

(a) the time to issue one award letter as the app does it (read the context, render the PDF/UA letter through the
    packaged-asset fetcher, store it hashed), against a bare WeasyPrint render of a comparable one-page HTML letter
    (weasyprint.HTML(string=...).write_pdf(), no fetcher, no PDF/UA) in the same run: the ratio is our overhead;
(b) the wall time for N letters as a bulk batch through a real job consumer (huey_consumer -k process, on the
    SQLite queue) with 2 worker processes, and with 1, printing the speed-up.

Speed is never asserted: read the numbers. Results are written to bench/results/.

    python bench/letters.py            (or: make bench; LETTERS_BENCH_AWARDS=50 for a quicker run)

On PostgreSQL and Redis instead (the database is emptied: give it one of its own):
    LETTERS_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_letters \
    LETTERS_BENCH_REDIS_URL=redis://127.0.0.1:6379/5 python bench/letters.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AWARDS = int(os.environ.get("LETTERS_BENCH_AWARDS", "200"))
REPEATS = 5
BATCH_TIMEOUT_S = 900

BARE_LETTER = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Grant offer letter</title>
<style>@page {{ size: A4; margin: 20mm }} body {{ font-family: sans-serif; font-size: 11pt }}
table {{ border-collapse: collapse; width: 100% }} td, th {{ border: 1px solid #999; padding: 4px }}</style></head>
<body><p>Mayor of London<br>City Hall, Kamal Chunchie Way<br>London E16 1ZE</p><p>22 November 2026</p>
<p>The Trustees<br>Example Community Trust<br>1 High Street<br>London E1 1AA</p>
<h1>Grant offer letter {reference}</h1><p>Dear Pat Chair,</p>
<p>We are pleased to offer Example Community Trust a grant of <strong>£20,000.00</strong> (Twenty thousand pounds)
for the project "Youth mentoring across the borough", from 1 April 2027 to 31 March 2028.</p>
<table><tr><th>Payment</th><th>Share</th><th>Amount</th><th>When</th></tr>
<tr><td>First payment</td><td>50%</td><td>£10,000.00</td><td>On acceptance</td></tr>
<tr><td>Second payment</td><td>40%</td><td>£8,000.00</td><td>When the interim report is approved</td></tr>
<tr><td>Final payment</td><td>10%</td><td>£2,000.00</td><td>When the final report is approved</td></tr></table>
<p>Reports: interim report by 30 September 2027; final report by 26 May 2028.</p>
<p>To accept, sign in and accept the offer by 20 December 2026.</p>
<p>Yours sincerely,<br>Marcus Bell<br>Fund manager</p><p>Verification code 7KQ4-MZ2P-XA</p></body></html>"""


def _median(repeats: int, run: Callable[[], object]) -> float:
    run()  # warm-up: fonts loaded, templates compiled
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def _environment(workdir: Path) -> dict[str, str]:
    extra = {"REDIS_URL": os.environ["LETTERS_BENCH_REDIS_URL"]} if os.environ.get("LETTERS_BENCH_REDIS_URL") else {}
    return {
        **extra,
        "FUNDAPP_CONFIG": "development",
        "FUNDAPP_INSTANCE_DIR": str(workdir),
        "DATABASE_URL": os.environ.get("LETTERS_BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}",
        "HUEY_SQLITE_PATH": str(workdir / "huey.db"),
        "HUEY_IMMEDIATE": "0",
        "UPLOAD_DIR": str(workdir / "files"),
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": str(workdir / "mail"),
        "SECRET_KEY": "bench-" + "x" * 40,
    }


def _stores() -> str:
    database = "PostgreSQL" if os.environ.get("LETTERS_BENCH_DATABASE_URL", "").startswith("postgres") else "SQLite"
    queue = "Redis queue" if os.environ.get("LETTERS_BENCH_REDIS_URL") else "SQLite queue"
    return f"{database} database, {queue}"


def _seed_call(awards: int) -> tuple[int, int]:
    """A call with `awards` awards ready for their letters; returns (round id, fund manager id)."""
    from fundapp.awards import services
    from fundapp.core.clock import utcnow
    from fundapp.core.transactions import commit_unit_of_work
    from tests.factories import complete_due_diligence
    from tests.integration.awards.conftest import make_decision_round

    setup = make_decision_round(applications=awards, budget_pence=2_000_000 * (awards + 1))
    for application in setup.applications:
        award = services.approve_application(
            actor=setup.manager, application=application, amount_pence=2_000_000, conditions="", reason="", now=utcnow()
        )
        complete_due_diligence(award, by=setup.finance)
    services.publish_outcomes(actor=setup.manager, round_=setup.round, now=utcnow())
    ids = setup.round.id, setup.manager.id
    commit_unit_of_work()
    return ids


def _per_letter(round_id: int, manager_id: int) -> tuple[float, float]:
    """(app letter seconds, bare WeasyPrint seconds), medians; the app's letters are rolled back afterwards."""
    import weasyprint

    from fundapp.accounts.queries import get_user
    from fundapp.awards import queries, services
    from fundapp.core.clock import utcnow
    from fundapp.core.transactions import rollback_unit_of_work

    round_award_ids = list(queries.list_letter_ready_award_ids(round_id))

    def app_letter() -> object:
        award = queries.get_award(round_award_ids[0])
        letter, pdf = services.prepare_letter(actor=get_user(manager_id), award=award, now=utcnow())
        document = services.record_letter(actor=get_user(manager_id), award=award, letter=letter, pdf=pdf, now=utcnow())
        rollback_unit_of_work()  # the award stays ready; the stored file is removed on rollback
        return document

    def bare_letter() -> object:
        return weasyprint.HTML(string=BARE_LETTER.format(reference="SEF-9-0001")).write_pdf()

    return _median(REPEATS, app_letter), _median(REPEATS, bare_letter)


def _start(round_id: int, manager_id: int) -> int:
    """Start the batch (not yet committed) in a transaction that, like a request's POST, takes SQLite's write lock
    when it begins, so it waits for the consumer's writes instead of failing."""
    from fundapp.accounts.queries import get_user
    from fundapp.awards import services
    from fundapp.core.clock import utcnow
    from fundapp.core.database import write_transactions
    from fundapp.core.transactions import rollback_unit_of_work
    from fundapp.programmes.queries import get_round

    rollback_unit_of_work()  # so the next transaction begins inside write_transactions()
    with write_transactions():
        return services.start_letter_batch(actor=get_user(manager_id), round_=get_round(round_id), now=utcnow()).id


def _drain_email() -> None:
    """Send the outcome emails seeding queued, so the timed runs only carry the letters' own emails."""
    from fundapp.core.jobs import deliver_due_email

    while sum(deliver_due_email(limit=1000).values()):
        pass


def _bulk(workdir: Path, round_id: int, manager_id: int, workers: int) -> float:
    """Wall seconds from queueing the batch to its ZIP, with a consumer of `workers` processes."""
    from fundapp.awards.models import LetterBatch
    from fundapp.core.transactions import commit_unit_of_work, rollback_unit_of_work
    from fundapp.extensions import db

    env = {**os.environ, **_environment(workdir)}
    log = (workdir / f"consumer-{workers}.log").open("w")
    consumer = subprocess.Popen(
        [Path(sys.executable).parent / "huey_consumer", "fundapp.worker.huey", "-k", "process", "-w", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(4)  # let the consumer build its app before the clock starts
        batch_id = _start(round_id, manager_id)
        start = time.perf_counter()
        commit_unit_of_work()  # queues the job
        while time.perf_counter() - start < BATCH_TIMEOUT_S:
            rollback_unit_of_work()
            row = db.session.get(LetterBatch, batch_id, populate_existing=True)
            if row is not None and row.finished_at is not None:
                elapsed = time.perf_counter() - start
                if row.done != row.total:
                    raise SystemExit(f"batch finished with {row.failed} failures: {row.error}")
                return elapsed
            time.sleep(0.2)
        raise SystemExit(f"batch {batch_id} did not finish in {BATCH_TIMEOUT_S} s (see {log.name})")
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
        log.close()


def main() -> None:
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix="fundapp-bench-letters-"))
    os.environ.update(_environment(workdir))

    from fundapp import create_app
    from tests.database import build_schema

    app = create_app()
    with app.app_context():
        build_schema(app)
        seeded = time.perf_counter()
        two = _seed_call(AWARDS)
        one = _seed_call(AWARDS)
        seed_s = time.perf_counter() - seeded
        _drain_email()
        app_s, bare_s = _per_letter(*two)
        two_s = _bulk(workdir, *two, workers=2)
        _drain_email()
        one_s = _bulk(workdir, *one, workers=1)
    lines = [
        f"Award letters benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, {_stores()} "
        f"(seeding {2 * AWARDS} awards took {seed_s:.0f} s)",
        f"(a) one letter (context + PDF/UA render + store), median of {REPEATS}: {app_s * 1000:.0f} ms; "
        f"bare WeasyPrint one-page letter: {bare_s * 1000:.0f} ms; ratio {app_s / bare_s:.1f}×",
        f"(b) {AWARDS} letters through the job queue: 2 worker processes {two_s:.1f} s "
        f"({AWARDS / two_s * 60:.0f} letters/min); 1 worker {one_s:.1f} s ({AWARDS / one_s * 60:.0f} letters/min); "
        f"speed-up {one_s / two_s:.2f}×",
    ]
    report = "\n".join(lines)
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"letters-{datetime.now(UTC):%Y%m%d-%H%M%S}.txt").write_text(report + "\n")


if __name__ == "__main__":
    main()
