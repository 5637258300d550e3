"""Failed email is retried with exponential back-off."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fundapp.core.mail.services import retry_delay


@pytest.mark.parametrize(("attempts", "minutes"), [(0, 1), (1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (9, 256)])
def test_retry_delay_doubles_after_each_failed_attempt(attempts: int, minutes: int) -> None:
    assert retry_delay(attempts) == timedelta(minutes=minutes)


@pytest.mark.parametrize("attempts", [10, 50, 10_000])
def test_retry_delay_is_capped_at_six_hours(attempts: int) -> None:
    assert retry_delay(attempts) == timedelta(hours=6)
