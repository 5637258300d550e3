"""Accounts pages, one module per job: signing in (signing_in) and its second factor (two_factor), a person's account
and organisations (people)."""

from fundapp.accounts.views import people, security, signing_in, two_factor

__all__ = ["people", "security", "signing_in", "two_factor"]
