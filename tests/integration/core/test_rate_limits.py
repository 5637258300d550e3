"""Rate limits (fundapp.core.limits): each limited page blocks after its limit, per IP and per normalised account,
without any way to lock everybody out; only what counts is counted (POSTs, a verification look-up); a blocked form
keeps what was typed (never the password) and says how long to wait; a breach of a sign-in limit is audited."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask, current_app
from flask.testing import FlaskClient

from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.core.limits import wait_words
from fundapp.extensions import db, limiter
from tests.factories import DEFAULT_PASSWORD, UserFactory, staff_user
from tests.helpers import csrf_token, error_summary, field_error, isolated_client, page_title, sign_in_as

WRONG = "not-the-password-123"


@pytest.fixture()
def limits(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set a limit for this test only: limits("RATELIMIT_SIGN_IN", "3 per minute")."""

    def set_limit(setting: str, value: str) -> None:
        monkeypatch.setitem(app.config, setting, value)

    return set_limit


def _from(ip: str) -> dict[str, dict[str, str]]:
    return {"environ_base": {"REMOTE_ADDR": ip}}


def _post(client: FlaskClient, url: str, data: dict[str, str], ip: str = "127.0.0.1") -> Any:
    """POST the form as a browser at `ip` would: its own token first (a GET, which never counts)."""
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, **data}, **_from(ip))


def _sign_in(client: FlaskClient, email: str, password: str = WRONG, ip: str = "127.0.0.1") -> Any:
    return _post(client, "/sign-in", {"email": email, "password": password}, ip)


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _retry_after(response: Any) -> int:
    return int(response.headers["Retry-After"])


# The real wait under a per-minute limit: a minute less the seconds the test took to get there.
WAIT_UNDER_A_MINUTE = r"Wait ([1-5]?[0-9] seconds?|1 minute) and try again"
WITHIN_A_MINUTE = re.compile(rf"Too many attempts\. {WAIT_UNDER_A_MINUTE}")


# --- sign-in -----------------------------------------------------------------------------------------------------


def test_one_ip_is_blocked_after_its_sign_in_limit_and_the_form_keeps_the_email_but_not_the_password(
    client, db_session, limits
) -> None:
    limits("RATELIMIT_SIGN_IN", "3 per minute")
    for n in range(3):
        assert _sign_in(client, f"someone{n}@example.org", ip="10.1.0.1").status_code == 200
    blocked = _sign_in(client, "last.try@example.org", password="my-secret-guess-42", ip="10.1.0.1")
    assert blocked.status_code == 429
    assert 1 <= _retry_after(blocked) <= 60
    page = blocked.get_data(as_text=True)
    assert page_title(blocked).startswith("Error: Sign in")
    [message] = error_summary(blocked)
    assert WITHIN_A_MINUTE.fullmatch(message)
    assert field_error(blocked, "email") == message
    assert 'value="last.try@example.org"' in page
    assert "my-secret-guess-42" not in page


def test_a_blocked_ip_cannot_sign_in_even_with_the_right_password_but_other_ips_can(client, db_session, limits) -> None:
    limits("RATELIMIT_SIGN_IN", "2 per minute")
    user = UserFactory()
    for n in range(2):
        _sign_in(client, f"guess{n}@example.org", ip="10.1.0.2")
    assert _sign_in(client, user.email, DEFAULT_PASSWORD, ip="10.1.0.2").status_code == 429
    assert _sign_in(isolated_client(client.application), user.email, DEFAULT_PASSWORD, ip="10.1.0.3").status_code == 302


def test_password_spraying_one_account_from_many_ips_is_stopped_for_that_account_only(
    client, db_session, limits
) -> None:
    limits("RATELIMIT_SIGN_IN_PER_ACCOUNT", "3 per 15 minutes")
    target, bystander = UserFactory(), UserFactory()
    for n in range(3):
        assert _sign_in(client, target.email, ip=f"10.2.0.{n}").status_code == 200
    blocked = _sign_in(client, target.email, DEFAULT_PASSWORD, ip="10.2.0.99")
    assert blocked.status_code == 429
    assert error_summary(blocked) == ["Too many attempts. Wait 15 minutes and try again"]
    assert 14 * 60 < _retry_after(blocked) <= 15 * 60
    # No global lockout: another account signs in from the same address, and from a new one.
    assert (
        _sign_in(isolated_client(client.application), bystander.email, DEFAULT_PASSWORD, "10.2.0.99").status_code == 302
    )
    assert (
        _sign_in(isolated_client(client.application), bystander.email, DEFAULT_PASSWORD, "10.2.0.7").status_code == 302
    )


def test_an_account_is_the_same_whatever_its_case_or_spaces(client, db_session, limits) -> None:
    limits("RATELIMIT_SIGN_IN_PER_ACCOUNT", "2 per 15 minutes")
    _sign_in(client, "Person@Example.org", ip="10.3.0.1")
    _sign_in(client, "  person@example.ORG ", ip="10.3.0.2")
    assert _sign_in(client, "PERSON@EXAMPLE.ORG", ip="10.3.0.3").status_code == 429


@pytest.mark.parametrize("data", [{"email": "", "password": WRONG}, {"password": WRONG}, {"email": "   "}])
def test_an_empty_or_missing_email_is_counted_per_ip_never_in_one_shared_bucket(
    client, db_session, limits, data
) -> None:
    # Hypha #4943: a key read from a field that was not there put everybody in one bucket. Here 3 people at 3
    # addresses who leave the email out are 3 buckets, under a per-account limit of 2.
    limits("RATELIMIT_SIGN_IN_PER_ACCOUNT", "2 per 15 minutes")
    for n in range(3):
        response = _post(client, "/sign-in", data, ip=f"10.4.0.{n}")
        assert response.status_code == 200, f"attempt {n + 1} was refused"
    user = UserFactory()
    assert _sign_in(client, user.email, DEFAULT_PASSWORD, ip="10.4.0.50").status_code == 302


def test_the_same_address_without_an_email_is_still_limited_by_its_ip(client, db_session, limits) -> None:
    limits("RATELIMIT_SIGN_IN_PER_ACCOUNT", "2 per 15 minutes")
    for _ in range(2):
        _post(client, "/sign-in", {"password": WRONG}, ip="10.4.1.1")
    assert _post(client, "/sign-in", {"password": WRONG}, ip="10.4.1.1").status_code == 429


def test_looking_at_the_sign_in_page_never_counts(client, db_session, limits) -> None:
    limits("RATELIMIT_SIGN_IN", "2 per minute")
    for _ in range(10):
        assert client.get("/sign-in", **_from("10.5.0.1")).status_code == 200
    assert _sign_in(client, "a@example.org", ip="10.5.0.1").status_code == 200
    assert _sign_in(client, "b@example.org", ip="10.5.0.1").status_code == 200
    assert _sign_in(client, "c@example.org", ip="10.5.0.1").status_code == 429


def test_a_breach_on_sign_in_is_audited_once_with_the_kind_of_key_and_never_the_password(
    client, db_session, limits
) -> None:
    limits("RATELIMIT_SIGN_IN_PER_ACCOUNT", "1 per 15 minutes")
    _sign_in(client, "victim@example.org", ip="10.6.0.1")
    for _ in range(3):
        assert _sign_in(client, "victim@example.org", password="hunter2-hunter2", ip="10.6.0.2").status_code == 429
    events = _events("auth.rate_limited")
    assert len(events) == 1  # once a minute per bucket, however many attempts are blocked
    assert events[0].data == {
        "endpoint": "accounts.sign_in",
        "key": "account",
        "limit": "1 per 15 minute",
        "setting": "RATELIMIT_SIGN_IN_PER_ACCOUNT",
    }
    assert events[0].ip_address == "10.6.0.2"
    assert "hunter2" not in str(events[0].data)


# --- the other pages that ask for something a person types ----------------------------------------------------


def test_password_reset_requests_are_limited_per_email_so_nobody_floods_a_mailbox(
    client, db_session, limits, mail
) -> None:
    limits("RATELIMIT_PASSWORD_RESET_REQUEST_PER_ACCOUNT", "2 per hour")
    user, other = UserFactory(), UserFactory()
    for n in range(2):
        assert _post(client, "/forgot-password", {"email": user.email}, ip=f"10.7.0.{n}").status_code == 200
    blocked = _post(client, "/forgot-password", {"email": f" {user.email.upper()}"}, ip="10.7.0.9")
    assert blocked.status_code == 429
    assert field_error(blocked, "email").startswith("Too many attempts. Wait ")
    assert f'value=" {user.email.upper()}"' in blocked.get_data(as_text=True)
    assert len(mail.to(user.email)) == 2
    assert _post(client, "/forgot-password", {"email": other.email}, ip="10.7.0.9").status_code == 200


def test_password_reset_requests_are_limited_per_ip(client, db_session, limits) -> None:
    limits("RATELIMIT_PASSWORD_RESET_REQUEST", "2 per minute")
    for n in range(2):
        _post(client, "/forgot-password", {"email": f"nobody{n}@example.org"}, ip="10.7.1.1")
    assert _post(client, "/forgot-password", {"email": "nobody9@example.org"}, ip="10.7.1.1").status_code == 429
    assert _post(client, "/forgot-password", {"email": "nobody9@example.org"}, ip="10.7.1.2").status_code == 200


def test_registration_is_limited_per_ip_and_keeps_what_was_typed(client, db_session, limits) -> None:
    limits("RATELIMIT_REGISTER", "1 per minute")
    short = {"full_name": "Ada Lovelace", "email": "ada@example.org", "password": "short"}
    assert _post(client, "/register", short, ip="10.8.0.1").status_code == 200
    blocked = _post(client, "/register", {**short, "password": "a-long-enough-password"}, ip="10.8.0.1")
    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert 'value="Ada Lovelace"' in page and 'value="ada@example.org"' in page
    assert "a-long-enough-password" not in page
    assert len(error_summary(blocked)) == 1 and error_summary(blocked)[0].startswith("Too many attempts")
    assert _post(client, "/register", short, ip="10.8.0.2").status_code == 200


def _reset_link(client: FlaskClient, user: Any, mail: Any) -> str:
    _post(client, "/forgot-password", {"email": user.email})
    body = mail.to(user.email)[-1].get_body(("plain",)).get_content()
    match = re.search(r"http://localhost(/reset-password/\S+)", body)
    assert match is not None
    return match.group(1)


def test_the_reset_password_page_is_limited_per_ip(client, db_session, limits, mail) -> None:
    limits("RATELIMIT_PASSWORD_RESET", "2 per minute")
    url = _reset_link(client, UserFactory(), mail)
    for _ in range(2):
        assert _post(client, url, {"password": "short"}, ip="10.9.0.1").status_code == 200
    blocked = _post(client, url, {"password": "short"}, ip="10.9.0.1")
    assert blocked.status_code == 429 and _retry_after(blocked) >= 1
    assert page_title(blocked).startswith("Error: Choose a new password")
    [message] = error_summary(blocked)
    assert WITHIN_A_MINUTE.fullmatch(message)
    # A made-up token from a blocked address gets the same 429 as a real one: the limit does not tell them apart.
    token = csrf_token(client, "/forgot-password")
    made_up = client.post("/reset-password/made-up-token", data={"csrf_token": token}, **_from("10.9.0.1"))
    assert made_up.status_code == 429
    assert _post(client, url, {"password": "short"}, ip="10.9.0.2").status_code == 200


def test_invitation_acceptance_is_limited_per_ip_with_the_friendly_429_page(client, db_session, limits) -> None:
    limits("RATELIMIT_INVITATION", "2 per minute")
    user = UserFactory()
    sign_in_as(client, user)
    token = csrf_token(client, "/account")
    for _ in range(2):
        assert (
            client.post("/invitations/not-a-token", data={"csrf_token": token}, **_from("10.10.0.1")).status_code == 410
        )
    blocked = client.post("/invitations/not-a-token", data={"csrf_token": token}, **_from("10.10.0.1"))
    assert blocked.status_code == 429
    assert page_title(blocked) == f"Too many attempts – {client.application.config['SERVICE_NAME']}"
    assert re.search(WAIT_UNDER_A_MINUTE, blocked.get_data(as_text=True))
    assert 1 <= _retry_after(blocked) <= 60
    assert client.post("/invitations/not-a-token", data={"csrf_token": token}, **_from("10.10.0.2")).status_code == 410


# --- public verification and heavy staff work ------------------------------------------------------------------


def test_verification_look_ups_are_limited_per_ip_but_the_empty_page_is_not(client, db_session, limits) -> None:
    limits("RATELIMIT_VERIFY", "3 per minute")
    for _ in range(5):
        assert client.get("/verify", **_from("10.11.0.1")).status_code == 200
    assert client.get("/verify/AAAA-BBBB-CC", **_from("10.11.0.1")).status_code == 404
    assert client.get("/verify?code=AAAA-BBBB-CC", **_from("10.11.0.1")).status_code == 302
    assert client.get("/verify/AAAA-BBBB-CD", **_from("10.11.0.1")).status_code == 404
    blocked = client.get("/verify/AAAA-BBBB-CE", **_from("10.11.0.1"))
    assert blocked.status_code == 429 and _retry_after(blocked) >= 1
    assert client.get("/verify?code=AAAA-BBBB-CE", **_from("10.11.0.1")).status_code == 429
    assert client.get("/verify/AAAA-BBBB-CE", **_from("10.11.0.2")).status_code == 404


def test_exports_are_limited_per_user_and_the_form_is_shown_again(client, db_session, limits) -> None:
    limits("RATELIMIT_EXPORT_PER_USER", "2 per minute")
    busy, colleague = staff_user(StaffRole.FINANCE_OFFICER), staff_user(StaffRole.FINANCE_OFFICER)
    sign_in_as(client, busy)
    token = csrf_token(client, "/staff/exports")
    for n in range(2):
        assert client.post("/staff/exports", data={"csrf_token": token}, **_from(f"10.12.0.{n}")).status_code == 422
    blocked = client.post("/staff/exports", data={"csrf_token": token, "export_format": "xlsx"}, **_from("10.12.0.9"))
    assert blocked.status_code == 429
    [message] = error_summary(blocked)
    assert WITHIN_A_MINUTE.fullmatch(message)
    assert page_title(blocked).startswith("Error: Export the award register")
    other = isolated_client(client.application)
    sign_in_as(other, colleague)
    other_token = csrf_token(other, "/staff/exports")
    assert other.post("/staff/exports", data={"csrf_token": other_token}, **_from("10.12.0.9")).status_code == 422


def test_letter_batches_are_limited_per_user(client, db_session, limits) -> None:
    from tests.integration.awards.test_batches import letters_call

    limits("RATELIMIT_LETTER_BATCH_PER_USER", "1 per minute")
    world = letters_call(ready=0, waiting=1)
    sign_in_as(client, world.setup.manager)
    token = csrf_token(client, world.url)
    assert client.post(world.url, data={"csrf_token": token}).status_code == 422
    blocked = client.post(world.url, data={"csrf_token": token})
    assert blocked.status_code == 429
    assert re.search(WAIT_UNDER_A_MINUTE, blocked.get_data(as_text=True))
    finance = isolated_client(client.application)
    sign_in_as(finance, world.setup.finance)
    assert finance.post(world.url, data={"csrf_token": csrf_token(finance, world.url)}).status_code == 403


# --- how long to wait, and keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "1 second"),
        (45, "45 seconds"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (900, "15 minutes"),
        (3600, "60 minutes"),
        (7200, "2 hours"),
    ],
)
def test_the_wait_is_said_in_words(seconds: int, words: str) -> None:
    assert wait_words(seconds) == words


def test_ipv6_addresses_count_by_their_64_network(client, db_session, limits) -> None:
    limits("RATELIMIT_SIGN_IN", "2 per minute")
    _sign_in(client, "a@example.org", ip="2001:db8:1:2::1")
    _sign_in(client, "b@example.org", ip="2001:db8:1:2::ffff")
    assert _sign_in(client, "c@example.org", ip="2001:db8:1:2:aaaa::9").status_code == 429
    assert _sign_in(client, "c@example.org", ip="2001:db8:1:3::1").status_code == 200


# --- storage ---------------------------------------------------------------------------------------------------


def _redis_url() -> str:
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {url}: {exc}")
    return url


@pytest.fixture()
def redis_worker(app: Flask, smtp_sink: Any) -> Iterator[Any]:
    """Builds app instances (as separate workers would be) counting in Redis under this test's own key prefix;
    afterwards the suite's app counts in memory again."""
    from config import TestConfig
    from fundapp import create_app

    url = _redis_url()
    prefix = f"fundapp-test-{uuid.uuid4().hex}"

    def build() -> Flask:
        config = TestConfig()
        config.RATELIMIT_STORAGE_URI = url  # type: ignore[misc]
        config.RATELIMIT_STORAGE_OPTIONS = {"key_prefix": prefix}  # type: ignore[attr-defined]
        config.MAIL_PORT = smtp_sink.port  # type: ignore[misc]
        config.RATELIMIT_SIGN_IN = "3 per minute"  # type: ignore[misc]
        return create_app(config)

    try:
        yield build
    finally:
        limiter.reset()  # this test's keys only: they all start with its prefix
        limiter._storage_options.pop("key_prefix", None)  # init_app keeps storage options
        limiter.init_app(app)


def test_with_redis_the_limits_are_counted_across_app_instances(redis_worker, db_session) -> None:
    from limits.storage import RedisStorage

    first = redis_worker()
    assert isinstance(limiter.storage, RedisStorage)
    for n in range(2):
        assert _sign_in(isolated_client(first), f"w1-{n}@example.org", ip="10.13.0.1").status_code == 200
    # A second instance starts with a new storage object: it knows of the first's attempts only through Redis.
    second = redis_worker()
    assert _sign_in(isolated_client(second), "w2@example.org", ip="10.13.0.1").status_code == 200
    assert _sign_in(isolated_client(second), "w2@example.org", ip="10.13.0.1").status_code == 429


# --- the two-factor code step ------------------------------------------------------------------------------------


def _pending(user: Any, ip: str = "127.0.0.1") -> FlaskClient:
    """A browser that gave user's right password and now stands at the code step."""
    browser = isolated_client(current_app._get_current_object())
    response = _sign_in(browser, user.email, DEFAULT_PASSWORD, ip=ip)
    assert response.headers["Location"].endswith("/sign-in/code")
    return browser


def _code(browser: FlaskClient, code: str, ip: str, url: str = "/sign-in/code") -> Any:
    return _post(browser, url, {"code": code}, ip)


def test_guessing_codes_for_one_person_from_many_ips_is_stopped_for_that_person_only(
    client, db_session, limits
) -> None:
    limits("RATELIMIT_TWO_FACTOR_PER_ACCOUNT", "3 per 15 minutes")
    target, colleague = staff_user(StaffRole.ASSESSOR), staff_user(StaffRole.ASSESSOR)
    browser = _pending(target)
    _code(browser, "000000", ip="10.20.0.1")
    _code(browser, "000001", ip="10.20.0.2")
    _post(browser, "/sign-in/code?use=recovery", {"code": "AAAA-BBBB"}, ip="10.20.0.3")  # the same bucket
    blocked = _code(browser, pyotp.TOTP(target.totp_secret).now(), ip="10.20.0.4")
    assert blocked.status_code == 429
    assert error_summary(blocked) == ["Too many attempts. Wait 15 minutes and try again"]
    assert field_error(blocked, "code") == "Too many attempts. Wait 15 minutes and try again"
    assert page_title(blocked).startswith("Error: Enter the code")
    other = _pending(colleague, ip="10.20.0.4")
    assert _code(other, pyotp.TOTP(colleague.totp_secret).now(), ip="10.20.0.4").status_code == 302
    assert [e.data["key"] for e in _events("auth.rate_limited")] == ["user"]


def test_one_ip_guessing_codes_for_several_people_is_stopped(client, db_session, limits) -> None:
    limits("RATELIMIT_TWO_FACTOR", "2 per minute")
    first, second = staff_user(StaffRole.ASSESSOR), staff_user(StaffRole.FINANCE_OFFICER)
    _code(_pending(first), "000000", ip="10.21.0.1")
    browser = _pending(second)
    for _ in range(5):
        assert browser.get("/sign-in/code", **_from("10.21.0.1")).status_code == 200  # looking never counts
    _code(browser, "000000", ip="10.21.0.1")
    assert _code(browser, pyotp.TOTP(second.totp_secret).now(), ip="10.21.0.1").status_code == 429
    assert _code(browser, pyotp.TOTP(second.totp_secret).now(), ip="10.21.0.2").status_code == 302


def test_the_two_factor_pages_of_your_account_are_limited_per_user(client, db_session, limits) -> None:
    limits("RATELIMIT_TWO_FACTOR_PER_ACCOUNT", "1 per 15 minutes")
    user = UserFactory()
    sign_in_as(client, user)
    data = {"password": WRONG, "code": "000000"}
    assert _post(client, "/account/two-factor/turn-on", data).status_code in (200, 422)
    blocked = _post(client, "/account/two-factor/turn-on", data)
    assert blocked.status_code == 429
    assert error_summary(blocked) == ["Too many attempts. Wait 15 minutes and try again"]


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/account/password", {"current_password": WRONG, "new_password": "a brand new passphrase"}),
        ("/account/email", {"email": "someone.new@example.org", "current_password": WRONG}),
    ],
)
def test_re_entering_the_password_to_change_it_or_the_email_is_limited_per_person(
    client, db_session, limits, url: str, data: dict[str, str]
) -> None:
    limits("RATELIMIT_REAUTHENTICATION_PER_ACCOUNT", "2 per 15 minutes")
    user = UserFactory()
    sign_in_as(client, user)
    for _ in range(2):
        assert _post(client, url, data).status_code == 200
    blocked = _post(client, url, data)
    assert blocked.status_code == 429
    assert error_summary(blocked) == ["Too many attempts. Wait 15 minutes and try again"]
    other = isolated_client(client.application)
    sign_in_as(other, UserFactory())
    assert _post(other, url, data).status_code == 200  # someone else is not held back
