"""Reporting: monitoring reports, metrics, finance exports (CSV, XLSX, 360Giving) and dashboards."""
