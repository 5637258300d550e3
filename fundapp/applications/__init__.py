"""Applications: drafts, answers, attachments, budgets, eligibility screening and submission."""

from flask import Blueprint

bp = Blueprint("applications", __name__, template_folder="templates")
