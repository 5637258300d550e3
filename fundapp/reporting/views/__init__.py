"""Reporting pages, one module per job: the home page (home), a grantee's monitoring reports (grantee), staff
review of reports (review), the portfolio of results (portfolio), a call's monitoring settings (settings), finance
exports (exports), the dashboards (dashboards) and personal data: downloading your own, removing an organisation's
(personal_data); and reading the audit trail (audit)."""

from fundapp.reporting.views import (
    audit,
    dashboards,
    exports,
    grantee,
    home,
    personal_data,
    portfolio,
    review,
    settings,
)

__all__ = ["audit", "dashboards", "exports", "grantee", "home", "personal_data", "portfolio", "review", "settings"]
