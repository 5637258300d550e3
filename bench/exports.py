"""Benchmark: the award register exported as CSV and XLSX, against the database's own CSV export of the same rows.

Seeds a throwaway database (a temporary SQLite file; PostgreSQL with EXPORTS_BENCH_DATABASE_URL) migrated by the
real migrations, with one call per size (by default 10,000 and 100,000 awards: BENCH-10000 and BENCH-100000). The
call itself is set up through the programmes services (tiers, themes, criteria and the SEF application form); its
organisations, applications with their answers (title, summary, dates, amount, themes, boroughs), decisions, awards
(mostly active, with every other status) and three payments each are bulk-inserted with SQLAlchemy Core in chunks.

Then, for each size, each export runs in a fresh process under /usr/bin/time, for its wall time, its CPU time (user +
system: a busy machine disturbs it far less than the wall time) and its peak memory (max RSS):

- baseline: the database's own CSV export of the same rows, one SELECT joining awards, organisations,
  applications and decisions, with the summary, themes and boroughs answers and the amount paid as subqueries
  (SQLite: `sqlite3 -csv -header`; PostgreSQL: psql's `\\copy (...) TO ... CSV HEADER`);
- the app: `flask export awards --round CODE --format csv|xlsx --output PATH`.

Prints, with the medians of EXPORTS_BENCH_REPEATS runs (default 3), each export's times and peak memory as ratios to
the baseline of the same size, and the app's start-up alone (`flask export awards --help`); checks every file holds
one data row per award; and shows how the app's peak memory changes from the smallest size to the largest (flat
means bounded memory: the rows are streamed). Speed is never asserted: read the numbers. Results are written to
bench/results/. Takes a few minutes; CI does not run it.

    python bench/exports.py             (or: make bench-exports; EXPORTS_BENCH_SIZES=1000,10000 for a quicker run,
                                         EXPORTS_BENCH_KEEP=1 to keep the database and the files)

On PostgreSQL (the database is created if missing, emptied, and dropped at the end if this run created it):
    EXPORTS_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/fundapp_bench python bench/exports.py
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZES = tuple(int(size) for size in os.environ.get("EXPORTS_BENCH_SIZES", "10000,100000").split(","))
REPEATS = int(os.environ.get("EXPORTS_BENCH_REPEATS", "3"))
DATABASE_URL = os.environ.get("EXPORTS_BENCH_DATABASE_URL", "")
CHUNK = 5_000
FORMATS = ("csv", "xlsx")
SAMPLE_S = 0.02  # how often an export's memory is sampled while it writes rows
ROWS_BEGIN = b"Exporting "  # how `flask export awards` starts its progress line on standard error, as rows begin
FLAT = 1.2  # peak memory growing by less than this from the smallest size to the largest counts as flat

# What the seeded rows look like: a London fund's grassroots grantees.
STATUS_WEIGHTS = {
    "active": 80,
    "completed": 5,
    "accepted": 4,
    "letter_issued": 3,
    "offered": 3,
    "declined": 3,
    "withdrawn": 2,
}
STATUSES = tuple(status for status, weight in STATUS_WEIGHTS.items() for _ in range(weight))
AMOUNTS = (1_200_000, 1_850_000, 2_400_000, 3_000_000, 4_250_000, 5_000_000, 7_500_000, 9_800_000)
LEGAL_TYPES = (  # (legal type, has a charity number, has a company number)
    ("registered_charity", True, False),
    ("cio", True, False),
    ("charitable_company", True, True),
    ("company_limited_by_guarantee", False, True),
    ("cic", False, True),
    ("community_benefit_society", False, False),
    ("unincorporated_association", False, False),
)
KINDS = (
    "Youth Trust",
    "Community Association",
    "Arts Collective",
    "Football Club",
    "Women's Network",
    "Residents' Association",
    "Mentoring Project",
    "Faith Forum",
)
ACTIVITIES = (
    "Youth mentoring",
    "Community conversations",
    "Training for frontline staff",
    "Sport for cohesion",
    "Arts and storytelling",
    "Online safety workshops",
    "Women's leadership circles",
    "Interfaith dialogue",
)
POSTCODES = ("E1 6AN", "N17 9LN", "SE15 4QN", "SW9 8PD", "W12 7RJ", "NW10 4LX", "E16 1ZE", "CR0 1NX", "HA1 2AB")
TRANCHES = (
    ("First payment", "acceptance", 50),
    ("Second payment", "interim_report", 40),
    ("Final payment", "final_report", 10),
)
DECIDED_AT = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
PROJECT_START = date(2026, 9, 1)


# --- the environment of every process -----------------------------------------------------------------------------


def _database_url(workdir: Path) -> str:
    return DATABASE_URL or f"sqlite:///{workdir / 'bench.db'}"


def _environment(workdir: Path) -> dict[str, str]:
    return {
        "FLASK_APP": "wsgi.py",
        "FUNDAPP_CONFIG": "development",
        "FUNDAPP_INSTANCE_DIR": str(workdir),
        "DATABASE_URL": _database_url(workdir),
        "HUEY_SQLITE_PATH": str(workdir / "huey.db"),
        "HUEY_IMMEDIATE": "1",
        "UPLOAD_DIR": str(workdir / "files"),
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": str(workdir / "mail"),
        "SECRET_KEY": "bench-" + "x" * 40,
    }


def _is_postgresql() -> bool:
    return DATABASE_URL.startswith("postgres")


def _on_server(statement: str, **params: Any) -> Any:
    """Run one statement on the PostgreSQL server's maintenance database (outside a transaction); its scalar result."""
    import sqlalchemy as sa

    engine = sa.create_engine(sa.make_url(DATABASE_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            result = conn.execute(sa.text(statement), params)
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def _create_postgresql_database() -> bool:
    """Create the benchmark's PostgreSQL database if it is missing; True if this run created it."""
    import sqlalchemy as sa

    name = sa.make_url(DATABASE_URL).database
    if _on_server("SELECT 1 FROM pg_database WHERE datname = :name", name=name):
        return False
    _on_server(f'CREATE DATABASE "{name}"')
    return True


def _drop_postgresql_database() -> None:
    import sqlalchemy as sa

    _on_server(f'DROP DATABASE IF EXISTS "{sa.make_url(DATABASE_URL).database}"')


# --- seeding ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """A seeded call: its code and id, how many awards it has, and the ids of the staff who decided and paid."""

    code: str
    round_id: int
    size: int
    theme_ids: tuple[int, ...]
    manager_id: int
    finance_id: int


def _staff() -> tuple[int, int]:
    """A fund manager and a finance officer (ids), inserted directly: their passwords are unusable."""
    import sqlalchemy as sa

    from fundapp.accounts.models import User
    from fundapp.extensions import db

    now = datetime.now(UTC)
    people = (("bench.manager@example.org", "Marcus Bell"), ("bench.finance@example.org", "Priya Shah"))
    ids = []
    for email, name in people:
        values: dict[str, Any] = {"email": email, "full_name": name, "password_hash": "!"}
        values |= {"session_token": f"bench-{email}"}
        values |= {"is_active": True, "created_at": now, "updated_at": now}
        ids.append(db.session.execute(sa.insert(User).values(values).returning(User.id)).scalar_one())
    return ids[0], ids[1]


def _create_call(fund: Any, size: int, manager_id: int, finance_id: int) -> Call:
    """A decided call of the fund with the SEF form, tiers, themes and criteria, created through the services."""
    import sqlalchemy as sa

    from fundapp.core.clock import london_to_utc
    from fundapp.extensions import db
    from fundapp.programmes import services
    from fundapp.programmes.demo import CRITERIA, MIDDAY, THEMES, TIERS
    from fundapp.programmes.models import Round
    from fundapp.programmes.question_sets import default_question_set

    code = f"BENCH-{size}"
    round_ = services.create_round(
        actor=None,
        fund=fund,
        code=code,
        name=f"Benchmark call of {size:,} awards",
        opens_at=london_to_utc(date(2026, 1, 12), MIDDAY),
        closes_at=london_to_utc(date(2026, 3, 9), MIDDAY),
        budget_pence=max(AMOUNTS) * size,
        tiers=TIERS,
        themes=THEMES,
        criteria=CRITERIA,
    )
    services.load_question_set(actor=None, round_=round_, data=default_question_set())
    db.session.flush()
    db.session.execute(
        sa.update(Round)
        .where(Round.id == round_.id)
        .values(
            status="decided",
            project_earliest_start=date(2026, 7, 1),
            project_latest_end=date(2028, 6, 30),
            last_application_number=size,
            outcomes_published_at=DECIDED_AT,
            outcomes_published_by_id=manager_id,
        )
    )
    call = Call(code, round_.id, size, tuple(t.id for t in round_.themes), manager_id, finance_id)
    db.session.commit()
    return call


def _organisation(org_id: int, i: int, borough: Any, now: datetime) -> dict[str, Any]:
    legal_type, has_charity, has_company = LEGAL_TYPES[i % len(LEGAL_TYPES)]
    return {
        "id": org_id,
        "name": f"{borough.name} {KINDS[i % len(KINDS)]} {i + 1}",
        "legal_type": legal_type,
        "charity_number": str(1_000_000 + i) if has_charity else None,
        "company_number": f"{i:08d}" if has_company else None,
        "address_line_1": f"{i % 300 + 1} High Street",
        "address_line_2": None,
        "town": "London",
        "postcode": POSTCODES[i % len(POSTCODES)],
        "borough_gss": borough.gss_code,
        "website": None,
        "annual_income_pence": 2_500_000 + (i % 40) * 1_000_000,
        "created_by_id": None,
        "created_at": now,
        "updated_at": now,
    }


def _answers(
    application_id: int, title: str, summary: str, amount: int, themes: list[str], boroughs: list[str]
) -> list[dict[str, Any]]:
    """The application's answers to the questions the register reads, raw (as typed) and checked."""
    end = PROJECT_START + timedelta(days=364)
    values: dict[str, tuple[Any, Any]] = {
        "project_title": (title, title),
        "project_summary": (summary, summary),
        "start_date": (_date_parts(PROJECT_START), PROJECT_START.isoformat()),
        "end_date": (_date_parts(end), end.isoformat()),
        "amount_requested": (f"£{amount // 100:,}", amount),
        "themes": (themes, sorted(themes)),
        "boroughs": (boroughs, boroughs),
    }
    return [
        {"application_id": application_id, "question_key": key, "raw": raw, "value": value, "updated_at": DECIDED_AT}
        for key, (raw, value) in values.items()
    ]


def _date_parts(day: date) -> dict[str, str]:
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def _award_fields(status: str, decided: datetime, manager_id: int) -> dict[str, Any]:
    """The lifecycle stamps an award in `status` carries."""
    letter = decided + timedelta(days=2) if status != "offered" else None
    accepted = decided + timedelta(days=9) if status in {"accepted", "active", "completed"} else None
    return {
        "letter_issued_at": letter,
        "letter_issued_by_id": manager_id if letter else None,
        "accepted_at": accepted,
        "accepted_by_id": None,
        "accepted_name": "Chair of trustees" if accepted else None,
        "accepted_position": "Chair" if accepted else None,
        "accepted_ip": "127.0.0.1" if accepted else None,
        "accepted_letter_version": 1 if accepted else None,
        "accepted_letter_sha256": "0" * 64 if accepted else None,
        "declined_at": decided + timedelta(days=10) if status == "declined" else None,
        "declined_by_id": None,
        "decline_reason": "We found other funding for the project." if status == "declined" else None,
        "activated_at": decided + timedelta(days=12) if status in {"active", "completed"} else None,
        "withdrawn_at": decided + timedelta(days=40) if status == "withdrawn" else None,
        "withdrawn_by_id": manager_id if status == "withdrawn" else None,
        "withdrawal_reason": "The offer was not accepted in time." if status == "withdrawn" else None,
    }


def _paid_tranches(status: str, i: int) -> int:
    """How many of the award's tranches have been paid."""
    if status == "completed":
        return 3
    if status == "active":
        return 2 if i % 3 == 0 else 1
    return 0


def _payments(award_id: int, i: int, reference: str, amount: int, status: str, call: Call) -> list[dict[str, Any]]:
    paid = _paid_tranches(status, i)
    rows = []
    left = amount
    for position, (label, trigger, percent) in enumerate(TRANCHES, start=1):
        share = amount * percent // 100 if position < len(TRANCHES) else left
        left -= share
        due = DECIDED_AT + timedelta(days=12 + 180 * (position - 1))
        row: dict[str, Any] = {"award_id": award_id, "position": position, "label": label, "trigger": trigger}
        row |= {"percent": percent, "amount_pence": share, "status": "scheduled", "failure_reason": None}
        row |= dict.fromkeys(("due_at", "approved_at", "approved_by_id", "paid_on", "payment_reference"))
        row |= dict.fromkeys(("recorded_at", "recorded_by_id"))
        if position <= paid:
            row |= {"status": "paid", "due_at": due, "approved_at": due, "approved_by_id": call.finance_id}
            row |= {"paid_on": (due + timedelta(days=2)).date(), "payment_reference": f"BACS-{reference}-{position}"}
            row |= {"recorded_at": due + timedelta(days=2), "recorded_by_id": call.finance_id}
        elif position == 1 and status == "accepted":
            row |= {"status": "approved", "due_at": due, "approved_at": due, "approved_by_id": call.finance_id}
        rows.append(row)
    return rows


def _rows(call: Call, first_ids: dict[str, int], start: int, stop: int) -> dict[str, list[dict[str, Any]]]:
    """The rows of awards start..stop-1 of the call, table by table."""
    from fundapp.awards.services import verification_code
    from fundapp.core.reference import london_boroughs

    boroughs = london_boroughs()
    now = datetime.now(UTC)
    rng = random.Random(call.size * 1_000_003 + start)
    tables: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("organisations", "applications", "answers", "decisions", "awards", "payments")
    }
    for i in range(start, stop):
        org_id, app_id, award_id = (
            first_ids["organisations"] + i,
            first_ids["applications"] + i,
            first_ids["awards"] + i,
        )
        borough = boroughs[i % len(boroughs)]
        reference = f"{call.code}-{i + 1:06d}"
        amount = AMOUNTS[i % len(AMOUNTS)]
        status = STATUSES[(i * 37) % len(STATUSES)]
        activity = ACTIVITIES[i % len(ACTIVITIES)]
        title = f"{activity} in {borough.name}"
        summary = (
            f"{activity} for young people in {borough.name}: weekly sessions where people from different "
            "backgrounds meet, talk openly about hate and extremism, and plan their own community action."
        )
        themes = [str(t) for t in rng.sample(call.theme_ids, k=1 + i % 2)]
        places = [borough.gss_code] + [boroughs[(i + step) % len(boroughs)].gss_code for step in range(1, i % 3 + 1)]
        decided = DECIDED_AT + timedelta(seconds=i)
        tables["organisations"].append(_organisation(org_id, i, borough, now))
        tables["applications"].append(
            {"id": app_id, "round_id": call.round_id, "organisation_id": org_id, "reference": reference}
            | {"status": "approved", "project_title": title, "amount_requested_pence": amount}
            | {"submitted_at": datetime(2026, 3, 2, 10, tzinfo=UTC), "screened_at": datetime(2026, 3, 10, tzinfo=UTC)}
            | {"eligibility_reasons": [], "created_at": now, "updated_at": now}
        )
        tables["answers"] += _answers(app_id, title, summary, amount, themes, places)
        tables["decisions"].append(
            {"id": first_ids["decisions"] + i, "application_id": app_id, "round_id": call.round_id}
            | {"outcome": "approved", "reason": "Above the funding line", "feedback": "", "decided_at": decided}
            | {"decided_by_id": call.manager_id, "published_at": DECIDED_AT + timedelta(days=1)}
        )
        tables["awards"].append(
            {"id": award_id, "application_id": app_id, "round_id": call.round_id, "organisation_id": org_id}
            | {"reference": reference, "status": status, "amount_pence": amount, "conditions": ""}
            | {"verification_code": verification_code(), "created_at": decided, "decided_by_id": call.manager_id}
            | {"project_start": PROJECT_START, "project_end": PROJECT_START + timedelta(days=364)}
            | _award_fields(status, decided, call.manager_id)
        )
        tables["payments"] += _payments(award_id, i, reference, amount, status, call)
    return tables


def _seed_awards(call: Call) -> None:
    """The call's organisations, applications with answers, decisions, awards and payments, in bulk."""
    import sqlalchemy as sa

    from fundapp.extensions import db

    metadata = db.metadata
    order = ("organisations", "applications", "answers", "decisions", "awards", "payments")
    committed = 0
    with db.engine.begin() as conn:
        first_ids = {
            name: (conn.scalar(sa.select(sa.func.max(metadata.tables[name].c.id))) or 0) + 1
            for name in ("organisations", "applications", "decisions", "awards")
        }
        for start in range(0, call.size, CHUNK):
            tables = _rows(call, first_ids, start, min(start + CHUNK, call.size))
            for name in order:
                conn.execute(sa.insert(metadata.tables[name]), tables[name])
            committed += sum(
                a["amount_pence"] for a in tables["awards"] if a["status"] not in {"declined", "withdrawn"}
            )
        rounds = metadata.tables["rounds"]
        conn.execute(sa.update(rounds).where(rounds.c.id == call.round_id).values(committed_pence=committed))
        if conn.dialect.name == "postgresql":
            for name in first_ids:  # the tables given explicit ids
                sequence = f"pg_get_serial_sequence('{name}', 'id')"
                conn.execute(sa.text(f"SELECT setval({sequence}, (SELECT MAX(id) FROM {name}))"))  # noqa: S608


def _seed(sizes: Sequence[int]) -> tuple[list[Call], float]:
    """Migrate the database and seed a call per size; returns the calls and the seconds seeding took."""
    import sqlalchemy as sa

    from fundapp import create_app
    from fundapp.extensions import db
    from fundapp.programmes import services
    from tests.database import build_schema

    app = create_app()
    with app.app_context():
        build_schema(app)
        started = time.perf_counter()
        fund = services.create_fund(actor=None, code="BENCH", name="Benchmark Fund")
        manager_id, finance_id = _staff()
        calls = []
        for size in sizes:
            call = _create_call(fund, size, manager_id, finance_id)
            _seed_awards(call)
            calls.append(call)
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
        seconds = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return calls, seconds


# --- measuring ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float  # wall
    cpu_seconds: float  # user + system, which a busy machine disturbs far less than the wall time
    peak_kb: int  # the process's peak resident memory, start-up included
    rows_start_kb: int | None = None  # resident memory when the export began reading rows (app only)
    rows_peak_kb: int | None = None  # the highest resident memory sampled from then on (app only)


@dataclass(frozen=True)
class Measured:
    """The medians of the repeats of one export of one call, with the file it wrote."""

    name: str
    seconds: float
    cpu_seconds: float
    peak_mb: float
    rows_start_mb: float | None
    rows_peak_mb: float | None
    size_mb: float
    rows: int


def _rss_kb(pid: int) -> int | None:
    """A process's resident memory now, in KB (None once it has gone)."""
    try:
        with Path(f"/proc/{pid}/status").open("rb") as status:
            return next((int(line.split()[1]) for line in status if line.startswith(b"VmRSS:")), None)
    except OSError:
        return None


def _only_child(pid: int) -> int | None:
    """The process /usr/bin/time started (None if it has gone)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


class _Watch:
    """Reads the command's standard error in a thread; from the line saying rows begin, samples its memory."""

    def __init__(self, timer: subprocess.Popen[bytes], marker: bytes | None) -> None:
        self.lines: list[bytes] = []
        self.rows_start_kb: int | None = None
        self.rows_peak_kb: int | None = None
        self._timer, self._marker = timer, marker
        self._pid: int | None = None
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _rss(self) -> int | None:
        self._pid = self._pid or _only_child(self._timer.pid)
        return _rss_kb(self._pid) if self._pid else None

    def _read(self) -> None:
        assert self._timer.stderr is not None
        for line in self._timer.stderr:
            if self._marker and self.rows_start_kb is None and line.startswith(self._marker):
                self.rows_start_kb = self._rss()
            self.lines.append(line)

    def sample(self) -> None:
        if self.rows_start_kb is not None:
            self.rows_peak_kb = max(self.rows_peak_kb or self.rows_start_kb, self._rss() or 0)

    def join(self) -> str:
        self._thread.join()
        return b"".join(self.lines).decode(errors="replace")


def _timed(
    argv: Sequence[str], env: dict[str, str], workdir: Path, stdout: Path | None = None, marker: bytes | None = None
) -> Run:
    """Run a command in a fresh process under /usr/bin/time: its wall time, CPU time and peak resident memory (time
    forks it from its own small process, so the peak is the command's alone). With a marker, also its memory from the
    standard-error line starting with the marker (sampled every SAMPLE_S): what the rows add to what start-up used."""
    timing = workdir / "time.txt"
    with (stdout or Path(os.devnull)).open("wb") as out:
        start = time.perf_counter()
        timer = subprocess.Popen(
            ["/usr/bin/time", "-f", "%U %S %M", "-o", str(timing), *argv],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.PIPE,
        )
        watch = _Watch(timer, marker)
        while timer.poll() is None:
            watch.sample()
            time.sleep(SAMPLE_S)
        seconds = time.perf_counter() - start
    errors = watch.join()
    if timer.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({timer.returncode}):\n{errors[-2000:]}")
    user, system, peak_kb = timing.read_text().splitlines()[-1].split()
    return Run(seconds, float(user) + float(system), int(peak_kb), watch.rows_start_kb, watch.rows_peak_kb)


def _baseline_query(round_id: int) -> str:
    """The same rows as the register, one per award of the call, with comparable columns, as one line of SQL."""
    query = f"""
        SELECT w.reference, o.name AS organisation_name, o.legal_type, o.charity_number, o.company_number,
               o.postcode, a.project_title,
               (SELECT s.value FROM answers s WHERE s.application_id = a.id AND s.question_key = 'project_summary')
                   AS project_summary,
               (SELECT s.value FROM answers s WHERE s.application_id = a.id AND s.question_key = 'themes') AS themes,
               (SELECT s.value FROM answers s WHERE s.application_id = a.id AND s.question_key = 'boroughs')
                   AS boroughs,
               a.amount_requested_pence, w.amount_pence,
               (SELECT COALESCE(SUM(p.amount_pence), 0) FROM payments p WHERE p.award_id = w.id AND p.status = 'paid')
                   AS paid_pence,
               d.decided_at, w.project_start, w.project_end, w.status
        FROM awards w
        JOIN organisations o ON o.id = w.organisation_id
        JOIN applications a ON a.id = w.application_id
        JOIN decisions d ON d.application_id = a.id
        WHERE w.round_id = {int(round_id)}
        ORDER BY w.reference
    """  # noqa: S608 (the round id is an int)
    return " ".join(query.split())


def _baseline_command(call: Call, workdir: Path, output: Path) -> tuple[list[str], Path | None]:
    """The database's own CSV export of the call's register rows: (argv, the file its stdout goes to, if any)."""
    query = _baseline_query(call.round_id)
    if not _is_postgresql():
        return ["/usr/bin/sqlite3", "-csv", "-header", str(workdir / "bench.db"), query], output
    import sqlalchemy as sa

    url = sa.make_url(DATABASE_URL)
    connection = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    copy = f"\\copy ({query}) TO '{output}' CSV HEADER"
    return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *connection, "-d", url.database or "", "-c", copy], None


def _csv_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def _xlsx_rows(path: Path) -> int:
    """Data rows in the workbook's first sheet (every <row> element after the header row), read as a stream."""
    count, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
        while chunk := sheet.read(1 << 20):
            data = tail + chunk
            count += data.count(b"<row ") + data.count(b"<row>") - tail.count(b"<row ") - tail.count(b"<row>")
            tail = data[-5:]
    return count - 1


def _median_mb(values: list[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) / 1024 if known else None


def _measure(
    name: str, argv: list[str], stdout: Path | None, output: Path, env: dict[str, str], workdir: Path
) -> Measured:
    """Median times and memory of REPEATS runs of one export, and the size and data rows of the file it wrote."""
    marker = ROWS_BEGIN if argv[0].endswith("flask") else None
    runs = [_timed(argv, env, workdir, stdout, marker) for _ in range(REPEATS)]
    rows = _xlsx_rows(output) if output.suffix == ".xlsx" else _csv_rows(output)
    return Measured(
        name,
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        statistics.median(r.peak_kb for r in runs) / 1024,
        _median_mb([r.rows_start_kb for r in runs]),
        _median_mb([r.rows_peak_kb for r in runs]),
        output.stat().st_size / 1_000_000,
        rows,
    )


def _measure_call(call: Call, env: dict[str, str], workdir: Path) -> list[Measured]:
    """The baseline, then the app's CSV and XLSX exports of one call; stops if a file has the wrong row count."""
    flask = str(Path(sys.executable).parent / "flask")
    baseline_file = workdir / f"baseline-{call.size}.csv"
    argv, stdout = _baseline_command(call, workdir, baseline_file)
    measured = [_measure("database CSV", argv, stdout, baseline_file, env, workdir)]
    for fmt in FORMATS:
        output = workdir / f"register-{call.size}.{fmt}"
        command = [flask, "export", "awards", "--round", call.code, "--format", fmt, "--output", str(output)]
        measured.append(_measure(f"app {fmt.upper()}", command, None, output, env, workdir))
    for result in measured:
        if result.rows != call.size:
            raise SystemExit(f"{result.name} of {call.code} has {result.rows} data rows, not {call.size}")
    return measured


# --- the report ---------------------------------------------------------------------------------------------------


def _mb(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _times(value: float, base: float) -> str:
    """value as a multiple of base; a dash when base is below what /usr/bin/time can tell from zero (10 ms)."""
    return f"{value / base:.1f}" if base > 0 else "–"


def _table(results: dict[int, list[Measured]]) -> Iterator[str]:
    yield (
        f"{'awards':>8}  {'export':<13} {'wall s':>7} {'× db':>6} {'CPU s':>7} {'× db':>6} {'peak MB':>8} {'× db':>6} "
        f"{'rows MB':>8} {'→ MB':>6} {'file MB':>8}"
    )
    for size, measured in results.items():
        base = measured[0]
        for m in measured:
            yield (
                f"{size:>8,}  {m.name:<13} {m.seconds:>7.2f} {m.seconds / base.seconds:>6.1f} "
                f"{m.cpu_seconds:>7.2f} {_times(m.cpu_seconds, base.cpu_seconds):>6} "
                f"{m.peak_mb:>8.1f} {m.peak_mb / base.peak_mb:>6.1f} "
                f"{_mb(m.rows_start_mb):>8} {_mb(m.rows_peak_mb):>6} {m.size_mb:>8.1f}"
            )
    yield "(rows MB → MB: the app's resident memory when it began reading rows, and the most it reached from then on)"


def _rows_added(measured: Measured) -> float | None:
    """How much the app's resident memory rose while it read and wrote the rows."""
    if measured.rows_start_mb is None or measured.rows_peak_mb is None:
        return None
    return measured.rows_peak_mb - measured.rows_start_mb


def _growth(results: dict[int, list[Measured]]) -> Iterator[str]:
    small, large = min(results), max(results)
    for index, name in enumerate(m.name for m in results[small]):
        before, after = results[small][index], results[large][index]
        ratio = after.peak_mb / before.peak_mb
        line = (
            f"{name}: peak RSS {small:,} awards {before.peak_mb:.0f} MB, {large:,} awards {after.peak_mb:.0f} MB "
            f"→ ×{ratio:.2f} ({'flat' if ratio < FLAT else 'grows with the rows'})"
        )
        added = [_rows_added(before), _rows_added(after)]
        if added[0] is not None and added[1] is not None:
            line += f"; the rows added {added[0]:+.1f} MB at {small:,} awards, {added[1]:+.1f} MB at {large:,}"
        yield line


def main() -> None:
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix="fundapp-bench-exports-"))
    environment = _environment(workdir)
    os.environ.update(environment)
    env = {**os.environ, **environment}
    created = _create_postgresql_database() if _is_postgresql() else False
    load_before = os.getloadavg()[0]
    try:
        calls, seed_s = _seed(SIZES)
        print(f"Seeded {sum(SIZES):,} awards in {seed_s:.0f} s; measuring…", flush=True)
        startup = _timed([str(Path(sys.executable).parent / "flask"), "export", "awards", "--help"], env, workdir)
        results = {call.size: _measure_call(call, env, workdir) for call in calls}
    finally:
        if created:
            _drop_postgresql_database()
        if not os.environ.get("EXPORTS_BENCH_KEEP"):  # EXPORTS_BENCH_KEEP=1 keeps the database and the files
            shutil.rmtree(workdir, ignore_errors=True)
    database = "PostgreSQL (psql \\copy)" if _is_postgresql() else "SQLite (sqlite3 -csv)"
    lines = [
        f"Export benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, {database}, "
        f"median of {REPEATS}; seeding {sum(SIZES):,} awards took {seed_s:.0f} s; "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after",
        f"App start-up alone (flask export awards --help): {startup.seconds:.2f} s wall, "
        f"{startup.cpu_seconds:.2f} s CPU, peak RSS {startup.peak_kb / 1024:.0f} MB",
        *_table(results),
        *(_growth(results) if len(results) > 1 else []),
    ]
    report = "\n".join(lines)
    print(report)
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    kind = "postgresql" if _is_postgresql() else "sqlite"
    (results_dir / f"exports-{kind}-{datetime.now(UTC):%Y%m%d-%H%M%S}.txt").write_text(report + "\n")


if __name__ == "__main__":
    main()
