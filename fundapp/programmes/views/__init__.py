"""Programmes pages, one module per audience: public calls (public), staff call pages (rounds), admin (admin)."""

from fundapp.programmes.views import admin, public, rounds

__all__ = ["admin", "public", "rounds"]
