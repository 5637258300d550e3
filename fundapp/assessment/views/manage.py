"""Fund managers' pages for running a call's assessment: progress, the assessor pool, auto-assign, assignment by
hand and reminders."""

from __future__ import annotations
