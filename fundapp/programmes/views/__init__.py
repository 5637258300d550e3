"""Programmes pages by audience: public calls (public), staff call pages (rounds, round_setup, schedule), and
admin (admin)."""

from fundapp.programmes.views import admin, public, round_setup, rounds, schedule

__all__ = ["admin", "public", "round_setup", "rounds", "schedule"]
