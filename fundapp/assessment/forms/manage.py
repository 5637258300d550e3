"""Forms for the manage pages."""

from __future__ import annotations

