"""Programmes pages by audience: public calls (public), staff call pages (rounds, round_setup), admin (admin)."""

from fundapp.programmes.views import admin, public, round_setup, rounds

__all__ = ["admin", "public", "round_setup", "rounds"]
