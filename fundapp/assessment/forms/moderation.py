"""Forms for the moderation pages."""

from __future__ import annotations

