"""Reporting pages, one module per job: the home page (home), a grantee's monitoring reports (grantee), staff
review of reports (review), the portfolio of results (portfolio), a call's monitoring settings (settings), finance
exports (exports) and the dashboards (dashboards)."""

from fundapp.reporting.views import dashboards, exports, grantee, home, portfolio, review, settings

__all__ = ["dashboards", "exports", "grantee", "home", "portfolio", "review", "settings"]
