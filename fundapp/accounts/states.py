"""Fixed vocabularies for accounts: staff roles, organisation legal types and member roles, with labels."""

from __future__ import annotations

import enum


class StaffRole(enum.StrEnum):
    ADMIN = "admin"
    FUND_MANAGER = "fund_manager"
    ASSESSOR = "assessor"
    FINANCE_OFFICER = "finance_officer"


STAFF_ROLE_LABELS = {
    StaffRole.ADMIN: "Admin",
    StaffRole.FUND_MANAGER: "Fund manager",
    StaffRole.ASSESSOR: "Assessor",
    StaffRole.FINANCE_OFFICER: "Finance officer",
}

STAFF_ROLE_HINTS = {
    StaffRole.ADMIN: "Manages users, roles, funds and settings",
    StaffRole.FUND_MANAGER: "Sets up calls, screens, assigns, moderates, decides and issues letters",
    StaffRole.ASSESSOR: "Scores the applications assigned to them",
    StaffRole.FINANCE_OFFICER: "Checks due diligence, records payments and exports award reports",
}

# Roles that can be limited to one fund or one call; admin is always system-wide.
SCOPABLE_ROLES = frozenset({StaffRole.FUND_MANAGER, StaffRole.ASSESSOR, StaffRole.FINANCE_OFFICER})


class LegalType(enum.StrEnum):
    REGISTERED_CHARITY = "registered_charity"
    CIO = "cio"
    CHARITABLE_COMPANY = "charitable_company"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee"
    CIC = "cic"
    COMMUNITY_BENEFIT_SOCIETY = "community_benefit_society"
    UNINCORPORATED_ASSOCIATION = "unincorporated_association"
    OTHER = "other"


LEGAL_TYPE_LABELS = {
    LegalType.REGISTERED_CHARITY: "Registered charity (unincorporated or trust)",
    LegalType.CIO: "Charitable incorporated organisation (CIO)",
    LegalType.CHARITABLE_COMPANY: "Charitable company (company limited by guarantee and registered charity)",
    LegalType.COMPANY_LIMITED_BY_GUARANTEE: "Company limited by guarantee (not a charity)",
    LegalType.CIC: "Community interest company (CIC)",
    LegalType.COMMUNITY_BENEFIT_SOCIETY: "Community benefit society",
    LegalType.UNINCORPORATED_ASSOCIATION: "Unincorporated community group or association",
    LegalType.OTHER: "Other not-for-profit organisation",
}

# Which registration numbers each legal type must give (a charitable company gives both).
NEEDS_CHARITY_NUMBER = frozenset({LegalType.REGISTERED_CHARITY, LegalType.CIO, LegalType.CHARITABLE_COMPANY})
NEEDS_COMPANY_NUMBER = frozenset(
    {
        LegalType.CHARITABLE_COMPANY,
        LegalType.COMPANY_LIMITED_BY_GUARANTEE,
        LegalType.CIC,
    }
)


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


MEMBER_ROLE_LABELS = {MemberRole.OWNER: "Owner", MemberRole.MEMBER: "Member"}
