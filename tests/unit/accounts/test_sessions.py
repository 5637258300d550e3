"""When a session has ended by itself, and what the person is told."""

from __future__ import annotations

from fundapp.accounts.sessions import Timeouts, expiry_reason, signed_out_message

LIMITS = Timeouts(idle=1800, absolute=43200, warning=120)


def test_a_session_lasts_until_either_limit_is_reached() -> None:
    assert expiry_reason(signed_in_at=0, last_active_at=0, now=1799, timeouts=LIMITS) is None
    assert expiry_reason(signed_in_at=0, last_active_at=0, now=1800, timeouts=LIMITS) == "idle"
    assert expiry_reason(signed_in_at=0, last_active_at=43100, now=43199, timeouts=LIMITS) is None
    assert expiry_reason(signed_in_at=0, last_active_at=43199, now=43200, timeouts=LIMITS) == "absolute"


def test_the_absolute_limit_wins_when_both_have_passed() -> None:
    assert expiry_reason(signed_in_at=0, last_active_at=0, now=50000, timeouts=LIMITS) == "absolute"


def test_the_message_names_the_limit_in_words() -> None:
    assert signed_out_message("idle", LIMITS).startswith(
        "You were signed out because you had not done anything for 30 minutes"
    )
    assert "signed in for 12 hours" in signed_out_message("absolute", LIMITS)
    assert "for 1 minute." in signed_out_message("idle", Timeouts(idle=60, absolute=3600, warning=10))
    assert "for 45 seconds." in signed_out_message("idle", Timeouts(idle=45, absolute=3600, warning=10))
