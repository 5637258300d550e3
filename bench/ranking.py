"""Benchmark: a call's ranking page against the size of the call.

Builds calls of 1, 10, 100, 300 and 1,000 assessed applications (two submitted scorecards each, a third of them
moderated) in a throwaway SQLite database, then times the ranking page (GET, through the app, signed in as an
admin) and its CSV. Prints each size as a ratio to the one-application call measured in the same run, with the
absolute timings, and writes the table to bench/results/. Speed is never asserted: read the ratios. A page whose
cost grows with the call should grow roughly linearly (1,000 applications about 1,000× the work of one at most;
far less in practice, since the fixed cost of a request dominates small calls).

    python bench/ranking.py            (or: make bench)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1, 10, 100, 300, 1000)
REPEATS = 5


def _best_of(repeats: int, run: Callable[[], object]) -> float:
    """The median of `repeats` timings, after one warm-up run (templates compiled, caches filled)."""
    run()
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix="fundapp-bench-"))
    os.environ["TEST_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.db'}"
    os.environ["FUNDAPP_INSTANCE_DIR"] = str(workdir)

    from config import TestConfig
    from fundapp import create_app
    from fundapp.accounts.states import StaffRole
    from fundapp.extensions import db
    from tests.database import build_schema
    from tests.factories import staff_user
    from tests.helpers import sign_in_as
    from tests.integration.assessment.test_ranking_query_counts import _call_with

    config = TestConfig()
    config.MAIL_BACKEND = "file"  # type: ignore[misc]
    config.MAIL_FILE_DIR = str(workdir / "mail")  # type: ignore[misc]
    config.UPLOAD_DIR = str(workdir / "files")  # type: ignore[misc]
    app = create_app(config)
    rows = []
    with app.app_context():
        build_schema(app)
        admin = staff_user(StaffRole.ADMIN)
        calls = {size: _call_with(size).id for size in SIZES}
        db.session.commit()
        client = app.test_client()
        sign_in_as(client, admin)

        def page(call_id: int, suffix: str = "") -> Callable[[], object]:
            def run() -> object:
                response = client.get(f"/staff/calls/{call_id}/ranking{suffix}")
                if response.status_code != 200:
                    raise SystemExit(f"ranking{suffix} answered {response.status_code}")
                return response

            return run

        for size, call_id in calls.items():
            rows.append((size, _best_of(REPEATS, page(call_id)), _best_of(REPEATS, page(call_id, ".csv"))))
    base_page, base_csv = rows[0][1], rows[0][2]
    lines = [
        f"Ranking benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, median of {REPEATS} after a warm-up, SQLite",
        f"{'applications':>12}  {'page ms':>8}  {'× 1 app':>8}  {'csv ms':>8}  {'× 1 app':>8}",
    ]
    for size, page_s, csv_s in rows:
        page_cols = f"{page_s * 1000:>8.1f}  {page_s / base_page:>8.1f}"
        csv_cols = f"{csv_s * 1000:>8.1f}  {csv_s / base_csv:>8.1f}"
        lines.append(f"{size:>12}  {page_cols}  {csv_cols}")
    report = "\n".join(lines)
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"ranking-{datetime.now(UTC):%Y%m%d-%H%M%S}.txt").write_text(report + "\n")


if __name__ == "__main__":
    main()
