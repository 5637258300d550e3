"""The award register's cells, org-ids and payment summaries, from plain rows (no database)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from fundapp.core.spreadsheets import BOM
from fundapp.reporting.exports import export_file_name, write_register_csv
from fundapp.reporting.register import (
    REGISTER_COLUMN_KINDS,
    REGISTER_COLUMNS,
    PaymentLine,
    RegisterRow,
    grant_identifier,
    organisation_identifier,
    payment_summary,
    register_cells,
)
from fundapp.reporting.states import ExportFormat

PREFIX = "360G-test"


def _row(**changes: object) -> RegisterRow:
    row = RegisterRow(
        award_id=7,
        reference="SEF-5-0003",
        fund_code="SEF",
        fund_name="Shared Endeavour Fund",
        round_code="SEF-5",
        round_name="Shared Endeavour Fund call 5",
        organisation_id=42,
        organisation_name="Bow Youth Trust",
        legal_type="cio",
        charity_number="1123456",
        company_number=None,
        organisation_postcode="E3 2AA",
        project_title="After school club",
        project_summary="Weekly sessions.",
        tier="Large grants",
        themes=("Youth", "Cohesion"),
        boroughs=("E09000030", "E09000007"),
        amount_applied_pence=1_250_050,
        amount_awarded_pence=1_200_000,
        paid_pence=600_000,
        award_date=date(2026, 3, 10),
        planned_start=date(2026, 4, 1),
        planned_end=None,
        status="active",
        payments=(
            PaymentLine("First payment", 600_000, "paid", datetime(2026, 4, 1, tzinfo=UTC), date(2026, 4, 3), "B1"),
            PaymentLine("Second payment", 480_000, "scheduled", None, None, None),
        ),
        last_modified=datetime(2026, 4, 3, tzinfo=UTC),
    )
    return replace(row, **changes)  # type: ignore[arg-type]


def _cells(row: RegisterRow) -> dict[str, str | int | None]:
    return dict(zip(REGISTER_COLUMNS, register_cells(row, prefix=PREFIX), strict=True))


def test_a_registered_charity_is_gb_chc_with_its_number_without_spaces() -> None:
    assert organisation_identifier(_row(charity_number=" 112 3456 "), PREFIX) == "GB-CHC-1123456"


def test_a_scottish_charity_is_gb_sc() -> None:
    assert organisation_identifier(_row(charity_number="SC012345"), PREFIX) == "GB-SC-SC012345"


def test_a_northern_irish_charity_is_gb_nic_with_its_digits() -> None:
    assert organisation_identifier(_row(charity_number="NIC100123"), PREFIX) == "GB-NIC-100123"


def test_a_company_keeps_the_leading_zeros_of_its_number() -> None:
    row = _row(charity_number=None, company_number="01234567", legal_type="cic")
    assert organisation_identifier(row, PREFIX) == "GB-COH-01234567"


def test_a_charitable_company_is_identified_by_its_charity_number() -> None:
    row = _row(charity_number="1090001", company_number="04000001", legal_type="charitable_company")
    assert organisation_identifier(row, PREFIX) == "GB-CHC-1090001"


def test_a_group_on_no_register_gets_the_funders_prefix_and_our_id() -> None:
    row = _row(charity_number="", company_number=None, legal_type="unincorporated_association")
    assert organisation_identifier(row, PREFIX) == "360G-test-ORG-42"


def test_the_grant_id_is_the_prefix_and_the_award_reference() -> None:
    assert grant_identifier(_row(), PREFIX) == "360G-test-SEF-5-0003"


def test_money_is_plain_pounds_dates_are_iso_and_blanks_are_empty() -> None:
    cells = _cells(_row())
    assert cells["Amount applied for (£)"] == "12500.50"
    assert cells["Amount awarded (£)"] == "12000.00"
    assert cells["Paid (£)"] == "6000.00"
    assert cells["Outstanding (£)"] == "6000.00"
    assert cells["Award date"] == "2026-03-10"
    assert cells["Planned start"] == "2026-04-01"
    assert cells["Planned end"] == ""
    assert cells["Company number"] == ""
    assert cells["Themes"] == "Youth; Cohesion"
    assert cells["Boroughs"] == "Tower Hamlets; Camden"
    assert cells["Status"] == "Active"
    assert cells["360Giving id"] == "360G-test-SEF-5-0003"
    assert cells["Organisation id"] == "GB-CHC-1123456"


def test_an_application_without_an_amount_leaves_the_applied_cell_empty() -> None:
    assert _cells(_row(amount_applied_pence=None))["Amount applied for (£)"] == ""


def test_the_payments_cell_says_what_happened_to_each_tranche() -> None:
    assert _cells(_row())["Payments"] == (
        "First payment £6,000.00 paid 2026-04-03 ref B1; Second payment £4,800.00 not yet due"
    )


@pytest.mark.parametrize(
    ("status", "due_at", "expected"),
    [
        ("scheduled", datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "Second payment £10.00 due 2026-07-01"),  # London
        ("approved", datetime(2026, 6, 1, tzinfo=UTC), "Second payment £10.00 approved, not yet paid"),
        ("failed", datetime(2026, 6, 1, tzinfo=UTC), "Second payment £10.00 failed"),
        ("paid", datetime(2026, 6, 1, tzinfo=UTC), "Second payment £10.00 paid"),
    ],
)
def test_each_payment_status_in_words(status: str, due_at: datetime, expected: str) -> None:
    assert payment_summary(PaymentLine("Second payment", 1000, status, due_at, None, None)) == expected


@pytest.mark.parametrize("status", ["declined", "withdrawn"])
def test_an_ended_award_owes_nothing_and_its_unpaid_tranches_are_not_to_be_paid(status: str) -> None:
    cells = _cells(_row(status=status))
    assert cells["Outstanding (£)"] == "0.00"
    assert cells["Payments"].endswith("Second payment £4,800.00 not to be paid")  # type: ignore[union-attr]
    assert cells["Payments"].startswith("First payment £6,000.00 paid 2026-04-03")  # type: ignore[union-attr]


def test_outstanding_is_never_negative() -> None:
    assert _row(paid_pence=1_300_000).outstanding_pence == 0


def test_every_column_has_a_kind() -> None:
    assert len(REGISTER_COLUMNS) == len(REGISTER_COLUMN_KINDS) == len(register_cells(_row(), prefix=PREFIX))


def test_the_csv_starts_with_the_bom_uses_crlf_and_writes_pounds_as_utf8() -> None:
    out = io.BytesIO()
    written = write_register_csv([_row(), _row(reference="SEF-5-0004")], out, prefix=PREFIX)
    data = out.getvalue()
    assert written == 2
    assert data.startswith(BOM.encode("utf-8"))
    assert "£".encode() in data and b"\xc2\xa3" in data
    assert data.count(b"\r\n") == 3 and b"\n" not in data.replace(b"\r\n", b"")


def test_progress_is_reported_after_each_row() -> None:
    seen: list[int] = []
    write_register_csv([_row()] * 3, io.BytesIO(), prefix=PREFIX, on_progress=seen.append)
    assert seen == [1, 2, 3]


@pytest.mark.parametrize(
    ("export_format", "label", "expected"),
    [
        (ExportFormat.CSV, "SEF-5", "SEF-5-award-register-2026-11-22.csv"),
        (ExportFormat.XLSX, "SEF", "SEF-award-register-2026-11-22.xlsx"),
        (ExportFormat.THREESIXTYGIVING_JSON, "SEF-5", "SEF-5-award-register-2026-11-22-360giving.json"),
        (ExportFormat.THREESIXTYGIVING_CSV, "SEF-5", "SEF-5-award-register-2026-11-22-360giving.csv"),
        (ExportFormat.THREESIXTYGIVING_XLSX, "SEF 5/../x", "SEF-5-x-award-register-2026-11-22-360giving.xlsx"),
    ],
)
def test_file_names_say_what_when_and_which_format(export_format: ExportFormat, label: str, expected: str) -> None:
    name = export_file_name(export_format, scope_label=label, today=date(2026, 11, 22), date_from=None, date_to=None)
    assert name == expected


def test_a_date_range_file_is_named_for_its_days() -> None:
    name = export_file_name(
        ExportFormat.CSV,
        scope_label="",
        today=date(2026, 11, 22),
        date_from=date(2026, 4, 1),
        date_to=date(2027, 3, 31),
    )
    assert name == "award-register-2026-04-01-to-2027-03-31-2026-11-22.csv"
