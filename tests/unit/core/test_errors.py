"""Status changes are checked against a transition table held as data."""

from __future__ import annotations

import enum

import pytest

from fundapp.core.errors import DomainError, InvalidTransition, check_transition


class Light(enum.StrEnum):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"
    BROKEN = "broken"


TABLE: dict[enum.Enum, frozenset[enum.Enum]] = {
    Light.RED: frozenset({Light.GREEN}),
    Light.GREEN: frozenset({Light.AMBER}),
    Light.AMBER: frozenset({Light.RED}),
}


def test_an_allowed_transition_passes() -> None:
    check_transition("Light", TABLE, Light.RED, Light.GREEN)


def test_a_transition_missing_from_the_table_raises_with_its_details() -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_transition("Light", TABLE, Light.RED, Light.AMBER)
    error = caught.value
    assert (error.model, error.from_state, error.to_state) == ("Light", Light.RED, Light.AMBER)
    assert error.message == "Light cannot move from red to amber"
    assert isinstance(error, DomainError)


def test_a_state_with_no_way_out_refuses_every_transition() -> None:
    with pytest.raises(InvalidTransition):
        check_transition("Light", TABLE, Light.BROKEN, Light.RED)


def test_staying_in_the_same_state_is_not_a_transition_unless_listed() -> None:
    with pytest.raises(InvalidTransition):
        check_transition("Light", TABLE, Light.GREEN, Light.GREEN)


def test_domain_error_carries_its_field() -> None:
    error = DomainError("Enter a name", field="name")
    assert (str(error), error.message, error.field) == ("Enter a name", "Enter a name", "name")
