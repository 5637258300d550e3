"""The round lifecycle as data: every status has a row, labels for staff and the public, and allowed scales."""

from __future__ import annotations

import pytest

from fundapp.core.errors import InvalidTransition, check_transition
from fundapp.programmes.states import (
    ALLOWED_SCALES,
    ROUND_PUBLIC_LABELS,
    ROUND_STAFF_LABELS,
    ROUND_TRANSITIONS,
    RoundStatus,
)


def test_every_round_status_has_a_row_in_the_transition_table() -> None:
    assert set(ROUND_TRANSITIONS) == set(RoundStatus)


def test_every_round_status_has_a_staff_and_a_public_label() -> None:
    assert set(ROUND_STAFF_LABELS) == set(RoundStatus)
    assert set(ROUND_PUBLIC_LABELS) == set(RoundStatus)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (RoundStatus.DRAFT, RoundStatus.OPEN),
        (RoundStatus.OPEN, RoundStatus.CLOSED),
        (RoundStatus.CLOSED, RoundStatus.OPEN),
        (RoundStatus.CLOSED, RoundStatus.ASSESSING),
        (RoundStatus.ASSESSING, RoundStatus.DECIDED),
        (RoundStatus.DECIDED, RoundStatus.ARCHIVED),
    ],
)
def test_the_lifecycle_moves_forward_one_step_at_a_time(current: RoundStatus, target: RoundStatus) -> None:
    check_transition("Round", ROUND_TRANSITIONS, current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (RoundStatus.DRAFT, RoundStatus.CLOSED),
        (RoundStatus.OPEN, RoundStatus.DRAFT),
        (RoundStatus.OPEN, RoundStatus.OPEN),
        (RoundStatus.OPEN, RoundStatus.ASSESSING),
        (RoundStatus.ASSESSING, RoundStatus.OPEN),
        (RoundStatus.DECIDED, RoundStatus.OPEN),
    ],
)
def test_a_round_cannot_skip_or_go_back(current: RoundStatus, target: RoundStatus) -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_transition("Round", ROUND_TRANSITIONS, current, target)
    assert caught.value.from_state == current
    assert caught.value.to_state == target


def test_an_archived_round_is_final() -> None:
    assert ROUND_TRANSITIONS[RoundStatus.ARCHIVED] == frozenset()


def test_allowed_scales_are_the_ones_the_database_accepts() -> None:
    # Mirrors the allowed_scale CHECK constraint on criteria.
    assert ALLOWED_SCALES == {(0, 3), (0, 4), (0, 5), (1, 5)}
