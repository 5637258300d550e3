"""The 360Giving files: a JSON package and the flat CSV and XLSX, each written one grant at a time.

Every writer reads the register rows once (any number of them, in bounded memory), publishes only awards taken up
(is_published), checks each grant against the schema and the data-quality rules as it is written, and returns every
problem found (the caller keeps the first few hundred and the count).

The flat files use the column titles of the 360Giving templates, as 360Giving's flatten-tool names them: a list
with one item (recipient, funder, programme, planned dates) is rolled up ("Recipient Org:Identifier"), and the
beneficiary locations are numbered ("Beneficiary Location:0:Name"), with room for all 33 London boroughs so the
columns are fixed before the first row. Disbursement transactions are in the JSON package only; the flat files give
their total as "Amount Disbursed".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from fundapp.core.reference import london_boroughs
from fundapp.core.spreadsheets import SheetCell, csv_stream, write_xlsx_row, xlsx_workbook
from fundapp.reporting.register import RegisterRow
from fundapp.reporting.threesixtygiving.mapping import LICENSE, Publisher, grant_record, is_published
from fundapp.reporting.threesixtygiving.quality import Problem, quality_problems
from fundapp.reporting.threesixtygiving.schema import PACKAGE_VERSION, schema_problems

Progress = Callable[[int], None]

# The most boroughs a grant can name: every London borough once.
LOCATION_COLUMNS = len(london_boroughs())
_LOCATION_FIELDS = (("Name", "name"), ("Geographic Code", "geoCode"), ("Geographic Code Type", "geoCodeType"))
XLSX_SHEET = "grants"


def _first(grant: dict[str, Any], field: str, key: str) -> Any:
    items = grant.get(field) or [{}]
    return items[0].get(key)


def _rolled_up(title: str, field: str, key: str) -> tuple[str, Callable[[dict[str, Any]], Any]]:
    return title, lambda grant: _first(grant, field, key)


def _top(title: str, key: str) -> tuple[str, Callable[[dict[str, Any]], Any]]:
    return title, lambda grant: grant.get(key)


def _location(index: int, title: str, key: str) -> tuple[str, Callable[[dict[str, Any]], Any]]:
    def value(grant: dict[str, Any]) -> Any:
        locations = grant.get("beneficiaryLocation") or []
        return locations[index].get(key) if index < len(locations) else None

    return f"Beneficiary Location:{index}:{title}", value


FLAT_COLUMNS: tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...] = (
    _top("Identifier", "id"),
    _top("Title", "title"),
    _top("Description", "description"),
    _top("Currency", "currency"),
    _top("Amount Applied For", "amountAppliedFor"),
    _top("Amount Awarded", "amountAwarded"),
    _top("Amount Disbursed", "amountDisbursed"),
    _top("Award Date", "awardDate"),
    _rolled_up("Planned Dates:Start Date", "plannedDates", "startDate"),
    _rolled_up("Planned Dates:End Date", "plannedDates", "endDate"),
    _rolled_up("Planned Dates:Duration (months)", "plannedDates", "duration"),
    _rolled_up("Recipient Org:Identifier", "recipientOrganization", "id"),
    _rolled_up("Recipient Org:Name", "recipientOrganization", "name"),
    _rolled_up("Recipient Org:Charity Number", "recipientOrganization", "charityNumber"),
    _rolled_up("Recipient Org:Company Number", "recipientOrganization", "companyNumber"),
    _rolled_up("Recipient Org:Postal Code", "recipientOrganization", "postalCode"),
    _rolled_up("Funding Org:Identifier", "fundingOrganization", "id"),
    _rolled_up("Funding Org:Name", "fundingOrganization", "name"),
    _rolled_up("Grant Programme:Code", "grantProgramme", "code"),
    _rolled_up("Grant Programme:Title", "grantProgramme", "title"),
    *(_location(index, title, key) for index in range(LOCATION_COLUMNS) for title, key in _LOCATION_FIELDS),
    _top("From An Open Call?", "fromOpenCall"),
    _top("Last Modified", "dateModified"),
)
FLAT_HEADER = tuple(title for title, _ in FLAT_COLUMNS)


def flat_row(grant: dict[str, Any]) -> list[SheetCell]:
    """The grant as one row under FLAT_HEADER: amounts as numbers, everything else as text ('' when absent)."""
    return [_cell(value(grant)) for _, value in FLAT_COLUMNS]


def _cell(value: Any) -> SheetCell:
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def check_grant(row: RegisterRow, grant: dict[str, Any], publisher: Publisher, *, row_number: int) -> list[Problem]:
    """The data-quality rules and the schema for one grant, as problems naming its row and award."""
    problems = quality_problems(row, grant, prefix=publisher.prefix, row_number=row_number)
    problems += [Problem(row_number, row.reference, "schema", message) for message in schema_problems(grant)]
    return problems


def published_grants(
    rows: Iterable[RegisterRow], publisher: Publisher, problems: list[Problem], on_progress: Progress | None = None
) -> Iterator[dict[str, Any]]:
    """The grant of every published row, in order, each checked as it goes (its problems appended to problems).

    on_progress(n) is called after each register row is read, published or not, with how many have been read.
    """
    seen: set[str] = set()
    number = 0
    for read, row in enumerate(rows, start=1):
        if is_published(row):
            number += 1
            grant = grant_record(row, publisher)
            problems.extend(check_grant(row, grant, publisher, row_number=number))
            if grant["id"] in seen:
                message = f"Another grant in the file has the identifier {grant['id']}"
                problems.append(Problem(number, row.reference, "duplicate-id", message))
            seen.add(grant["id"])
            yield grant
        if on_progress is not None:
            on_progress(read)
    if number == 0:
        message = "There are no accepted, active or completed awards to publish"
        problems.append(Problem(0, "", "no-grants", message))


def package_header(publisher: Publisher) -> dict[str, Any]:
    """The package's fields other than its grants."""
    return {
        "license": LICENSE,
        "publisher": {"name": publisher.publisher_name, "prefix": publisher.prefix},
        "version": PACKAGE_VERSION,
    }


def write_package_json(
    rows: Iterable[RegisterRow], out: IO[bytes], publisher: Publisher, *, on_progress: Progress | None = None
) -> list[Problem]:
    """Write the 360Giving JSON package (UTF-8, indented) one grant at a time; return every problem found."""
    problems: list[Problem] = []
    out.write(b"{\n")
    for key, value in package_header(publisher).items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n".encode())
    out.write(b'  "grants": [')
    separator = b"\n"
    for grant in published_grants(rows, publisher, problems, on_progress):
        text = json.dumps(grant, ensure_ascii=False, indent=2)
        out.write(separator + "\n".join(f"    {line}" for line in text.splitlines()).encode())
        separator = b",\n"
    out.write(b"\n  ]\n}\n")
    return problems


def write_flat_csv(
    rows: Iterable[RegisterRow], out: IO[bytes], publisher: Publisher, *, on_progress: Progress | None = None
) -> list[Problem]:
    """Write the 360Giving flat CSV (UTF-8 with a BOM, cells made safe) one grant a row; return every problem."""
    problems: list[Problem] = []
    with csv_stream(out) as write_row:
        write_row(FLAT_HEADER)
        for grant in published_grants(rows, publisher, problems, on_progress):
            write_row(flat_row(grant))
    return problems


def write_flat_xlsx(
    rows: Iterable[RegisterRow], path: str, publisher: Publisher, *, on_progress: Progress | None = None
) -> list[Problem]:
    """Write the 360Giving flat XLSX (one 'grants' sheet, cells made safe) to path; return every problem found."""
    problems: list[Problem] = []
    workbook = xlsx_workbook(path)
    try:
        sheet = workbook.add_worksheet(XLSX_SHEET)
        write_xlsx_row(sheet, 0, FLAT_HEADER)
        for number, grant in enumerate(published_grants(rows, publisher, problems, on_progress), start=1):
            write_xlsx_row(sheet, number, flat_row(grant))
    finally:
        workbook.close()
    return problems
