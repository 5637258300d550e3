"""Awards: decisions and the budget guard, due diligence, award letters, acceptance, payments, verification."""

from flask import Blueprint

bp = Blueprint("awards", __name__, template_folder="templates")
