"""360Giving files written from fixed register rows match the reviewed golden files byte for byte (CSV, JSON) or
cell for cell (XLSX, read back with python-calamine), and the JSON package is valid against the standard offline.

To accept a deliberate change of output, run with UPDATE_GOLDEN=1 and review the diff of tests/integration/reporting/
golden/360giving-* before committing it.
"""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from python_calamine import CalamineWorkbook

from fundapp.accounts.states import LegalType
from fundapp.awards.states import AwardStatus, PaymentStatus
from fundapp.core.clock import utcnow
from fundapp.reporting.register import RegisterRow, iter_register_rows
from fundapp.reporting.threesixtygiving import (
    Problem,
    Publisher,
    package_problems,
    publisher_from_config,
    write_flat_csv,
    write_flat_xlsx,
    write_package_json,
)
from tests.factories import PaymentLineFactory, RegisterRowFactory
from tests.integration.reporting.conftest import accepted_offer

GOLDEN = Path(__file__).parent / "golden"
PUBLISHER = Publisher(
    prefix="360G-example",
    funder_id="GB-GOR-PC390",
    funder_name="Mayor of London",
    publisher_name="Mayor of London",
    now=datetime(2025, 6, 2, 8, 0, tzinfo=UTC),
)


def _rows() -> list[RegisterRow]:
    """A charity, a company (leading zeros), an unregistered group working across London with pence in its amounts,
    a completed grant, a declined offer (not published) and one with problems to fix."""
    return [
        RegisterRowFactory(award_id=11, reference="SEF-5-0001"),
        RegisterRowFactory(
            award_id=12,
            reference="SEF-5-0002",
            organisation_id=102,
            organisation_name="Lewisham Food Share CIC",
            legal_type=LegalType.CIC,
            charity_number=None,
            company_number="01234567",
            organisation_postcode="SE13 5AB",
            project_title="Cooking on a budget",
            project_summary="Cookery classes and a weekly food share for families on low incomes in Lewisham.",
            boroughs=("E09000023",),
            amount_applied_pence=None,
            amount_awarded_pence=800_000,
            paid_pence=0,
            payments=(PaymentLineFactory(status=PaymentStatus.APPROVED, paid_on=None, amount_pence=400_000),),
            status=AwardStatus.ACCEPTED,
            award_date=date(2025, 3, 20),
            planned_start=date(2025, 5, 1),
            planned_end=date(2025, 10, 31),
            last_modified=datetime(2025, 3, 28, 16, 5, 42, tzinfo=UTC),
        ),
        RegisterRowFactory(
            award_id=13,
            reference="SEF-5-0003",
            organisation_id=103,
            organisation_name="Café Conversations – Women’s Group",
            legal_type=LegalType.UNINCORPORATED_ASSOCIATION,
            charity_number=None,
            organisation_postcode="N1 9GU",
            project_title="Conversation cafés for older women",
            project_summary="Monthly cafés in three boroughs where older women meet, talk and find support.",
            boroughs=("E09000019", "E09000007", "E09000005"),
            amount_applied_pence=499_999,
            amount_awarded_pence=450_050,
            paid_pence=450_050,
            payments=(
                PaymentLineFactory(amount_pence=225_025, paid_on=date(2025, 4, 10)),
                PaymentLineFactory(label="Final payment", amount_pence=225_025, paid_on=date(2025, 11, 3)),
            ),
            status=AwardStatus.COMPLETED,
            planned_end=date(2025, 9, 30),
            last_modified=datetime(2025, 11, 3, 9, 0, tzinfo=UTC),
        ),
        RegisterRowFactory(award_id=14, reference="SEF-5-0004", status=AwardStatus.DECLINED),
        RegisterRowFactory(
            award_id=15,
            reference="SEF-5-0005",
            organisation_id=105,
            charity_number="1098765",
            project_title='=HYPERLINK("https://evil.example","Youth club")',
            project_summary="Email youthclub@example.org to join. Weekly sessions for 11 to 16 year olds.",
            boroughs=(),
            payments=(),
            paid_pence=0,
        ),
    ]


def _check_golden(name: str, actual: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(actual)
    assert actual == path.read_bytes(), f"{name} differs from its golden file (UPDATE_GOLDEN=1 to accept)"


EXPECTED_PROBLEMS = [
    Problem(
        4,
        "SEF-5-0005",
        "email-in-text",
        "The description has an email address in it: take it out before publishing",
    ),
    Problem(
        4,
        "SEF-5-0005",
        "no-beneficiary-location",
        "The grant names no London borough where the people it helps are",
    ),
]


def test_the_json_package_matches_its_golden_file_and_is_valid() -> None:
    out = io.BytesIO()
    assert write_package_json(_rows(), out, PUBLISHER) == EXPECTED_PROBLEMS
    _check_golden("360giving-package.json", out.getvalue())
    package = json.loads(out.getvalue())
    assert package_problems(package) == []
    assert [grant["id"] for grant in package["grants"]] == [
        "360G-example-SEF-5-0001",
        "360G-example-SEF-5-0002",
        "360G-example-SEF-5-0003",
        "360G-example-SEF-5-0005",
    ]


def test_the_flat_csv_matches_its_golden_file() -> None:
    out = io.BytesIO()
    assert write_flat_csv(_rows(), out, PUBLISHER) == EXPECTED_PROBLEMS
    _check_golden("360giving-flat.csv", out.getvalue())


def test_the_flat_xlsx_reads_back_as_its_golden_cells(tmp_path: Path) -> None:
    path = tmp_path / "360giving.xlsx"
    assert write_flat_xlsx(_rows(), str(path), PUBLISHER) == EXPECTED_PROBLEMS
    cells = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("grants").to_python()
    text = "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in cells) + "\n]\n"
    _check_golden("360giving-flat-xlsx-cells.json", text.encode())


@pytest.mark.usefixtures("db_session")
def test_a_real_accepted_award_is_published_as_a_valid_grant(app: Flask) -> None:
    offer = accepted_offer()
    rows = list(iter_register_rows(round_ids=[offer.award.round_id]))
    publisher = publisher_from_config(app.config, now=utcnow())
    out = io.BytesIO()
    problems = write_package_json(rows, out, publisher)
    assert [p.rule for p in problems if p.rule == "schema"] == []
    package = json.loads(out.getvalue())
    assert package_problems(package) == []
    (grant,) = package["grants"]
    assert grant["id"] == f"360G-test-{offer.award.reference}"
    assert grant["amountAwarded"] == offer.award.amount_pence / 100
