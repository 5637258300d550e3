"""360Giving: the mapping of a register row, the data-quality rules, offline schema checks and the writers."""

from __future__ import annotations

import copy
import csv
import io
import json
import socket
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from fundapp.accounts.states import LegalType
from fundapp.awards.states import AwardStatus, PaymentStatus
from fundapp.reporting import threesixtygiving
from fundapp.reporting.register import RegisterRow
from fundapp.reporting.threesixtygiving import (
    FLAT_HEADER,
    Problem,
    Publisher,
    grant_record,
    is_published,
    package_problems,
    publisher_from_config,
    quality_problems,
    schema_problems,
    write_flat_csv,
    write_flat_xlsx,
    write_package_json,
)
from fundapp.reporting.threesixtygiving import schema as schema_module
from fundapp.reporting.threesixtygiving.writers import check_grant
from tests.factories import PaymentLineFactory, RegisterRowFactory

NOW = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
PUBLISHER = Publisher(
    prefix="360G-example",
    funder_id="GB-GOR-PC390",
    funder_name="Mayor of London",
    publisher_name="Mayor of London",
    now=NOW,
)


def _row(**fields: Any) -> RegisterRow:
    row: RegisterRow = RegisterRowFactory(**fields)
    return row


def _grant(**fields: Any) -> dict[str, Any]:
    return grant_record(_row(**fields), PUBLISHER)


def _rules(row: RegisterRow, grant: dict[str, Any] | None = None) -> list[str]:
    return [p.rule for p in quality_problems(row, grant if grant is not None else grant_record(row, PUBLISHER))]


# --- the mapping -----------------------------------------------------------------------------------------------


def test_a_grant_has_the_publishers_prefix_pounds_and_plain_dates() -> None:
    grant = _grant(reference="SEF-5-0003", amount_awarded_pence=1_450_050, amount_applied_pence=1_500_000)
    assert grant["id"] == "360G-example-SEF-5-0003"
    assert grant["currency"] == "GBP"
    assert grant["amountAwarded"] == 14500.5
    assert grant["amountAppliedFor"] == 15000
    assert isinstance(grant["amountAppliedFor"], int)
    assert grant["amountDisbursed"] == 7500
    assert grant["awardDate"] == "2025-03-14"
    assert grant["plannedDates"] == [{"startDate": "2025-04-01", "endDate": "2026-03-31", "duration": 12}]
    assert grant["fromOpenCall"] == "Yes"
    assert grant["dateModified"] == "2025-04-02T10:30:00Z"


def test_the_recipient_funder_and_programme_come_from_the_row_and_the_configuration() -> None:
    grant = _grant(organisation_name="Hackney Youth Voices", charity_number="1123456", organisation_postcode="E8 1AA")
    assert grant["recipientOrganization"] == [
        {"id": "GB-CHC-1123456", "name": "Hackney Youth Voices", "charityNumber": "1123456", "postalCode": "E8 1AA"}
    ]
    assert grant["fundingOrganization"] == [{"id": "GB-GOR-PC390", "name": "Mayor of London"}]
    assert grant["grantProgramme"] == [{"code": "SEF-5", "title": "Stronger Communities Fund 2025"}]


@pytest.mark.parametrize(
    ("fields", "identifier"),
    [
        ({"legal_type": LegalType.CIO, "charity_number": "1187654"}, "GB-CHC-1187654"),
        ({"legal_type": LegalType.REGISTERED_CHARITY, "charity_number": "NIC100123"}, "GB-NIC-100123"),
        (
            {"legal_type": LegalType.CIC, "charity_number": None, "company_number": "01234567"},
            "GB-COH-01234567",
        ),
        (
            {"legal_type": LegalType.UNINCORPORATED_ASSOCIATION, "charity_number": None, "organisation_id": 42},
            "360G-example-ORG-42",
        ),
    ],
)
def test_the_recipient_id_is_its_register_number_or_our_own(fields: dict[str, Any], identifier: str) -> None:
    grant = _grant(**fields)
    assert grant["recipientOrganization"][0]["id"] == identifier
    assert "recipient-id-prefix" not in _rules(_row(**fields))
    assert "recipient-id-format" not in _rules(_row(**fields))


def test_each_borough_is_a_london_beneficiary_location_once() -> None:
    grant = _grant(boroughs=("E09000012", "E09000030", "E09000012"))
    assert grant["beneficiaryLocation"] == [
        {"name": "Hackney", "geoCode": "E09000012", "geoCodeType": "LONB"},
        {"name": "Tower Hamlets", "geoCode": "E09000030", "geoCodeType": "LONB"},
    ]


def test_only_payments_made_are_disbursement_transactions() -> None:
    payments = (
        PaymentLineFactory(label="First payment", amount_pence=500_050, paid_on=date(2025, 4, 2)),
        PaymentLineFactory(label="Second payment", status=PaymentStatus.APPROVED, paid_on=None),
        PaymentLineFactory(label="Final payment", amount_pence=250_000, paid_on=date(2025, 9, 30)),
    )
    grant = _grant(reference="SEF-5-0009", payments=payments)
    assert grant["disbursementTransaction"] == [
        {
            "id": "360G-example-SEF-5-0009-1",
            "currency": "GBP",
            "value": 5000.5,
            "description": "First payment",
            "transactionDate": "2025-04-02",
        },
        {
            "id": "360G-example-SEF-5-0009-3",
            "currency": "GBP",
            "value": 2500,
            "description": "Final payment",
            "transactionDate": "2025-09-30",
        },
    ]
    assert "disbursementTransaction" not in _grant(payments=(PaymentLineFactory(status=PaymentStatus.SCHEDULED),))


@pytest.mark.parametrize("summary", ["", "   ", "Youth voices in Hackney", "youth VOICES in hackney "])
def test_an_empty_or_repeated_summary_gets_a_description_that_is_not_the_title(summary: str) -> None:
    grant = _grant(project_title="Youth voices in Hackney", project_summary=summary)
    assert grant["description"] == (
        "Youth voices in Hackney: a grant from the Stronger Communities Fund (Stronger Communities Fund 2025)"
    )
    assert grant["description"] != grant["title"]


def test_a_naive_last_modified_time_is_taken_as_utc() -> None:
    grant = _grant(last_modified=datetime(2025, 7, 1, 23, 15, 9, 123456))
    assert grant["dateModified"] == "2025-07-01T23:15:09Z"


@pytest.mark.parametrize(
    ("status", "published"),
    [
        (AwardStatus.OFFERED, False),
        (AwardStatus.LETTER_ISSUED, False),
        (AwardStatus.ACCEPTED, True),
        (AwardStatus.ACTIVE, True),
        (AwardStatus.COMPLETED, True),
        (AwardStatus.DECLINED, False),
        (AwardStatus.WITHDRAWN, False),
    ],
)
def test_only_grants_taken_up_are_published(status: AwardStatus, published: bool) -> None:
    assert is_published(_row(status=status)) is published


def test_the_publisher_comes_from_the_configuration() -> None:
    config = {"GRANT_ID_PREFIX": "360G-mol", "FUNDER_ORG_ID": "GB-GOR-PC390", "FUNDER_NAME": "Mayor of London"}
    assert publisher_from_config(config, now=NOW) == Publisher(
        prefix="360G-mol",
        funder_id="GB-GOR-PC390",
        funder_name="Mayor of London",
        publisher_name="Mayor of London",
        now=NOW,
    )
    assert publisher_from_config({**config, "PUBLISHER_NAME": "GLA"}, now=NOW).publisher_name == "GLA"


# --- the data-quality rules ------------------------------------------------------------------------------------


def test_a_complete_grant_breaks_no_rule() -> None:
    assert quality_problems(_row(), _grant()) == []


def test_a_zero_award_is_a_problem_naming_the_row_and_award() -> None:
    row = _row(reference="SEF-5-0007", amount_awarded_pence=0)
    problems = quality_problems(row, grant_record(row, PUBLISHER), row_number=3)
    assert problems == [Problem(3, "SEF-5-0007", "zero-amount", "The amount awarded is £0")]


@pytest.mark.parametrize(
    ("identifier", "rule"),
    [
        ("GB-CHC-1123456", None),
        ("GB-CHC-1123456-1", None),
        ("GB-CHC-12345", "recipient-id-format"),
        ("GB-CHC-SC012345", "recipient-id-format"),
        ("GB-SC-SC012345", None),
        ("GB-SC-012345", "recipient-id-format"),
        ("GB-NIC-100123", None),
        ("GB-COH-01234567", None),
        ("GB-COH-SC123456", None),
        ("GB-COH-1234567", "recipient-id-format"),
        ("GB-MPR-31234R", None),
        ("360G-example-ORG-42", None),
        ("360G-example-ORG-abc", "recipient-id-format"),
        ("360G-other-ORG-42", "recipient-id-prefix"),
        ("XI-CHC-1123456", "recipient-id-prefix"),
        ("", "recipient-id-prefix"),
    ],
)
def test_the_recipient_id_has_a_known_prefix_and_a_number_in_its_registers_format(
    identifier: str, rule: str | None
) -> None:
    row = _row()
    grant = grant_record(row, PUBLISHER)
    grant["recipientOrganization"][0]["id"] = identifier
    problems = [p for p in quality_problems(row, grant) if p.rule.startswith("recipient-id")]
    assert [p.rule for p in problems] == ([rule] if rule else [])
    if rule:
        assert (identifier or "(none)") in problems[0].message


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"project_title": "Call jo@example.org about youth voices"}, "title"),
        ({"project_summary": "Workshops. Contact jo.bloggs@hackney-youth.org.uk to join."}, "description"),
        ({"organisation_name": "Youth Voices (info@youthvoices.org)"}, "recipient's name"),
        ({"round_name": "Round 5 – apply to grants@london.gov.uk"}, "grant programme's title"),
    ],
)
def test_an_email_address_in_public_text_is_a_problem(fields: dict[str, Any], where: str) -> None:
    problems = [p for p in quality_problems(_row(**fields), _grant(**fields)) if p.rule == "email-in-text"]
    assert [p.message for p in problems] == [f"The {where} has an email address in it: take it out before publishing"]


def test_text_with_an_at_sign_but_no_address_is_fine() -> None:
    assert "email-in-text" not in _rules(_row(project_title="Meet @ the youth centre: 5 @ 10am"))


def test_a_title_must_be_under_140_characters() -> None:
    assert "title-too-long" not in _rules(_row(project_title="x" * 139))
    problems = quality_problems(_row(project_title="x" * 140), _grant(project_title="x" * 140))
    assert [p.message for p in problems if p.rule == "title-too-long"] == [
        "The title is 140 characters long: 360Giving asks for under 140"
    ]


def test_an_empty_title_is_a_problem() -> None:
    assert "no-title" in _rules(_row(project_title="  "))


def test_a_summary_that_repeats_the_title_is_a_problem_even_though_the_description_differs() -> None:
    assert "title-same-as-description" in _rules(_row(project_title="Youth voices", project_summary="Youth voices"))
    assert "no-description" in _rules(_row(project_summary=""))
    assert not {"title-same-as-description", "no-description"} & set(_rules(_row()))


def test_beneficiary_locations_must_be_london_boroughs() -> None:
    assert "no-beneficiary-location" in _rules(_row(boroughs=()))
    problems = quality_problems(_row(boroughs=("E09000001", "E06000001")), _grant(boroughs=("E09000001", "E06000001")))
    assert [p.rule for p in problems] == ["beneficiary-location"]
    assert "E06000001 is not a London borough" in problems[0].message
    grant = _grant()
    grant["beneficiaryLocation"][0]["geoCodeType"] = "LA"
    assert _rules(_row(), grant) == ["beneficiary-location"]
    assert _rules(_row(boroughs=("E09000001", "E09000033"))) == []


def test_a_grant_programme_is_needed() -> None:
    assert _rules(_row(round_code="")) == ["no-grant-programme"]


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("awardDate", "2025-03", "award-date"),
        ("awardDate", "2025-02-30", "award-date"),
        ("awardDate", "14/03/2025", "award-date"),
        ("dateModified", "2025-04-02", "date-modified"),
        ("dateModified", "2025-04-02T10:30:00", "date-modified"),
        ("dateModified", "2025-04-02T10:30:00+01:00", None),
        ("dateModified", "2025-04-02T10:30:00.5Z", None),
    ],
)
def test_dates_are_full_dates_and_the_modified_time_is_a_full_date_time(field: str, value: str, rule: str) -> None:
    grant = _grant()
    grant[field] = value
    assert _rules(_row(), grant) == ([rule] if rule else [])


# --- the schema, offline ---------------------------------------------------------------------------------------


def test_a_grant_of_every_kind_of_recipient_is_valid_against_the_schema() -> None:
    for fields in (
        {},
        {"charity_number": None, "company_number": "SC123456", "amount_applied_pence": None},
        {"charity_number": None, "planned_start": None, "planned_end": None, "boroughs": ()},
    ):
        assert schema_problems(_grant(**fields)) == []


def test_schema_errors_name_the_field_and_what_is_wrong() -> None:
    grant = _grant()
    del grant["recipientOrganization"]
    grant["amountAwarded"] = "lots"
    grant["awardDate"] = "2025-3-14"
    grant["currency"] = "£"
    assert schema_problems(grant) == [
        "The grant is missing recipientOrganization",
        "amountAwarded: should be a number, not 'lots'",
        "awardDate: '2025-3-14' is not a date (YYYY-MM-DD) or a full date and time",
        "currency: '£' is not one of the values the standard allows",
    ]


def test_format_checking_is_on_so_a_plain_date_is_an_award_date_but_not_a_modified_time() -> None:
    grant = _grant()
    assert grant["awardDate"] == "2025-03-14"
    grant["dateModified"] = "2025-04-02"
    assert schema_problems(grant) == ["dateModified: '2025-04-02' is not a valid date-time"]


def test_a_small_complete_package_validates_against_the_package_schema() -> None:
    out = io.BytesIO()
    rows = [_row(), _row(award_id=2, reference="SEF-5-0002", organisation_id=102, charity_number="1098765")]
    assert write_package_json(rows, out, PUBLISHER) == []
    package = json.loads(out.getvalue())
    assert package_problems(package) == []
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["publisher"] == {"name": "Mayor of London", "prefix": "360G-example"}
    assert package["version"] == "1.4"


def test_a_package_with_a_broken_grant_fails_the_package_schema() -> None:
    out = io.BytesIO()
    write_package_json([_row()], out, PUBLISHER)
    package = json.loads(out.getvalue())
    broken = copy.deepcopy(package)
    del broken["grants"][0]["title"]
    broken["grants"][0]["fundingOrganization"] = []
    assert package_problems(broken) == [
        "grants.0: the grant is missing title",
        "grants.0.fundingOrganization: needs at least 1 item",
    ]
    assert package_problems({**package, "grants": []}) == ["grants: needs at least 1 item"]


def test_the_schema_files_are_read_from_the_package_not_the_shared_folder() -> None:
    app_root = Path(threesixtygiving.__file__).resolve().parents[2]
    for path in (schema_module.GRANT_SCHEMA_PATH, schema_module.PACKAGE_SCHEMA_PATH):
        assert path.is_file()
        assert path.is_relative_to(app_root / "reporting" / "data" / "360giving")
    assert schema_module.grant_schema()["$id"].endswith("/1.4.3/schema/360-giving-schema.json")
    assert (app_root / "reporting" / "data" / "360giving" / "NOTICE.md").read_text().count("CC BY 4.0") == 1


def test_the_remote_grant_schema_urls_resolve_to_the_local_copy() -> None:
    package = schema_module.package_schema()
    remote = package["properties"]["grants"]["items"]["$ref"]
    assert remote.startswith("https://")
    resolved = schema_module.registry().resolver().lookup(remote)
    assert resolved.contents is schema_module.grant_schema()


def test_validation_touches_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("360Giving validation tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for cached in (
        schema_module.registry,
        schema_module.grant_validator,
        schema_module.package_validator,
    ):
        cached.cache_clear()
    out = io.BytesIO()
    write_package_json([_row()], out, PUBLISHER)
    assert package_problems(json.loads(out.getvalue())) == []


# --- the writers -----------------------------------------------------------------------------------------------


def _rows_with_problems() -> list[RegisterRow]:
    return [
        _row(award_id=1, reference="SEF-5-0001", status=AwardStatus.DECLINED, amount_awarded_pence=0),
        _row(award_id=2, reference="SEF-5-0002"),
        _row(award_id=3, reference="SEF-5-0003", status=AwardStatus.OFFERED),
        _row(award_id=4, reference="SEF-5-0004", amount_awarded_pence=0, boroughs=()),
    ]


def test_writers_skip_unpublished_rows_and_name_published_rows_in_their_problems() -> None:
    out = io.BytesIO()
    read: list[int] = []
    problems = write_package_json(_rows_with_problems(), out, PUBLISHER, on_progress=read.append)
    assert read == [1, 2, 3, 4]
    assert [g["id"] for g in json.loads(out.getvalue())["grants"]] == [
        "360G-example-SEF-5-0002",
        "360G-example-SEF-5-0004",
    ]
    assert [(p.row, p.reference, p.rule) for p in problems] == [
        (2, "SEF-5-0004", "zero-amount"),
        (2, "SEF-5-0004", "no-beneficiary-location"),
    ]


def test_every_writer_reports_the_same_problems() -> None:
    expected = write_package_json(_rows_with_problems(), io.BytesIO(), PUBLISHER)
    assert write_flat_csv(_rows_with_problems(), io.BytesIO(), PUBLISHER) == expected


def test_a_repeated_grant_id_is_a_problem() -> None:
    problems = write_package_json([_row(), _row()], io.BytesIO(), PUBLISHER)
    assert [(p.row, p.rule) for p in problems] == [(2, "duplicate-id")]


def test_a_file_with_no_published_grants_says_so() -> None:
    out = io.BytesIO()
    problems = write_package_json([_row(status=AwardStatus.DECLINED)], out, PUBLISHER)
    assert json.loads(out.getvalue())["grants"] == []
    assert problems == [
        Problem(0, "", "no-grants", "There are no accepted, active or completed awards to publish"),
    ]


def test_a_schema_error_in_a_grant_is_a_problem_naming_its_row() -> None:
    row = _row(reference="SEF-5-0005")
    grant = grant_record(row, PUBLISHER)
    grant["fromOpenCall"] = "Maybe"
    assert check_grant(row, grant, PUBLISHER, row_number=5) == [
        Problem(5, "SEF-5-0005", "schema", "fromOpenCall: 'Maybe' is not one of the values the standard allows")
    ]


def test_the_flat_columns_are_the_standards_titles_with_room_for_every_borough() -> None:
    assert FLAT_HEADER[:8] == (
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Applied For",
        "Amount Awarded",
        "Amount Disbursed",
        "Award Date",
    )
    assert "Recipient Org:Identifier" in FLAT_HEADER
    assert "Beneficiary Location:0:Geographic Code Type" in FLAT_HEADER
    assert "Beneficiary Location:32:Name" in FLAT_HEADER
    assert "Beneficiary Location:33:Name" not in FLAT_HEADER
    assert FLAT_HEADER[-2:] == ("From An Open Call?", "Last Modified")


HOSTILE = {
    "project_title": '=HYPERLINK("https://evil.example","Click")',
    "project_summary": "+44 call us",
    "organisation_name": "@SUM(A1:A2) Trust",
}


def test_the_flat_csv_escapes_formulas_and_keeps_amounts_as_numbers() -> None:
    out = io.BytesIO()
    write_flat_csv([_row(**HOSTILE)], out, PUBLISHER)
    assert out.getvalue().startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    cells = dict(zip(header, row, strict=True))
    assert cells["Title"] == "'" + HOSTILE["project_title"]
    assert cells["Description"] == "'+44 call us"
    assert cells["Recipient Org:Name"] == "'@SUM(A1:A2) Trust"
    assert cells["Amount Awarded"] == "15000"


def test_the_flat_xlsx_escapes_formulas_and_keeps_amounts_as_numbers(tmp_path: Path) -> None:
    path = tmp_path / "grants.xlsx"
    write_flat_xlsx([_row(**HOSTILE)], str(path), PUBLISHER)
    header, row = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("grants").to_python()
    cells = dict(zip(header, row, strict=True))
    assert cells["Title"] == "'" + HOSTILE["project_title"]
    assert cells["Recipient Org:Name"] == "'@SUM(A1:A2) Trust"
    assert cells["Amount Awarded"] == 15000
