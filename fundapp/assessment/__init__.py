"""Assessment: assessor pools and assignment, conflicts of interest, scorecards, aggregation, moderation, ranking."""

from flask import Blueprint

bp = Blueprint("assessment", __name__, template_folder="templates")
