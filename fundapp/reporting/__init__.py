"""Reporting: monitoring reports, metrics, finance exports (CSV, XLSX, 360Giving) and dashboards."""

from flask import Blueprint

bp = Blueprint("reporting", __name__, template_folder="templates")
