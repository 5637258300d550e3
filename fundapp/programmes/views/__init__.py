"""Programmes pages, one module per audience: staff call pages (rounds), admin pages (admin)."""

from fundapp.programmes.views import admin, rounds

__all__ = ["admin", "rounds"]
