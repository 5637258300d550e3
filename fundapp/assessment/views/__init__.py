"""Assessment pages, one module per job: assessors' own work (assessor), running assessment for a call
(manage), moderation and the ranking (moderation)."""

from fundapp.assessment.views import assessor

__all__ = ["assessor"]
