"""Assessment pages, one module per job: assessors' own work (assessor), running assessment for a call
(manage), moderation and the ranking (moderation)."""

from fundapp.assessment.views import assessor, manage, moderation

__all__ = ["assessor", "manage", "moderation"]
