"""Forms for the assessor pages."""

from __future__ import annotations

