"""Fixtures for application tests: an open call with the real Shared Endeavour Fund form, and applicants."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from fundapp.accounts.models import Organisation, User
from fundapp.applications import progress, services
from fundapp.applications.models import Application
from fundapp.core.clock import utcnow
from fundapp.programmes import services as programme_services
from fundapp.programmes.models import Round
from fundapp.programmes.question_sets import default_question_set
from fundapp.programmes.services import CriterionSpec, ThemeSpec, TierSpec
from tests.factories import FundFactory, applicant_with_organisation
from tests.sef_answers import sef_section_posts

TIERS = (
    TierSpec("Tier 1", 1_000_000, 2_500_000),
    TierSpec("Tier 2", 2_500_100, 5_000_000),
    TierSpec("Tier 3", 5_000_100, 10_000_000, match_funding_percent=50),
)


def make_sef_round(code: str = "SEF-9", **overrides: Any) -> Round:
    """An open call with the default SEF form, three tiers (the top one needing 50% match funding) and themes."""
    now = utcnow()
    round_ = programme_services.create_round(
        actor=None,
        fund=FundFactory(),
        code=code,
        name=f"Shared Endeavour Fund Call {code}",
        opens_at=overrides.pop("opens_at", now - timedelta(days=7)),
        closes_at=overrides.pop("closes_at", now + timedelta(days=30)),
        budget_pence=87_500_000,
        tiers=TIERS,
        themes=(ThemeSpec("Awareness raising"), ThemeSpec("Building psychosocial resilience")),
        criteria=(CriterionSpec("Need", 60, 1, 5), CriterionSpec("Delivery", 40, 1, 5)),
        **overrides,
    )
    programme_services.load_question_set(actor=None, round_=round_, data=default_question_set())
    programme_services.open_round(actor=None, round_=round_)
    return round_


@pytest.fixture()
def sef_round(db_session: Any) -> Round:
    return make_sef_round()


@pytest.fixture()
def applicant(db_session: Any) -> tuple[User, Organisation]:
    return applicant_with_organisation(name="Brixton Bridges Youth Trust")


def raws_from_post(round_: Round, section_key: str, data: dict[str, Any]) -> dict[str, Any]:
    """What read_raw makes of a section's posted data (for calling save_section directly)."""
    from werkzeug.datastructures import MultiDict

    from fundapp.applications.answers import read_raw

    section = progress.find_form_section(round_, section_key)
    assert section is not None
    formdata = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            formdata.add(key, item)
    return {q.key: read_raw(q, formdata) for q in section.questions}


def complete_application(application: Application, user: User, **post_overrides: Any) -> Application:
    """Fill in and complete every section of the SEF form through the services."""
    round_ = application.round
    posts = sef_section_posts(theme_id=round_.themes[0].id, **post_overrides)
    for key, data in posts.items():
        row = next(s for s in application.sections if s.section_key == key)
        result = services.save_section(
            actor=user,
            application=application,
            section_key=key,
            raws=raws_from_post(round_, key, data),
            version=row.version,
            now=utcnow(),
        )
        assert result.errors == {}, (key, result.errors)
        services.complete_section(actor=user, application=application, section_key=key, completed=True)
    return application


def started_application(round_: Round, user: User, organisation: Organisation) -> Application:
    return services.start_application(actor=user, round_=round_, organisation=organisation, now=utcnow())
