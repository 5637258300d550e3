"""Counts in words."""

from fundapp.core.wording import plural


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert plural(1, "letter") == "1 letter"
    assert plural(0, "letter") == "0 letters"
    assert plural(3, "letter") == "3 letters"


def test_an_irregular_plural_can_be_given() -> None:
    assert plural(1, "award waits", "awards wait") == "1 award waits"
    assert plural(2, "award waits", "awards wait") == "2 awards wait"
