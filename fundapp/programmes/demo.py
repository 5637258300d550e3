"""The demo Shared Endeavour Fund for newcomers (loaded by `flask demo load`), with a person for every role.

Idempotent: everything is looked up by its natural key (fund and call codes, email addresses, organisation
names per owner) and only what is missing is created, through the same services the app uses. The sign-in
table is printed every time. The organisations and people are fictional.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from fundapp.accounts import queries as account_queries
from fundapp.accounts import services as account_services
from fundapp.accounts import two_factor
from fundapp.accounts.models import User
from fundapp.accounts.states import STAFF_ROLE_LABELS, LegalType, StaffRole
from fundapp.core.clock import london_to_utc, london_today
from fundapp.core.errors import DomainError
from fundapp.programmes import queries, services
from fundapp.programmes.models import Fund, Round
from fundapp.programmes.question_sets import default_question_set
from fundapp.programmes.services import CriterionSpec, ThemeSpec, TierSpec
from fundapp.programmes.states import RoundStatus

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  # nosec B105  # printed for everyone on purpose; demo data only
FUND_CODE = "SEF"
CURRENT_CALL = "SEF-6"
PREVIOUS_CALL = "SEF-5"
BUDGET_PENCE = 87_500_000  # £875,000, as in Calls 5 and 6
# The demo's SEF-5 has ten bids, not the real call's seventy, asking for about £340,000 in all: with £875,000 every
# bid above the minimum score would be funded. £220,000 puts the funding line in the middle of the ranking, where
# a fund manager meets it.
PREVIOUS_BUDGET_PENCE = 22_000_000
MIDDAY = time(12, 0)

TIERS = (
    TierSpec("Tier 1", 1_000_000, 2_500_000),
    TierSpec("Tier 2", 2_500_100, 5_000_000),
    TierSpec("Tier 3", 5_000_100, 10_000_000, match_funding_percent=50),
)

THEMES = (
    ThemeSpec(
        "Awareness raising",
        "Helping Londoners understand hate, intolerance, extremism and radicalisation, and where to get help.",
    ),
    ThemeSpec(
        "Building psychosocial resilience",
        "Helping people, especially young people, cope with pressure and resist harmful influences.",
    ),
    ThemeSpec(
        "Promoting prosocial behaviours",
        "Encouraging people to connect across communities, challenge prejudice and look out for each other.",
    ),
    ThemeSpec(
        "Strengthening prevention capability among frontline practitioners",
        "Giving youth workers, teachers and others the skills to spot early signs of harm and respond well.",
    ),
)

DESCRIPTION = (
    "The Shared Endeavour Fund supports community-led projects that build London's resilience to hate, "
    "intolerance, extremism and radicalisation.\n\n"
    "We want to fund projects that reach people most at risk, are designed with the communities they serve, and "
    "can show the difference they make. Your organisation must have a written safeguarding policy: upload it with "
    "your application.\n\n"
    "Grants over £50,000 need match funding of at least half the amount you ask for."
)

DESCRIPTORS = services.default_descriptors(1, 5)  # 5 Strong · 4 Good · 3 Satisfactory · 2 Partial · 1 Poor

CRITERIA = tuple(
    CriterionSpec(name, weight, 1, 5, guidance, DESCRIPTORS)
    for name, weight, guidance in (
        ("Need and evidence", 25, "Is the need clear, local and backed by evidence?"),
        (
            "Project design and delivery",
            25,
            "Are the activities realistic, well planned and likely to reach the people described?",
        ),
        ("Outcomes and measurement", 20, "Are the outcomes clear, and is there a sensible plan to measure them?"),
        (
            "Organisational capacity and safeguarding",
            15,
            "Can the organisation deliver the project and keep people safe?",
        ),
        ("Value for money", 15, "Is the budget reasonable for what the project will achieve?"),
    )
)


@dataclass(frozen=True)
class DemoPerson:
    role: str
    email: str
    full_name: str
    staff_role: StaffRole | None = None
    scope: str | None = None  # None (system-wide), "fund" (SEF) or "round" (SEF-6)
    organisation: dict[str, Any] | None = None


PEOPLE = (
    DemoPerson("Admin", "admin@example.org", "Helen Carter", StaffRole.ADMIN),
    DemoPerson("Fund manager (SEF)", "fund.manager@example.org", "Marcus Bell", StaffRole.FUND_MANAGER, "fund"),
    # Three assessors for the whole fund: with two per application, a declared conflict can still be reassigned.
    DemoPerson("Assessor (SEF)", "assessor.one@example.org", "Aisha Rahman", StaffRole.ASSESSOR, "fund"),
    DemoPerson("Assessor (SEF)", "assessor.two@example.org", "Owen Price", StaffRole.ASSESSOR, "fund"),
    DemoPerson("Assessor (SEF)", "assessor.three@example.org", "Kwame Asante", StaffRole.ASSESSOR, "fund"),
    DemoPerson("Finance officer (SEF)", "finance@example.org", "Grace Adeyemi", StaffRole.FINANCE_OFFICER, "fund"),
    DemoPerson(
        "Applicant (CIO)",
        "applicant@example.org",
        "Amara Okafor",
        organisation={
            "name": "Brixton Bridges Youth Trust",
            "legal_type": LegalType.CIO,
            "charity_number": "1187432",
            "company_number": None,
            "address_line_1": "Unit 4, 12 Station Road",
            "address_line_2": None,
            "town": "London",
            "postcode": "SW9 8PD",
            "borough_gss": "E09000022",  # Lambeth
            "website": "https://www.example.org/brixton-bridges",
            "annual_income_pence": 8_650_000,
        },
    ),
    DemoPerson(
        "Applicant (CIC)",
        "applicant.cic@example.org",
        "Rahima Begum",
        organisation={
            "name": "Poplar Threads CIC",
            "legal_type": LegalType.CIC,
            "charity_number": None,
            "company_number": "13579246",
            "address_line_1": "The Old Laundry, 3 Market Square",
            "address_line_2": None,
            "town": "London",
            "postcode": "E14 6AQ",
            "borough_gss": "E09000030",  # Tower Hamlets
            "website": None,
            "annual_income_pence": 4_120_000,
        },
    ),
    DemoPerson(
        "Applicant (charitable company)",
        "applicant.charity@example.org",
        "Daniel Mensah",
        organisation={
            "name": "Tottenham Faiths Together",
            "legal_type": LegalType.CHARITABLE_COMPANY,
            "charity_number": "1098765",
            "company_number": "04567321",
            "address_line_1": "St Mark's Community Hall",
            "address_line_2": "45 Bruce Grove",
            "town": "London",
            "postcode": "N17 6RA",
            "borough_gss": "E09000014",  # Haringey
            "website": "https://www.example.org/tottenham-faiths",
            "annual_income_pence": 21_300_000,
        },
    ),
    DemoPerson(
        "Applicant (community group)",
        "applicant.group@example.org",
        "Kelly Turner",
        organisation={
            "name": "Barking Riverside Parents Network",
            "legal_type": LegalType.UNINCORPORATED_ASSOCIATION,
            "charity_number": None,
            "company_number": None,
            "address_line_1": "Riverside Community Hub, 2 Rookery Way",
            "address_line_2": None,
            "town": "Barking",
            "postcode": "IG11 0XA",
            "borough_gss": "E09000002",  # Barking and Dagenham
            "website": None,
            "annual_income_pence": 950_000,
        },
    ),
    DemoPerson("Applicant (no organisation yet)", "new.applicant@example.org", "Tomasz Nowak"),
)

# Organisations that applied to the earlier call SEF-5 (three apply to SEF-6 too). They can sign in with the demo
# password, but the printed sign-in table keeps to PEOPLE so that it stays readable.
OTHER_APPLICANTS = (
    DemoPerson(
        "Applicant (CIO)",
        "hello@lewisham-young-voices.example.org",
        "Chidi Okonkwo",
        organisation={
            "name": "Lewisham Young Voices",
            "legal_type": LegalType.CIO,
            "charity_number": "1192847",
            "company_number": None,
            "address_line_1": "The Salvage Yard, 18 Lewisham Way",
            "address_line_2": None,
            "town": "London",
            "postcode": "SE14 6NT",
            "borough_gss": "E09000023",  # Lewisham
            "website": "https://www.example.org/lewisham-young-voices",
            "annual_income_pence": 6_400_000,
        },
    ),
    DemoPerson(
        "Applicant (charitable company)",
        "hello@southall-community-alliance.example.org",
        "Harpreet Kaur",
        organisation={
            "name": "Southall Community Alliance",
            "legal_type": LegalType.CHARITABLE_COMPANY,
            "charity_number": "1134509",
            "company_number": "06712398",
            "address_line_1": "112 The Green",
            "address_line_2": None,
            "town": "Southall",
            "postcode": "UB2 4BQ",
            "borough_gss": "E09000009",  # Ealing
            "website": "https://www.example.org/southall-alliance",
            "annual_income_pence": 31_500_000,
        },
    ),
    DemoPerson(
        "Applicant (CIC)",
        "hello@croydon-digital-futures.example.org",
        "Ben Whitfield",
        organisation={
            "name": "Croydon Digital Futures CIC",
            "legal_type": LegalType.CIC,
            "charity_number": None,
            "company_number": "12094561",
            "address_line_1": "Studio 7, 99 George Street",
            "address_line_2": None,
            "town": "Croydon",
            "postcode": "CR0 1LD",
            "borough_gss": "E09000008",  # Croydon
            "website": None,
            "annual_income_pence": 12_800_000,
        },
    ),
    DemoPerson(
        "Applicant (community group)",
        "hello@hackney-mothers-circle.example.org",
        "Fatma Yilmaz",
        organisation={
            "name": "Hackney Mothers' Circle",
            "legal_type": LegalType.UNINCORPORATED_ASSOCIATION,
            "charity_number": None,
            "company_number": None,
            "address_line_1": "Clapton Community Centre",
            "address_line_2": "2 Lower Clapton Road",
            "town": "London",
            "postcode": "E5 0PD",
            "borough_gss": "E09000012",  # Hackney
            "website": None,
            "annual_income_pence": 1_150_000,
        },
    ),
    DemoPerson(
        "Applicant (CIO)",
        "hello@newham-boxing.example.org",
        "Leon Campbell",
        organisation={
            "name": "Newham Boxing and Mentoring Club",
            "legal_type": LegalType.CIO,
            "charity_number": "1178214",
            "company_number": None,
            "address_line_1": "Arch 31, Stephenson Street",
            "address_line_2": None,
            "town": "London",
            "postcode": "E16 4SA",
            "borough_gss": "E09000025",  # Newham
            "website": "https://www.example.org/newham-boxing",
            "annual_income_pence": 9_700_000,
        },
    ),
    DemoPerson(
        "Applicant (CIC)",
        "hello@peckham-arts-collective.example.org",
        "Ife Balogun",
        organisation={
            "name": "Peckham Arts Collective CIC",
            "legal_type": LegalType.CIC,
            "charity_number": None,
            "company_number": "11458830",
            "address_line_1": "Copeland Park, 133 Rye Lane",
            "address_line_2": None,
            "town": "London",
            "postcode": "SE15 4ST",
            "borough_gss": "E09000028",  # Southwark
            "website": None,
            "annual_income_pence": 5_300_000,
        },
    ),
    DemoPerson(
        "Applicant (registered charity)",
        "hello@wembley-somali-youth.example.org",
        "Abdi Warsame",
        organisation={
            "name": "Wembley Somali Youth Association",
            "legal_type": LegalType.REGISTERED_CHARITY,
            "charity_number": "1145672",
            "company_number": None,
            "address_line_1": "Unit 6, 41 Ealing Road",
            "address_line_2": None,
            "town": "Wembley",
            "postcode": "HA0 4PA",
            "borough_gss": "E09000005",  # Brent
            "website": None,
            "annual_income_pence": 7_800_000,
        },
    ),
    DemoPerson(
        "Applicant (company limited by guarantee)",
        "hello@enfield-safer-schools.example.org",
        "Claire Donnelly",
        organisation={
            "name": "Enfield Safer Schools Partnership",
            "legal_type": LegalType.COMPANY_LIMITED_BY_GUARANTEE,
            "charity_number": None,
            "company_number": "09876123",
            "address_line_1": "Dugdale Centre, 39 London Road",
            "address_line_2": None,
            "town": "Enfield",
            "postcode": "EN2 6DS",
            "borough_gss": "E09000010",  # Enfield
            "website": "https://www.example.org/enfield-safer-schools",
            "annual_income_pence": 42_000_000,
        },
    ),
    DemoPerson(
        "Applicant (community benefit society)",
        "hello@kingston-refugee-welcome.example.org",
        "Miriam Goldberg",
        organisation={
            "name": "Kingston Refugee Welcome",
            "legal_type": LegalType.COMMUNITY_BENEFIT_SOCIETY,
            "charity_number": None,
            "company_number": None,
            "address_line_1": "Quaker Centre, Fairfield East",
            "address_line_2": None,
            "town": "Kingston upon Thames",
            "postcode": "KT1 2PT",
            "borough_gss": "E09000021",  # Kingston upon Thames
            "website": None,
            "annual_income_pence": 2_300_000,
        },
    ),
    DemoPerson(
        "Applicant (charitable company)",
        "hello@islington-football-for-unity.example.org",
        "Tom Ashworth",
        organisation={
            "name": "Islington Football for Unity",
            "legal_type": LegalType.CHARITABLE_COMPANY,
            "charity_number": "1156023",
            "company_number": "08223417",
            "address_line_1": "Market Road Pitches, Market Road",
            "address_line_2": None,
            "town": "London",
            "postcode": "N7 9PL",
            "borough_gss": "E09000019",  # Islington
            "website": None,
            "annual_income_pence": 3_600_000,
        },
    ),
)


class _Loader:
    """Creates whatever part of the demo is missing, remembering what it created."""

    def __init__(self) -> None:
        self.created: list[str] = []  # "kind: what", e.g. "user: admin@example.org"
        self.admin: User | None = None

    def user(self, person: DemoPerson) -> User:
        user = account_queries.find_user_by_email(person.email)
        if user is None:
            user = account_services.register_user(
                email=person.email, full_name=person.full_name, password=DEMO_PASSWORD
            )
            self.created.append(f"person: {person.email}")
        return user

    def role(self, user: User, role: StaffRole, *, fund_id: int | None = None, round_id: int | None = None) -> None:
        if user.totp_enabled_at is None:  # staff must have two-factor authentication: a published demo key
            two_factor.set_up_with_known_secret(user=user, secret=demo_totp_secret(user.email))
            self.created.append(f"two-factor key: {user.email}")
        if any((a.role, a.fund_id, a.round_id) == (role, fund_id, round_id) for a in user.role_assignments):
            return
        account_services.assign_role(actor=self.admin, user=user, role=role, fund_id=fund_id, round_id=round_id)
        self.created.append(f"staff role: {STAFF_ROLE_LABELS[role].lower()} for {user.email}")

    def organisation(self, user: User, details: dict[str, Any]) -> None:
        names = {org.name for org in account_queries.list_organisations_for_user(user.id)}
        if details["name"] in names:
            return
        account_services.create_organisation(actor=user, details=account_services.OrganisationDetails(**details))
        self.created.append(f"organisation: {details['name']}")

    def fund(self) -> Fund:
        fund = queries.find_fund_by_code(FUND_CODE)
        if fund is None:
            fund = services.create_fund(
                actor=self.admin,
                code=FUND_CODE,
                name="Shared Endeavour Fund",
                description=(
                    "City Hall funding for grassroots London projects that counter hate, intolerance, extremism "
                    "and radicalisation."
                ),
            )
            self.created.append(f"fund: {FUND_CODE}")
        return fund

    def call(self, fund: Fund, *, code: str, number: int, opens: date, closes: date, budget_pence: int) -> Round:
        round_ = queries.find_round_by_code(code)
        if round_ is not None:
            return round_
        round_ = services.create_round(
            actor=self.admin,
            fund=fund,
            code=code,
            name=f"Shared Endeavour Fund Call {number}",
            summary=(
                f"Call {number} funds grassroots projects that build London's resilience to hate, intolerance, "
                "extremism and radicalisation. Grants from £10,000 to £100,000."
            ),
            opens_at=london_to_utc(opens, MIDDAY),
            closes_at=london_to_utc(closes, MIDDAY),
            budget_pence=budget_pence,
            tiers=TIERS,
            themes=THEMES,
            criteria=CRITERIA,
        )
        services.load_question_set(actor=self.admin, round_=round_, data=default_question_set())
        earliest_start = closes + timedelta(days=45)
        services.update_round(
            actor=self.admin,
            round_=round_,
            description=DESCRIPTION,
            project_earliest_start=earliest_start,
            project_latest_end=earliest_start + timedelta(days=730),
            required_documents=["safeguarding_policy_file"],
        )
        services.open_round(actor=self.admin, round_=round_)
        self.created.append(f"call: {code}")
        return round_


def load_demo() -> list[str]:
    """Create the demo fund, calls, people and organisations that are missing; returns what was created.

    Both calls are left open: the earlier call SEF-5 (its dates long past) still has to receive its applications,
    made as if on days inside its window; close_previous_call() closes it afterwards.
    """
    loader = _Loader()
    admin_person = PEOPLE[0]
    loader.admin = admin = loader.user(admin_person)
    loader.role(admin, StaffRole.ADMIN)
    fund = loader.fund()
    today = london_today()
    loader.call(
        fund,
        code=PREVIOUS_CALL,
        number=5,
        opens=today - timedelta(days=240),
        closes=today - timedelta(days=180),
        budget_pence=PREVIOUS_BUDGET_PENCE,
    )
    current = loader.call(
        fund,
        code=CURRENT_CALL,
        number=6,
        opens=today - timedelta(days=14),
        closes=today + timedelta(days=30),
        budget_pence=BUDGET_PENCE,
    )
    for person in PEOPLE[1:] + OTHER_APPLICANTS:
        user = loader.user(person)
        if person.staff_role is not None:
            scope = {"fund": {"fund_id": fund.id}, "round": {"round_id": current.id}}.get(person.scope or "", {})
            loader.role(user, person.staff_role, **scope)
        if person.organisation is not None:
            loader.organisation(user, person.organisation)
    return loader.created


def close_previous_call() -> None:
    """Close the earlier call SEF-5 once its applications are in (does nothing once it has closed)."""
    round_ = queries.find_round_by_code(PREVIOUS_CALL)
    if round_ is not None and round_.status == RoundStatus.OPEN:
        admin = account_queries.find_user_by_email(PEOPLE[0].email)
        services.close_round(actor=admin, round_=round_, reason="Demo: an earlier call that has closed")


def demo_totp_secret(email: str) -> str:
    """The demo person's fixed two-factor key (base32): published like their password, so never use it for real."""
    digest = hashlib.sha256(f"fundapp demo two-factor key for {email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


def demo_code(email: str) -> tuple[str, str]:
    """(the current 6-digit code, the key) for a demo staff member, as their authenticator app would show it.

    Raises DomainError for anyone who is not a demo staff member still using the published key."""
    person = next((p for p in PEOPLE if p.email == email.strip().lower() and p.staff_role is not None), None)
    user = account_queries.find_user_by_email(email) if person is not None else None
    if person is None or user is None or user.totp_secret != demo_totp_secret(person.email):
        raise DomainError(f"{email} is not one of the demo's staff with the published two-factor key")
    return two_factor.current_code(user.totp_secret), two_factor.grouped_secret(user.totp_secret)


def sign_in_table() -> str:
    rows = [("Role", "Name", "Email", "Password")]
    rows += [(p.role, p.full_name, p.email, DEMO_PASSWORD) for p in PEOPLE]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
