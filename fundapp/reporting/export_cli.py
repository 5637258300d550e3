"""`flask export awards`: the award register written to a file from the terminal, in any export format.

    flask export awards --round SEF-5 --format csv --output sef-5.csv
    flask export awards --fund SEF --format 360giving-json --output sef.json
    flask export awards --from 2026-04-01 --to 2027-03-31 --format xlsx --output 2026-27.xlsx

The same writers as the exports page (reporting.exports.write_export), run at once rather than as a background job.
Rows stream from the database in batches, so any number of awards is written in bounded memory; a progress bar goes
to standard error. --from and --to (London days, either may be left out) narrow a call or fund to the awards made
between them, or on their own cover every call. The file is written beside PATH and moved into place when it is
complete; a 360Giving export that breaks a data-quality rule is discarded and its problems are listed (exit code 1).
Each run is recorded in the audit log (no person; data.via = "cli").
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from fundapp.core.audit import record_event
from fundapp.core.clock import utcnow
from fundapp.core.transactions import commit_unit_of_work, rollback_unit_of_work
from fundapp.core.wording import plural
from fundapp.programmes import queries as programme_queries
from fundapp.reporting.exports import CountedRows, file_sha256, write_export
from fundapp.reporting.register import count_register_rows, iter_register_rows
from fundapp.reporting.states import ExportFormat
from fundapp.reporting.threesixtygiving import Problem

export_cli = AppGroup("export", help="Exports of the award register.")

# How often the progress bar moves (rows), and how many problems an invalid export lists.
TICK = 500
SHOWN_PROBLEMS = 50


def _round_ids(round_code: str | None, fund_code: str | None) -> tuple[list[int], dict[str, Any]]:
    """The calls to export (one call, a fund's calls, or every call) and how the audit log names them."""
    if round_code and fund_code:
        raise click.UsageError("Give --round or --fund, not both")
    if round_code:
        round_ = programme_queries.find_round_by_code(round_code.strip())
        if round_ is None:
            raise click.ClickException(f"No call has the code {round_code!r}")
        return [round_.id], {"scope": "round", "round": round_.code}
    if fund_code:
        fund = programme_queries.find_fund_by_code(fund_code.strip())
        if fund is None:
            raise click.ClickException(f"No fund has the code {fund_code!r}")
        return [r.id for r in programme_queries.list_rounds(fund_id=fund.id)], {"scope": "fund", "fund": fund.code}
    return [r.id for r in programme_queries.list_rounds()], {"scope": "dates"}


def _show_problems(problems: Sequence[Problem]) -> None:
    click.echo(f"Not valid 360Giving data: {plural(len(problems), 'problem')}. Nothing was written.", err=True)
    for problem in problems[:SHOWN_PROBLEMS]:
        where = f"row {problem.row} ({problem.reference})" if problem.row else "the file"
        click.echo(f"  {where}: {problem.message} [{problem.rule}]", err=True)
    if len(problems) > SHOWN_PROBLEMS:
        click.echo(f"  … and {len(problems) - SHOWN_PROBLEMS} more.", err=True)


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@export_cli.command("awards")
@click.option("--round", "round_code", default=None, help="A call's code, e.g. SEF-5.")
@click.option("--fund", "fund_code", default=None, help="A fund's code: every call of the fund.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Awards made on or after.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Awards made on or before.")
@click.option(
    "--format",
    "format_name",
    type=click.Choice([f.value for f in ExportFormat]),
    default=ExportFormat.CSV.value,
    show_default=True,
    help="The file's format.",
)
@click.option(
    "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The file to write (replaced)."
)
def awards(
    round_code: str | None,
    fund_code: str | None,
    date_from: datetime | None,
    date_to: datetime | None,
    format_name: str,
    output: Path,
) -> None:
    """Write the award register (one row per award) of a call, a fund or a date range to a file."""
    first, last = _day(date_from), _day(date_to)
    if not (round_code or fund_code or first or last):
        raise click.UsageError("Say what to export: --round CODE, --fund CODE, or --from and --to dates")
    if first and last and last < first:
        raise click.UsageError("--to must be the same day as --from or after it")
    export_format = ExportFormat(format_name)
    round_ids, described = _round_ids(round_code, fund_code)
    total = count_register_rows(round_ids=round_ids, date_from=first, date_to=last)
    partial = output.with_name(f".{output.name}.part")
    output.parent.mkdir(parents=True, exist_ok=True)
    rows = CountedRows(iter_register_rows(round_ids=round_ids, date_from=first, date_to=last))
    label = f"Exporting {plural(total, 'award')}"
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:

        def tick(done: int) -> None:
            if done % TICK == 0 or done == total:
                bar.update(done - bar.pos)

        try:
            problems = write_export(
                export_format, rows, partial, config=current_app.config, now=utcnow(), on_progress=tick
            )
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    rollback_unit_of_work()  # end the long read before writing the audit event
    data: dict[str, Any] = {
        "via": "cli",
        "format": export_format.value,
        **described,
        "date_from": first.isoformat() if first else None,
        "date_to": last.isoformat() if last else None,
        "rows": rows.count,
        "output": str(output),
    }
    if problems:
        partial.unlink(missing_ok=True)
        record_event("export.finished", actor=None, data={**data, "status": "invalid", "problems": len(problems)})
        commit_unit_of_work()
        _show_problems(problems)
        raise SystemExit(1)
    data.update(status="done", size_bytes=partial.stat().st_size, sha256=file_sha256(partial))
    partial.replace(output)
    record_event("export.finished", actor=None, data=data)
    commit_unit_of_work()
    size = f"{data['size_bytes']:,} bytes"
    click.echo(f"Wrote {plural(rows.count, 'award')} to {output} ({export_format.value}, {size}).")


__all__ = ["awards", "export_cli"]
