"""Placeholder: being written."""

from fundapp.awards import bp  # noqa: F401
