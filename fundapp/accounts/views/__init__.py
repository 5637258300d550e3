"""Accounts pages, one module per job: signing in (signing_in), a person's account and organisations (people)."""

from fundapp.accounts.views import people, signing_in

__all__ = ["people", "signing_in"]
