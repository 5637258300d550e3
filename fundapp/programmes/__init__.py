"""Programmes: funds, rounds (calls), tiers, themes, scoring criteria and question sets."""

from flask import Blueprint

bp = Blueprint("programmes", __name__, template_folder="templates")
