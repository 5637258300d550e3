"""Setting up a call's scoring criteria: the services one criterion at a time, and the staff pages that use them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.core.errors import DomainError
from fundapp.extensions import db
from fundapp.programmes import services
from fundapp.programmes.models import Criterion, Fund, Round
from fundapp.programmes.services import CriterionSpec, DescriptorSpec
from fundapp.programmes.states import ALLOWED_SCALES, RoundStatus
from tests.factories import (
    CriterionDescriptorFactory,
    CriterionFactory,
    FundFactory,
    RoundFactory,
    UserFactory,
    applicant_with_organisation,
    staff_user,
)
from tests.helpers import csrf_token, error_summary, post_form, sign_in

LOCKED = "You cannot change the scoring criteria because applications have already been submitted to this call"


@pytest.fixture()
def fund(db_session: object) -> Fund:
    return FundFactory(name="Shared Endeavour Fund", code="SEF")


@pytest.fixture()
def call(fund: Fund) -> Round:
    return RoundFactory(fund=fund, code="SEF-6", name="Shared Endeavour Fund Call 6")


@pytest.fixture()
def actor(db_session: object) -> User:
    return UserFactory()


@pytest.fixture()
def manager(client: FlaskClient, fund: Fund) -> User:
    user = staff_user(StaffRole.FUND_MANAGER, fund_id=fund.id)
    sign_in(client, user)
    return user


def _spec(
    name: str = "Need and evidence", weight: int = 25, scale: tuple[int, int] = (1, 5), **kw: Any
) -> CriterionSpec:
    return CriterionSpec(name, weight, *scale, **kw)


def _reload(round_: Round) -> Round:
    db.session.expire_all()
    stored = db.session.get(Round, round_.id)
    assert stored is not None
    return stored


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _refusal(call: Callable[..., Any], **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


def _points(criterion: Criterion) -> list[tuple[int, str]]:
    return [(d.score, d.label) for d in criterion.descriptors]


# --- services: adding ----------------------------------------------------------------------------------


def test_add_criterion_gives_the_scale_its_default_descriptors_and_audits_it(actor: User, call: Round) -> None:
    CriterionFactory(round=call, name="Value for money", weight=20, position=3)
    added = services.add_criterion(actor=actor, round_=call, spec=_spec(" Need and evidence ", guidance=" Why? "))
    stored = _reload(call)
    assert [(c.name, c.weight, c.position) for c in stored.criteria] == [
        ("Value for money", 20, 3),
        ("Need and evidence", 25, 4),
    ]
    assert (added.guidance, added.scale_min, added.scale_max) == ("Why?", 1, 5)
    assert _points(added) == [(5, "Strong"), (4, "Good"), (3, "Satisfactory"), (2, "Partial"), (1, "Poor")]
    [event] = _events("criterion.added")
    assert (event.actor_id, event.subject_id) == (actor.id, call.id)
    assert event.data == {"criterion_id": added.id, "name": "Need and evidence", "weight": 25, "scale": "1 to 5"}


@pytest.mark.parametrize("scale", sorted(ALLOWED_SCALES))
def test_every_allowed_scale_has_a_default_descriptor_for_each_point(call: Round, scale: tuple[int, int]) -> None:
    added = services.add_criterion(actor=None, round_=call, spec=_spec(scale=scale))
    low, high = scale
    assert [score for score, _label in _points(added)] == list(range(high, low - 1, -1))
    if low == 0:
        assert _points(added)[-1] == (0, "No evidence")


def test_add_criterion_keeps_the_descriptors_given_and_defaults_the_points_left_out(call: Round) -> None:
    spec = _spec(scale=(0, 3), descriptors=[DescriptorSpec(3, " Excellent ", " Outstanding ")])
    added = services.add_criterion(actor=None, round_=call, spec=spec)
    assert [(d.score, d.label, d.description) for d in added.descriptors][0] == (3, "Excellent", "Outstanding")
    assert _points(added)[1:] == [(2, "Satisfactory"), (1, "Poor"), (0, "No evidence")]


def test_add_criterion_refuses_a_weight_that_takes_the_total_above_100_saying_what_is_left(call: Round) -> None:
    CriterionFactory(round=call, weight=60)
    CriterionFactory(round=call, weight=25)
    error = _refusal(services.add_criterion, actor=None, round_=call, spec=_spec(weight=25))
    assert (error.field, error.message) == ("weight", "The weights would add up to 110. You have 15 left to give.")
    services.add_criterion(actor=None, round_=call, spec=_spec(weight=15))
    assert sum(c.weight for c in _reload(call).criteria) == 100


def test_add_criterion_says_when_no_weight_is_left(call: Round) -> None:
    CriterionFactory(round=call, weight=100)
    error = _refusal(services.add_criterion, actor=None, round_=call, spec=_spec(weight=1))
    assert error.message == "The weights would add up to 101. You have none left to give."


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        (_spec(name="  "), "name", "Give every criterion a name"),
        (_spec(name="value for money"), "name", "There is already a criterion called value for money"),
        (_spec(weight=0), "weight", "Need and evidence: the weight must be between 1 and 100"),
        (_spec(weight=101), "weight", "Need and evidence: the weight must be between 1 and 100"),
        (
            _spec(scale=(1, 4)),
            "scale",
            "Need and evidence: the scale 1 to 4 is not allowed (use 0 to 3, 0 to 4, 0 to 5, 1 to 5)",
        ),
        (
            _spec(descriptors=[DescriptorSpec(0, "No evidence")]),
            "descriptors",
            "Need and evidence: descriptors must be for scores from 1 to 5",
        ),
        (
            _spec(descriptors=[DescriptorSpec(5, " ")]),
            "descriptors",
            "Need and evidence: give every descriptor a label",
        ),
    ],
    ids=["empty name", "duplicate name", "weight 0", "weight 101", "bad scale", "point outside", "blank label"],
)
def test_add_criterion_refuses_what_breaks_the_rules_at_its_field(
    call: Round, spec: CriterionSpec, field: str, message: str
) -> None:
    CriterionFactory(round=call, name="Value for money", weight=20)
    error = _refusal(services.add_criterion, actor=None, round_=call, spec=spec)
    assert (error.field, error.message) == (field, message)
    assert [c.name for c in _reload(call).criteria] == ["Value for money"]
    assert _events("criterion.added") == []


# --- services: changing and removing -------------------------------------------------------------------


def test_update_criterion_changes_everything_and_audits_before_and_after(actor: User, call: Round) -> None:
    criterion = CriterionFactory(round=call, name="Need", weight=40, scale_min=1, scale_max=5)
    CriterionDescriptorFactory(criterion=criterion, score=5, label="Strong")
    spec = _spec("Need and evidence", 30, (0, 3), guidance="Look for data", descriptors=[DescriptorSpec(3, "Great")])
    assert services.update_criterion(actor=actor, criterion=criterion, spec=spec) is True
    [stored] = _reload(call).criteria
    assert (stored.name, stored.weight, stored.scale_min, stored.scale_max, stored.guidance) == (
        "Need and evidence",
        30,
        0,
        3,
        "Look for data",
    )
    assert _points(stored) == [(3, "Great"), (2, "Satisfactory"), (1, "Poor"), (0, "No evidence")]
    [event] = _events("criterion.updated")
    assert event.data["scale"] == "0 to 3"
    assert event.data["from"] == {"criterion_id": criterion.id, "name": "Need", "weight": 40, "scale": "1 to 5"}


def test_update_criterion_that_changes_nothing_records_nothing(call: Round) -> None:
    criterion = services.add_criterion(actor=None, round_=call, spec=_spec())
    assert services.update_criterion(actor=None, criterion=criterion, spec=_spec()) is False
    assert _events("criterion.updated") == []


def test_update_criterion_counts_its_new_weight_instead_of_its_old(call: Round) -> None:
    CriterionFactory(round=call, weight=60)
    criterion = CriterionFactory(round=call, name="Need", weight=40)
    error = _refusal(services.update_criterion, actor=None, criterion=criterion, spec=_spec("Need", 45, (0, 5)))
    assert (error.field, error.message) == ("weight", "The weights would add up to 105. You have 40 left to give.")
    assert services.update_criterion(actor=None, criterion=criterion, spec=_spec("Need", 40, (0, 5))) is True


def test_update_criterion_may_keep_its_name_but_not_take_another_ones(call: Round) -> None:
    CriterionFactory(round=call, name="Value for money", weight=20)
    criterion = CriterionFactory(round=call, name="Need", weight=40)
    error = _refusal(services.update_criterion, actor=None, criterion=criterion, spec=_spec("VALUE FOR MONEY"))
    assert (error.field, error.message) == ("name", "There is already a criterion called VALUE FOR MONEY")
    assert services.update_criterion(actor=None, criterion=criterion, spec=_spec("need", 40)) is True


def test_remove_criterion_removes_it_with_its_descriptors(actor: User, call: Round) -> None:
    keep = CriterionFactory(round=call, name="Value for money")
    gone = services.add_criterion(actor=None, round_=call, spec=_spec())
    services.remove_criterion(actor=actor, criterion=gone)
    assert [c.name for c in _reload(call).criteria] == [keep.name]
    [event] = _events("criterion.removed")
    assert (event.data["name"], event.data["weight"], event.data["scale"]) == ("Need and evidence", 25, "1 to 5")


def test_criteria_are_locked_once_an_application_is_submitted(call: Round) -> None:
    criterion = CriterionFactory(round=call, name="Need", weight=40)
    call.last_application_number = 1
    for error in (
        _refusal(services.add_criterion, actor=None, round_=call, spec=_spec()),
        _refusal(services.update_criterion, actor=None, criterion=criterion, spec=_spec("Need", 50)),
        _refusal(services.remove_criterion, actor=None, criterion=criterion),
    ):
        assert (error.field, error.message) == ("criteria", LOCKED)
    assert [(c.name, c.weight) for c in _reload(call).criteria] == [("Need", 40)]


# --- pages: who may use them ---------------------------------------------------------------------------

WHO: dict[str, tuple[Callable[[Round], User], int]] = {
    "admin": (lambda r: staff_user(StaffRole.ADMIN), 200),
    "fund manager of the call": (lambda r: staff_user(StaffRole.FUND_MANAGER, round_id=r.id), 200),
    "fund manager of another fund": (lambda r: staff_user(StaffRole.FUND_MANAGER, fund_id=FundFactory().id), 403),
    "assessor of the call": (lambda r: staff_user(StaffRole.ASSESSOR, round_id=r.id), 403),
    "applicant": (lambda r: applicant_with_organisation()[0], 404),
}


@pytest.mark.parametrize("who", list(WHO))
def test_only_the_calls_managers_and_admins_reach_the_criteria_pages(
    client: FlaskClient, call: Round, who: str
) -> None:
    make_user, status = WHO[who]
    criterion = CriterionFactory(round=call)
    sign_in(client, make_user(call))
    for url in (f"/staff/calls/{call.id}/criteria", f"/staff/calls/{call.id}/criteria/{criterion.id}"):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("who", [w for w, (_make, status) in WHO.items() if status != 200])
def test_people_who_may_not_manage_the_call_cannot_change_its_criteria(
    client: FlaskClient, call: Round, who: str
) -> None:
    make_user, status = WHO[who]
    criterion = CriterionFactory(round=call, name="Need", weight=40)
    sign_in(client, make_user(call))
    token = csrf_token(client, "/account")
    data = {"csrf_token": token, "name": "Changed", "weight": "10", "scale": "1-5"}
    for url in (
        f"/staff/calls/{call.id}/criteria",
        f"/staff/calls/{call.id}/criteria/{criterion.id}",
        f"/staff/calls/{call.id}/criteria/{criterion.id}/remove",
    ):
        assert client.post(url, data=data).status_code == status, url
    assert [(c.name, c.weight) for c in _reload(call).criteria] == [("Need", 40)]


def test_a_criterion_of_another_call_is_not_found(client: FlaskClient, manager: User, fund: Fund, call: Round) -> None:
    other = CriterionFactory(round=RoundFactory(fund=fund))
    token = csrf_token(client, f"/staff/calls/{call.id}/criteria")
    assert client.get(f"/staff/calls/{call.id}/criteria/{other.id}").status_code == 404
    assert client.post(f"/staff/calls/{call.id}/criteria/{other.id}", data={"csrf_token": token}).status_code == 404
    response = client.post(f"/staff/calls/{call.id}/criteria/{other.id}/remove", data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.get(Criterion, other.id) is not None


# --- pages: adding, changing and removing --------------------------------------------------------------


def _criterion(**overrides: str) -> dict[str, str]:
    return {"name": "Need and evidence", "guidance": "Is the need clear?", "weight": "25", "scale": "1-5", **overrides}


def test_the_add_form_offers_every_scale_with_its_default_descriptors(
    client: FlaskClient, manager: User, call: Round
) -> None:
    page = client.get(f"/staff/calls/{call.id}/criteria").get_data(as_text=True)
    for value, label in (("1-5", "1 to 5"), ("0-5", "0 to 5"), ("0-4", "0 to 4"), ("0-3", "0 to 3")):
        assert re.search(rf'value="{value}"[^>]*>\s*<label[^>]*>\s*{label}\s*</label>', page), value
    assert re.search(r'value="1-5" checked', page)
    assert 'name="scale_1_5_label_5" type="text" value="Strong"' in page
    assert 'name="scale_0_3_label_0" type="text" value="No evidence"' in page
    assert "Weights add up to 0 of 100" in page


def test_add_a_criterion_with_the_default_descriptors(client: FlaskClient, manager: User, call: Round) -> None:
    CriterionFactory(round=call, name="Value for money", weight=60)
    response = post_form(client, f"/staff/calls/{call.id}/criteria", _criterion())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/calls/{call.id}/criteria")
    added = _reload(call).criteria[-1]
    assert (added.name, added.guidance, added.weight, added.scale_min, added.scale_max) == (
        "Need and evidence",
        "Is the need clear?",
        25,
        1,
        5,
    )
    assert _points(added) == [(5, "Strong"), (4, "Good"), (3, "Satisfactory"), (2, "Partial"), (1, "Poor")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Need and evidence has been added" in page
    assert "Weights add up to 85 of 100" in page
    assert "You have 15 left to give" in page
    assert f"/staff/calls/{call.id}/criteria/{added.id}/remove" in page


def test_add_a_criterion_reads_only_the_chosen_scales_descriptors(
    client: FlaskClient, manager: User, call: Round
) -> None:
    data = _criterion(
        scale="0-3",
        scale_0_3_label_3="Excellent",
        scale_0_3_description_3="Outstanding evidence",
        scale_1_5_label_5="",  # another scale's point: ignored, not an error
    )
    assert post_form(client, f"/staff/calls/{call.id}/criteria", data).status_code == 302
    [added] = _reload(call).criteria
    assert [(d.score, d.label, d.description) for d in added.descriptors][0] == (3, "Excellent", "Outstanding evidence")
    assert [score for score, _label in _points(added)] == [3, 2, 1, 0]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name for the criterion"),
        ({"name": "value for money"}, "name", "There is already a criterion called value for money"),
        ({"weight": "0"}, "weight", "Enter the weight as a whole number from 1 to 100, like 25"),
        ({"weight": "101"}, "weight", "Enter the weight as a whole number from 1 to 100, like 25"),
        ({"weight": "ten"}, "weight", "Enter the weight as a whole number from 1 to 100, like 25"),
        ({"weight": "45"}, "weight", "The weights would add up to 105. You have 40 left to give."),
        ({"scale": "1-4"}, "scale", "Select a scale from the list"),
        ({"scale": ""}, "scale", "Select the scale assessors score on"),
        ({"scale_1_5_label_3": " "}, "scale_1_5_label_3", "Enter a name for a score of 3"),
    ],
)
def test_a_bad_criterion_is_refused_at_its_field_keeping_what_was_typed(
    client: FlaskClient, manager: User, call: Round, overrides: dict[str, str], field: str, message: str
) -> None:
    CriterionFactory(round=call, name="Value for money", weight=60)
    response = post_form(client, f"/staff/calls/{call.id}/criteria", _criterion(guidance="Typed guidance", **overrides))
    assert response.status_code == 200
    assert error_summary(response) == [message]
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert "Typed guidance" in page
    assert f'name="weight" type="text" spellcheck="false" value="{overrides.get("weight", "25")}"' in page
    assert [c.name for c in _reload(call).criteria] == ["Value for money"]


def test_change_a_criterion(client: FlaskClient, manager: User, call: Round) -> None:
    CriterionFactory(round=call, name="Value for money", weight=60)
    criterion = services.add_criterion(actor=None, round_=call, spec=_spec("Need", 40, (0, 3)))
    url = f"/staff/calls/{call.id}/criteria/{criterion.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="name" type="text" value="Need"' in page
    assert 'name="weight" type="text" spellcheck="false" value="40"' in page
    assert re.search(r'value="0-3" checked', page)
    assert "you have 40 left to give" in page
    data = _criterion(name="Need and evidence", weight="40", scale="0-3", scale_0_3_label_0="Nothing")
    response = post_form(client, url, data)
    assert response.status_code == 302
    [_, stored] = _reload(call).criteria
    assert (stored.name, stored.weight, _points(stored)[-1]) == ("Need and evidence", 40, (0, "Nothing"))
    assert "Need and evidence has been saved" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_changing_a_criterion_refuses_a_total_above_100_at_the_weight(
    client: FlaskClient, manager: User, call: Round
) -> None:
    CriterionFactory(round=call, name="Value for money", weight=60)
    criterion = CriterionFactory(round=call, name="Need", weight=40)
    response = post_form(client, f"/staff/calls/{call.id}/criteria/{criterion.id}", _criterion(weight="50"))
    assert error_summary(response) == ["The weights would add up to 110. You have 40 left to give."]
    assert 'id="weight-error"' in response.get_data(as_text=True)


def test_remove_a_criterion(client: FlaskClient, manager: User, call: Round) -> None:
    keep = CriterionFactory(round=call, name="Value for money")
    gone = CriterionFactory(round=call, name="Need")
    token = csrf_token(client, f"/staff/calls/{call.id}/criteria")
    response = client.post(f"/staff/calls/{call.id}/criteria/{gone.id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert [c.name for c in _reload(call).criteria] == [keep.name]
    assert "Need has been removed" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_criteria_pages_are_locked_once_an_application_is_submitted(
    client: FlaskClient, manager: User, call: Round
) -> None:
    criterion = CriterionFactory(round=call, name="Need", weight=40)
    call.last_application_number = 1
    db.session.flush()
    for url in (f"/staff/calls/{call.id}/criteria", f"/staff/calls/{call.id}/criteria/{criterion.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "its scoring criteria can no longer change" in page
        assert 'name="weight"' not in page
    token = csrf_token(client, "/account")
    response = client.post(f"/staff/calls/{call.id}/criteria/{criterion.id}/remove", data={"csrf_token": token})
    assert LOCKED in client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post(f"/staff/calls/{call.id}/criteria", data={"csrf_token": token, **_criterion()})
    assert error_summary(response) == [LOCKED]
    assert [(c.name, c.weight) for c in _reload(call).criteria] == [("Need", 40)]


def test_the_call_page_links_to_the_criteria_and_from_the_problem_with_their_weights(
    client: FlaskClient, manager: User, call: Round
) -> None:
    CriterionFactory(round=call, weight=60)
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    href = f'<a class="govuk-link" href="/staff/calls/{call.id}/criteria"'
    assert f"{href}>Change scoring criteria</a>" in page
    assert f'{href} id="open-problem-1">The criteria weights add up to 60, not 100</a>' in page


# --- the whole set-up of a brand-new call, through the pages -------------------------------------------


def test_a_new_call_in_a_new_fund_can_be_set_up_and_opened_through_the_pages(
    client: FlaskClient, manager: User, fund: Fund
) -> None:
    """Details, a tier, a theme (the default form asks for themes), the default form and criteria weighing 100."""
    details = {
        "fund": str(fund.id),
        "code": "SEF-7",
        "name": "Shared Endeavour Fund Call 7",
        "opens_on": ["1", "6", "2026"],
        "opens_time": "9am",
        "closes_on": ["13", "7", "2026"],
        "closes_time": "midday",
        "budget": "£875,000",
    }
    response = client.post("/staff/calls/new", data={"csrf_token": csrf_token(client, "/staff/calls/new"), **details})
    assert response.status_code == 302
    url = response.headers["Location"].removeprefix("http://localhost")
    tiers = {"name": "Tier 1", "min_grant": "£10,000", "max_grant": "£25,000", "match_funding_percent": ""}
    assert post_form(client, f"{url}/tiers", tiers).status_code == 302
    assert post_form(client, f"{url}/themes", {"name": "Awareness raising"}).status_code == 302
    token = csrf_token(client, f"{url}/application-form")
    assert client.post(f"{url}/application-form/default", data={"csrf_token": token}).status_code == 302
    for name, weight in (("Need and evidence", "60"), ("Value for money", "40")):
        assert post_form(client, f"{url}/criteria", _criterion(name=name, weight=weight)).status_code == 302
    assert "Weights add up to 100 of 100" in client.get(f"{url}/criteria").get_data(as_text=True)
    assert client.post(f"{url}/open", data={"csrf_token": csrf_token(client, url)}).status_code == 302
    created = db.session.scalar(sa.select(Round).where(Round.code == "SEF-7"))
    assert created is not None
    db.session.refresh(created)
    assert created.status == RoundStatus.OPEN
    assert "is open for applications" in client.get(url).get_data(as_text=True)
