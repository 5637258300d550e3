"""Fund managers' pages for moderation and the ranking (with its CSV export)."""

from __future__ import annotations
