"""The applicant's offer through the pages: what the offer shows, accepting it (the form prefilled from the
application's signatory, errors at the fields with what was typed kept, a letter re-issued meanwhile), declining it,
downloading the letter, and who may reach each page."""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

import pytest

from fundapp.accounts.states import MemberRole, StaffRole
from fundapp.awards import queries, services
from fundapp.awards.forms.applicant import CONFIRM_MISSING
from fundapp.awards.models import Award
from fundapp.awards.states import AwardStatus
from fundapp.core import storage
from fundapp.core.clock import utcnow
from fundapp.extensions import db
from fundapp.programmes.models import Round
from tests.factories import AnswerFactory, MembershipFactory, UserFactory, staff_user
from tests.helpers import IsolatedClient, error_summary, field_error, hidden_fields, page_title, post_form, sign_in_as
from tests.integration.awards.offers import Offer, events, issue_test_letter, make_offer, reload
from tests.integration.awards.test_letters import awarded
from tests.smtp import SMTPSink


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def _url(offer: Offer, suffix: str = "") -> str:
    return f"/awards/{offer.award.id}{suffix}"


def _accept_data(**overrides: str) -> dict[str, str]:
    return {"name": "Pat Chair", "position": "Chair of trustees", "confirm": "y", "letter_version": "1", **overrides}


@pytest.fixture()
def offer(db_session: Any) -> Offer:
    offer = make_offer(conditions="Send us your safeguarding policy.\nName a project lead.")
    AnswerFactory(
        application=offer.award.application, question_key="signatory_position", raw="Treasurer", value="Treasurer"
    )
    return offer


# --- the offer page -----------------------------------------------------------------------------------------


def test_the_offer_shows_the_amount_schedule_conditions_reporting_dates_and_the_letter(
    client: IsolatedClient, offer: Offer
) -> None:
    sign_in_as(client, offer.owner)
    response = client.get(_url(offer))
    assert response.status_code == 200
    assert page_title(response).startswith(f"Your grant offer: {offer.award.reference}")
    text = _text(response)
    assert "Grant £20,000" in text
    assert "Awarded – accept your offer" in text
    assert "First payment 50% £10,000.00 On acceptance of the grant Not due yet" in text
    assert "Second payment 40% £8,000.00 On approval of the interim report" in text
    assert "Final payment 10% £2,000.00 On approval of the final report" in text
    assert "Total 100% £20,000.00" in text
    assert "Send us your safeguarding policy." in text and "Name a project lead." in text
    assert "Interim report Due 30 September 2027" in text and "Final report Due 26 May 2028" in text
    assert "Version 1, issued on" in text
    assert f'href="/awards/{offer.award.id}/letter/1"' in response.get_data(as_text=True)
    assert "Decline this offer" in text


def test_the_acceptance_form_is_prefilled_with_the_signatory_the_application_named(
    client: IsolatedClient, offer: Offer
) -> None:
    sign_in_as(client, offer.owner)
    response = client.get(_url(offer))
    page = response.get_data(as_text=True)
    assert re.search(r'name="name"[^>]*value="Pat Chair"', page)
    assert re.search(r'name="position"[^>]*value="Treasurer"', page)
    assert hidden_fields(response)["letter_version"] == "1"
    organisation = offer.award.organisation.name
    assert (
        "I confirm that I have read the grant offer letter (version 1), that I am authorised to accept it on behalf "
        f"of {organisation}, and that {organisation} accepts the grant on the terms in the letter"
    ) in _text(response)


def test_accepting_records_the_letters_hash_and_the_ip_address_tells_staff_and_shows_the_record(
    client: IsolatedClient, offer: Offer, mail: SMTPSink
) -> None:
    sign_in_as(client, offer.owner)
    [letter] = queries.list_letters(offer.award.id)
    token = hidden_fields(client.get(_url(offer)))["csrf_token"]
    response = client.post(
        _url(offer), data={"csrf_token": token, **_accept_data()}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    assert response.status_code == 302 and response.headers["Location"] == _url(offer)
    award = reload(offer.award)
    assert award.status == AwardStatus.ACCEPTED
    assert award.accepted_ip == "203.0.113.9"
    assert award.accepted_letter_version == 1
    assert award.accepted_letter_sha256 == letter.sha256 == hashlib.sha256(storage.read(letter.storage_key)).hexdigest()
    assert (award.accepted_name, award.accepted_position) == ("Pat Chair", "Chair of trustees")
    [message] = mail.to(offer.manager.email)
    assert message["Subject"] == f"{award.reference} accepted by {award.organisation.name}"

    page = client.get(_url(offer))
    text = _text(page)
    assert "Grant accepted" in text and f"You have accepted the grant for {award.reference}" in text
    assert f"Your reference {award.reference}" in text and "<strong>" not in text
    assert "Accepted by Pat Chair, Chair of trustees" in text and "Letter accepted Version 1" in text
    assert "First payment 50% £10,000.00 On acceptance of the grant Due – being processed" in text
    assert 'name="confirm"' not in page.get_data(as_text=True) and "Decline this offer" not in text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your full name"),
        ({"name": "   "}, "name", "Enter your full name"),
        ({"name": "N" * 201}, "name", "Your name must be 200 characters or fewer"),
        ({"position": ""}, "position", "Enter your position in the organisation"),
        ({"position": "P" * 201}, "position", "Your position must be 200 characters or fewer"),
        ({"confirm": ""}, "confirm", CONFIRM_MISSING),
    ],
)
def test_acceptance_problems_are_shown_at_their_field_and_what_was_typed_is_kept(
    client: IsolatedClient, offer: Offer, data: dict[str, str], field: str, message: str
) -> None:
    sign_in_as(client, offer.owner)
    posted = {**_accept_data(name="Róisín O'Neill", position="Chair & Treasurer"), **data}
    if not posted["confirm"]:
        del posted["confirm"]
    response = post_form(client, _url(offer), posted)
    assert response.status_code == 422
    assert page_title(response).startswith("Error: ")
    assert error_summary(response) == [message]
    assert field_error(response, field) == message
    page = html.unescape(response.get_data(as_text=True))
    for name in ("name", "position"):
        if name != field:
            assert f'value="{posted[name]}"' in page
    assert reload(offer.award).status == AwardStatus.LETTER_ISSUED


def test_a_letter_reissued_after_the_page_was_loaded_is_not_accepted_unread(
    client: IsolatedClient, offer: Offer
) -> None:
    sign_in_as(client, offer.owner)
    token = hidden_fields(client.get(_url(offer)))["csrf_token"]
    issue_test_letter(offer.award, by=offer.manager, marker="v2")
    response = client.post(_url(offer), data={"csrf_token": token, **_accept_data()})
    assert response.status_code == 422
    assert field_error(response, "confirm").startswith("A new version of your offer letter was issued")
    assert hidden_fields(response)["letter_version"] == "2"
    assert "Version 2, issued on" in _text(response) and "letter (version 2)" in _text(response)
    assert 'value="Pat Chair"' in response.get_data(as_text=True)
    assert reload(offer.award).status == AwardStatus.LETTER_ISSUED

    response = client.post(_url(offer), data={"csrf_token": token, **_accept_data(letter_version="2")})
    assert response.status_code == 302
    assert reload(offer.award).accepted_letter_version == 2


def test_a_member_who_is_not_an_owner_is_told_who_can_accept(client: IsolatedClient, offer: Offer) -> None:
    member = MembershipFactory(organisation=offer.award.organisation, role=MemberRole.MEMBER).user
    sign_in_as(client, member)
    response = client.get(_url(offer))
    text = _text(response)
    assert response.status_code == 200
    assert f"Only an owner of {offer.award.organisation.name} can accept or decline the grant." in text
    assert offer.owner.full_name in text
    assert 'name="confirm"' not in response.get_data(as_text=True) and "Decline this offer" not in text
    token = hidden_fields(client.get("/sign-in"))["csrf_token"]
    assert client.post(_url(offer), data={"csrf_token": token, **_accept_data()}).status_code == 403
    assert client.get(_url(offer, "/decline")).status_code == 403
    assert reload(offer.award).status == AwardStatus.LETTER_ISSUED


def test_before_the_letter_is_issued_the_offer_says_it_is_on_its_way(client: IsolatedClient, db_session: Any) -> None:
    offer = make_offer(letter=False)
    sign_in_as(client, offer.owner)
    text = _text(client.get(_url(offer)))
    assert "Your offer letter is on its way" in text and "Accept the grant" not in text


# --- declining ----------------------------------------------------------------------------------------------


def test_declining_says_it_cannot_be_undone_needs_a_reason_and_returns_the_money(
    client: IsolatedClient, offer: Offer, mail: SMTPSink
) -> None:
    sign_in_as(client, offer.owner)
    page = client.get(_url(offer, "/decline"))
    assert page.status_code == 200
    assert page_title(page).startswith("Decline your grant offer")
    assert "You cannot undo this." in _text(page)

    response = post_form(client, _url(offer, "/decline"), {"reason": ""})
    assert response.status_code == 422
    assert field_error(response, "reason") == "Enter why the organisation is declining the grant"
    response = post_form(client, _url(offer, "/decline"), {"reason": "R" * 2001})
    assert response.status_code == 422
    assert field_error(response, "reason") == "The reason must be 2,000 characters or fewer"
    assert "R" * 2001 in response.get_data(as_text=True)
    assert reload(offer.award).status == AwardStatus.LETTER_ISSUED

    response = post_form(client, _url(offer, "/decline"), {"reason": "Our match funding fell through."})
    assert response.status_code == 302 and response.headers["Location"] == _url(offer)
    award = reload(offer.award)
    assert award.status == AwardStatus.DECLINED and award.decline_reason == "Our match funding fell through."
    assert db.session.get(Round, award.round_id).committed_pence == 0
    [message] = mail.to(offer.manager.email)
    assert "declined" in message["Subject"]
    text = _text(client.get(_url(offer)))
    assert "Offer declined" in text and "Our match funding fell through." in text
    assert client.get(_url(offer, "/decline")).status_code == 302  # nothing left to decline


def test_declining_a_letter_reissued_meanwhile_is_refused_at_the_reason(client: IsolatedClient, offer: Offer) -> None:
    sign_in_as(client, offer.owner)
    token = hidden_fields(client.get(_url(offer, "/decline")))["csrf_token"]
    issue_test_letter(offer.award, by=offer.manager, marker="v2")
    response = client.post(
        _url(offer, "/decline"), data={"csrf_token": token, "reason": "No longer needed", "letter_version": "1"}
    )
    assert response.status_code == 422
    assert field_error(response, "reason").startswith("A new version of your offer letter was issued")
    assert "No longer needed" in response.get_data(as_text=True)
    assert reload(offer.award).status == AwardStatus.LETTER_ISSUED


# --- the letter ---------------------------------------------------------------------------------------------


def test_members_download_each_version_of_the_letter_and_the_download_is_recorded(
    client: IsolatedClient, offer: Offer
) -> None:
    second = issue_test_letter(offer.award, by=offer.manager, marker="v2")
    sign_in_as(client, offer.owner)
    response = client.get(_url(offer, "/letter/2"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert hashlib.sha256(response.get_data()).hexdigest() == second.sha256
    response.close()
    first = client.get(_url(offer, "/letter/1"))
    assert first.status_code == 200 and first.get_data().startswith(b"%PDF-1.7")
    first.close()
    assert client.get(_url(offer, "/letter/3")).status_code == 404
    assert [e.data["version"] for e in events("award_letter.downloaded")] == [2, 1]
    assert "Earlier versions" in _text(client.get(_url(offer)))


# --- who may reach the pages --------------------------------------------------------------------------------

PATHS = [("GET", ""), ("POST", ""), ("GET", "/decline"), ("POST", "/decline"), ("GET", "/letter/1")]


def _send(client: IsolatedClient, method: str, path: str) -> Any:
    if method == "GET":
        response = client.get(path)
    else:
        token = hidden_fields(client.get("/sign-in"))["csrf_token"]
        response = client.post(path, data={"csrf_token": token, **_accept_data(), "reason": "Because"})
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize(("method", "suffix"), PATHS)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(
    client: IsolatedClient, offer: Offer, method: str, suffix: str
) -> None:
    response = _send(client, method, _url(offer, suffix))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


OUTSIDERS = {
    "applicant of another organisation": lambda offer: MembershipFactory().user,
    "applicant with no organisation": lambda offer: UserFactory(),
    "fund manager of the call": lambda offer: offer.manager,
    "finance officer of the call": lambda offer: offer.finance,
    "admin": lambda offer: staff_user(StaffRole.ADMIN),
}


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(("method", "suffix"), PATHS)
def test_nobody_outside_the_organisation_learns_the_offer_exists(
    client: IsolatedClient, offer: Offer, method: str, suffix: str, who: str
) -> None:
    sign_in_as(client, OUTSIDERS[who](offer))
    response = _send(client, method, _url(offer, suffix))
    assert response.status_code == 404
    assert offer.award.organisation.name not in response.get_data(as_text=True)
    assert reload(offer.award).status == AwardStatus.LETTER_ISSUED


@pytest.mark.parametrize(("method", "suffix"), PATHS)
def test_before_outcomes_are_published_even_the_owner_gets_404(
    client: IsolatedClient, offer: Offer, method: str, suffix: str
) -> None:
    offer.award.round.outcomes_published_at = None
    db.session.flush()
    sign_in_as(client, offer.owner)
    assert _send(client, method, _url(offer, suffix)).status_code == 404


@pytest.mark.parametrize(
    ("method", "suffix", "expected"),
    [
        ("GET", "", 200),
        ("POST", "", 302),
        ("GET", "/decline", 200),
        ("POST", "/decline", 302),
        ("GET", "/letter/1", 200),
    ],
)
def test_the_owner_reaches_every_page(
    client: IsolatedClient, offer: Offer, method: str, suffix: str, expected: int
) -> None:
    sign_in_as(client, offer.owner)
    assert _send(client, method, _url(offer, suffix)).status_code == expected


def test_an_award_that_does_not_exist_is_404(client: IsolatedClient, offer: Offer) -> None:
    sign_in_as(client, offer.owner)
    missing = (db.session.query(Award.id).order_by(Award.id.desc()).scalar() or 0) + 1000
    for path in (f"/awards/{missing}", f"/awards/{missing}/decline", f"/awards/{missing}/letter/1"):
        assert client.get(path).status_code == 404


def test_every_applicant_route_is_in_this_table(app: Any) -> None:
    covered = {("awards.applicant_award", "GET"), ("awards.applicant_award", "POST")}
    covered |= {("awards.applicant_decline", "GET"), ("awards.applicant_decline", "POST")}
    covered |= {("awards.applicant_letter", "GET")}
    mine = {endpoint for endpoint, _ in covered}
    found = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint in mine
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert found == covered


def test_the_organisation_reads_why_its_offer_was_withdrawn(client: Any) -> None:
    setup, award = awarded()
    services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())
    services.withdraw_award(actor=setup.manager, award=award, reason="Not accepted by the deadline", now=utcnow())
    db.session.flush()
    sign_in_as(client, setup.applicants[0])

    page = client.get(f"/awards/{award.id}").get_data(as_text=True)

    assert "Offer withdrawn" in page and "Not accepted by the deadline" in page
    assert "Accept the grant" not in page
