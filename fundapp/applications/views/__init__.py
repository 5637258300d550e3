"""Application pages, one module per job: applying (apply), files (files), staff screening (screening)."""

from fundapp.applications.views import apply, files, screening

__all__ = ["apply", "files", "screening"]
